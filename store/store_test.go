package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// setup opens a store in a fresh folder and closes it when the test ends.
func setup(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

var t0 = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

func newRun(t *testing.T, mutate ...func(*status.Run)) status.Run {
	t.Helper()
	r := status.Run{
		ID: uuid.Must(uuid.NewV7()).String(), Status: status.Queued, Group: "default",
		InputType: status.InputString, Steps: []string{"extract", "transform", "commit"},
		CreatedAt: t0, UpdatedAt: t0,
	}
	for _, m := range mutate {
		m(&r)
	}
	return r
}

func mustCreate(t *testing.T, s *Store, r status.Run) status.Run {
	t.Helper()
	got, err := s.CreateRun(r, []byte(`{"type":"string"}`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestOpenCreatesFileWithMode0600(t *testing.T) {
	t.Parallel()
	_, path := setup(t)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", info.Mode().Perm())
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put([]byte("schema"), []byte{SchemaVersion + 1})
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(path, Options{}); !errors.Is(err, errs.Version) {
		t.Fatalf("Open of a newer file = %v, want ErrVersion", err)
	}
}

func TestOpenRefusesForeignAndCorruptFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("other")); return err })
	db.Close()
	if _, err := Open(foreign, Options{}); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("foreign bbolt file: %v, want ErrCorrupt", err)
	}

	garbage := filepath.Join(dir, "garbage.db")
	junk := make([]byte, 64<<10)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	if err := os.WriteFile(garbage, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(garbage, Options{}); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("garbage file: %v, want ErrCorrupt", err)
	}
}

func TestCreateAndGetRun(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := newRun(t, func(r *status.Run) {
		r.UserID, r.Properties, r.Metadata = "Alice", map[string]string{"c": "1"}, map[string]string{"m": "x"}
	})
	created := mustCreate(t, s, r)
	if created.Revision != 1 {
		t.Fatalf("revision %d, want 1", created.Revision)
	}
	got, err := s.Run(r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(created) {
		t.Fatalf("stored %+v\nread   %+v", created, got)
	}
	in, err := s.Input(r.ID)
	if err != nil || string(in) != `{"type":"string"}` {
		t.Fatalf("input %q, %v", in, err)
	}
	if _, err := s.Run(uuid.Must(uuid.NewV7()).String()); !errors.Is(err, errs.NotFound) {
		t.Fatalf("unknown run: %v", err)
	}
	if _, err := s.Run("nope"); !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("malformed id: %v", err)
	}
	if _, err := s.CreateRun(r, nil); !errors.Is(err, errs.Conflict) {
		t.Fatalf("second create with the same ID: %v", err)
	}
	if _, err := s.CreateRun(newRun(t, func(r *status.Run) { r.Status = status.Running }), nil); !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("create a running run: %v", err)
	}
}

func TestDocumentIDIsAnIdempotencyKeyPerScope(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	first := mustCreate(t, s, newRun(t, func(r *status.Run) { r.UserID, r.DocumentID = "alice", "doc-1" }))
	_, err := s.CreateRun(newRun(t, func(r *status.Run) { r.UserID, r.DocumentID = "ALICE", "doc-1" }), nil)
	if !errors.Is(err, errs.Conflict) {
		t.Fatalf("reused document ID: %v, want ErrConflict", err)
	}
	if want := first.ID; !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not name the first run %s", err, want)
	}
	mustCreate(t, s, newRun(t, func(r *status.Run) { r.UserID, r.DocumentID = "bob", "doc-1" }))
	mustCreate(t, s, newRun(t, func(r *status.Run) { r.UserID, r.Group, r.DocumentID = "alice", "other", "doc-1" }))
}

// TestGroupedWritesAreIsolated hands the writer many writes at once, one of them failing: the
// others must commit, and the failing one must leave nothing behind.
func TestGroupedWritesAreIsolated(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	mustCreate(t, s, newRun(t, func(r *status.Run) { r.DocumentID = "taken" }))
	const n = 50
	runs := make([]status.Run, n)
	errsOut := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		runs[i] = newRun(t, func(r *status.Run) {
			if i == n/2 {
				r.DocumentID = "taken"
			}
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errsOut[i] = s.CreateRun(runs[i], []byte("x"))
		}()
	}
	wg.Wait()
	for i, err := range errsOut {
		_, getErr := s.Run(runs[i].ID)
		if i == n/2 {
			if !errors.Is(err, errs.Conflict) || !errors.Is(getErr, errs.NotFound) {
				t.Fatalf("conflicting run: create %v, get %v", err, getErr)
			}
			if _, err := s.Input(runs[i].ID); !errors.Is(err, errs.NotFound) {
				t.Fatalf("conflicting run left its input behind: %v", err)
			}
			continue
		}
		if err != nil || getErr != nil {
			t.Fatalf("run %d: create %v, get %v", i, err, getErr)
		}
	}
}

func TestUpdateRunIsCompareAndSet(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	running, err := s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error {
		run.Status = status.Running
		return nil
	})
	if err != nil || running.Status != status.Running || running.Revision != 2 {
		t.Fatalf("update = %+v, %v", running, err)
	}
	_, err = s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error { return nil })
	if !errors.Is(err, errs.Conflict) {
		t.Fatalf("stale revision: %v, want ErrConflict", err)
	}
	fnErr := errors.New("step failed")
	if _, err := s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error {
		run.Status = status.Completed
		return fnErr
	}); !errors.Is(err, fnErr) {
		t.Fatalf("fn error: %v", err)
	}
	if got, _ := s.Run(r.ID); got.Status != status.Running || got.Revision != 2 {
		t.Fatalf("a failed update changed the run: %+v", got)
	}
}

// TestStoreRefusesIllegalTransitions walks every pair of statuses through the store: a legal edge is
// stored, an illegal one is refused and leaves the run as it was.
func TestStoreRefusesIllegalTransitions(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	// path reaches each status from queued along legal edges.
	path := map[status.Status][]status.Status{
		status.Queued:         nil,
		status.Running:        {status.Running},
		status.InBuffer:       {status.Running, status.InBuffer},
		status.Completed:      {status.Running, status.Completed},
		status.Failed:         {status.Running, status.Failed},
		status.PartialSuccess: {status.Running, status.PartialSuccess},
	}
	for _, from := range status.All {
		for _, to := range status.All {
			r := mustCreate(t, s, newRun(t))
			for _, st := range path[from] {
				var err error
				if r, err = s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error { run.Status = st; return nil }); err != nil {
					t.Fatalf("reaching %s: %v", from, err)
				}
			}
			_, err := s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error { run.Status = to; return nil })
			legal := status.CanTransition(from, to)
			if legal != (err == nil) {
				t.Errorf("%s -> %s: err %v, legal %v", from, to, err, legal)
			}
			got, _ := s.Run(r.ID)
			want := from
			if legal {
				want = to
			} else if !errors.Is(err, status.ErrIllegalTransition) {
				t.Errorf("%s -> %s: %v, want ErrIllegalTransition", from, to, err)
			}
			if got.Status != want {
				t.Errorf("%s -> %s: stored %s", from, to, got.Status)
			}
			listed, _, err := s.ListRuns(RunFilter{Statuses: []status.Status{want}}, "", 1000)
			if err != nil || !hasRun(listed, r.ID) {
				t.Errorf("%s -> %s: status index misses the run under %s (%v)", from, to, want, err)
			}
		}
	}
}

func hasRun(runs []status.Run, id string) bool {
	for _, r := range runs {
		if r.ID == id {
			return true
		}
	}
	return false
}

func TestStoredRunDerivesItsCreatedCounters(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	got, err := s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error {
		run.Status = status.Running
		run.CommittedOperations.Created = append(run.CommittedOperations.Created, status.Operation{MemoryID: "m1", CommittedAt: t0})
		run.MemoriesCreated = 9 // wrong on purpose: the store derives it
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read, _ := s.Run(r.ID)
	for _, run := range []status.Run{got, read} {
		if run.MemoriesCreated != 1 || len(run.MemoryIDs) != 1 || run.MemoryIDs[0] != "m1" {
			t.Fatalf("counters %d %v, want 1 [m1]", run.MemoriesCreated, run.MemoryIDs)
		}
	}
}

func TestCheckpointsAreDroppedWhenARunEnds(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	r, err := s.UpdateRun(r.ID, r.Revision, func(tx *Tx, run *status.Run) error {
		run.Status = status.Running
		if err := tx.PutCheckpoint(run.ID, NewCheckpoint(0, []byte("zero"))); err != nil {
			return err
		}
		if err := tx.SetProgress(run.ID, 2, 10); err != nil {
			return err
		}
		return tx.PutCheckpoint(run.ID, NewCheckpoint(1, []byte("one")))
	})
	if err != nil {
		t.Fatal(err)
	}
	if cp, err := s.Checkpoint(r.ID, 1); err != nil || string(cp) != "one" {
		t.Fatalf("checkpoint = %q, %v", cp, err)
	}
	if step, done, ok, err := s.Progress(r.ID); err != nil || !ok || step != 2 || done != 10 {
		t.Fatalf("progress = %d %d %v %v", step, done, ok, err)
	}
	if _, err := s.UpdateRun(r.ID, r.Revision, func(_ *Tx, run *status.Run) error { run.Status = status.Completed; return nil }); err != nil {
		t.Fatal(err)
	}
	for step := range 2 {
		if _, err := s.Checkpoint(r.ID, step); !errors.Is(err, errs.NotFound) {
			t.Fatalf("checkpoint %d after completion: %v", step, err)
		}
	}
	if _, _, ok, err := s.Progress(r.ID); ok || err != nil {
		t.Fatalf("progress after completion: %v %v", ok, err)
	}
}

// TestLargeCheckpointsAreChunked writes a checkpoint of several chunks over several transactions,
// then a shorter one for the same step, as a retried step would: the reader gets each back whole,
// never a mix.
func TestLargeCheckpointsAreChunked(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	big := make([]byte, 2*CheckpointChunk+123)
	for i := range big {
		big[i] = byte(i % 251)
	}
	for _, data := range [][]byte{big, []byte("short")} {
		cp := NewCheckpoint(0, data)
		if err := s.WriteLeadingChunks(r.ID, cp); err != nil {
			t.Fatal(err)
		}
		var err error
		r, err = s.UpdateRun(r.ID, r.Revision, func(tx *Tx, run *status.Run) error {
			run.Status = status.Running
			return tx.PutCheckpoint(run.ID, cp)
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Checkpoint(r.ID, 0)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("checkpoint of %d bytes read back as %d bytes, %v", len(data), len(got), err)
		}
	}
}

// TestLargeRunsSpillTheirOperations commits operations in parts, as a large run does: the record
// stays small, and every reader (Run, ListRuns, the published change) sees all of them, in order.
func TestLargeRunsSpillTheirOperations(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	var mu sync.Mutex
	var published []status.Run
	s.opts.OnRunChange = func(r status.Run) { mu.Lock(); published = append(published, r); mu.Unlock() }
	r := mustCreate(t, s, newRun(t))
	var want []string
	for part := range 5 {
		var ops status.Operations
		for i := range 3 {
			id := fmt.Sprintf("m%d-%d", part, i)
			want = append(want, id)
			ops.Created = append(ops.Created, status.Operation{MemoryID: id, CommittedAt: t0})
		}
		var err error
		r, err = s.UpdateRun(r.ID, r.Revision, func(tx *Tx, run *status.Run) error {
			run.Status = status.Running
			if part == 4 {
				run.Status = status.Completed
			}
			return tx.RecordOps(run, ops, part > 0) // the first part inline, as a small commit would be
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Run(r.ID)
	if err != nil || fmt.Sprint(got.MemoryIDs) != fmt.Sprint(want) || got.MemoriesCreated != 15 || len(got.CommittedOperations.Created) != 15 {
		t.Fatalf("run read back with %d memories %v, %v", got.MemoriesCreated, got.MemoryIDs, err)
	}
	runs, _, err := s.ListRuns(RunFilter{}, "", 10)
	if err != nil || len(runs) != 1 || fmt.Sprint(runs[0].MemoryIDs) != fmt.Sprint(want) {
		t.Fatalf("listed %+v, %v", runs, err)
	}
	mu.Lock()
	defer mu.Unlock()
	last := published[len(published)-1]
	if last.Status != status.Completed || fmt.Sprint(last.MemoryIDs) != fmt.Sprint(want) {
		t.Fatalf("published %+v", last)
	}
}

func TestRequeueInterrupted(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	queued := mustCreate(t, s, newRun(t))
	running := mustCreate(t, s, newRun(t))
	done := mustCreate(t, s, newRun(t))
	for _, r := range []status.Run{running, done} {
		r, _ = s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status = status.Running; return nil })
		if r.ID == done.ID {
			s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status = status.Completed; return nil })
		}
	}
	var changes []status.Run
	var mu sync.Mutex
	s.opts.OnRunChange = func(r status.Run) { mu.Lock(); changes = append(changes, r); mu.Unlock() }
	ids, err := s.PendingRuns()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(ids) != fmt.Sprint([]string{queued.ID, running.ID}) {
		t.Fatalf("pending: %v, want %v", ids, []string{queued.ID, running.ID})
	}
	later := t0.Add(time.Hour)
	if err := s.Requeue(ids, later); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Run(running.ID)
	if got.Status != status.Queued || !got.UpdatedAt.Equal(later) {
		t.Fatalf("recovered run: %+v", got)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(changes) != 1 || changes[0].ID != running.ID || changes[0].Status != status.Queued {
		t.Fatalf("published %+v", changes)
	}
}

// TestDamagedPendingRunIsFailed garbles the record of a running run: Requeue ends it failed, with
// the reason, and goes on with the others.
func TestDamagedPendingRunIsFailed(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	damaged := mustCreate(t, s, newRun(t))
	fine := mustCreate(t, s, newRun(t))
	for _, r := range []status.Run{damaged, fine} {
		if _, err := s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status = status.Running; return nil }); err != nil {
			t.Fatal(err)
		}
	}
	key, _ := idBytes("id", damaged.ID)
	if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketRuns).Put(key, []byte{2, 0xff, 0xff}) }); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Run(damaged.ID); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("Run of a damaged record: %v", err)
	}
	ids, err := s.PendingRuns()
	if err != nil || len(ids) != 2 {
		t.Fatalf("pending %v, %v", ids, err)
	}
	if err := s.Requeue(ids, t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.Run(damaged.ID)
	if err != nil || got.Status != status.Failed || !strings.Contains(got.Error, "damaged") || !got.CreatedAt.Equal(uuidTime(key)) {
		t.Fatalf("damaged run after Requeue: %+v, %v", got, err)
	}
	if got, _ := s.Run(fine.ID); got.Status != status.Queued {
		t.Fatalf("the other run: %+v", got)
	}
	if failed, _, _ := s.ListRuns(RunFilter{Statuses: []status.Status{status.Failed}}, "", 10); len(failed) != 1 {
		t.Fatalf("failed runs %+v", failed)
	}
}

func TestListRunsFiltersAndPages(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	var all []status.Run
	for i := range 25 {
		r := mustCreate(t, s, newRun(t, func(r *status.Run) {
			r.UserID = []string{"alice", "bob"}[i%2]
			r.Properties = map[string]string{"n": fmt.Sprint(i % 3)}
		}))
		if i%5 == 0 {
			r, _ = s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status = status.Running; return nil })
		}
		if i%10 == 0 {
			r, _ = s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status = status.Failed; return nil })
		}
		all = append(all, r)
	}
	collect := func(f RunFilter, limit int) []string {
		var ids []string
		cursor := ""
		for pages := 0; ; pages++ {
			runs, next, err := s.ListRuns(f, cursor, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(runs) > limit || pages > 100 {
				t.Fatalf("page of %d with limit %d", len(runs), limit)
			}
			for _, r := range runs {
				ids = append(ids, r.ID)
			}
			if next == "" {
				return ids
			}
			cursor = next
		}
	}
	want := func(keep func(i int, r status.Run) bool) []string {
		var ids []string
		for i, r := range all {
			if keep(i, r) {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	cases := []struct {
		name   string
		filter RunFilter
		keep   func(int, status.Run) bool
	}{
		{"all", RunFilter{}, func(int, status.Run) bool { return true }},
		{"user (any case)", RunFilter{UserID: "ALICE"}, func(i int, _ status.Run) bool { return i%2 == 0 }},
		{"queued", RunFilter{Statuses: []status.Status{status.Queued}}, func(i int, _ status.Run) bool { return i%5 != 0 }},
		{"running or failed", RunFilter{Statuses: []status.Status{status.Failed, status.Running}}, func(i int, _ status.Run) bool { return i%5 == 0 }},
		{"property and status", RunFilter{Statuses: []status.Status{status.Queued}, Properties: map[string]string{"n": "1"}},
			func(i int, _ status.Run) bool { return i%5 != 0 && i%3 == 1 }},
		{"group none", RunFilter{Group: "other"}, func(int, status.Run) bool { return false }},
	}
	for _, c := range cases {
		for _, limit := range []int{1, 3, 7, 100} {
			got, exp := collect(c.filter, limit), want(c.keep)
			if fmt.Sprint(got) != fmt.Sprint(exp) {
				t.Errorf("%s, limit %d:\n got %v\nwant %v", c.name, limit, got, exp)
			}
		}
	}
	if _, _, err := s.ListRuns(RunFilter{}, "garbage", 10); !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("bad cursor: %v", err)
	}
	if _, _, err := s.ListRuns(RunFilter{Statuses: []status.Status{"bogus"}}, "", 10); !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("bad status: %v", err)
	}
}

func TestClosedStore(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "closed.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := mustCreate(t, s, newRun(t))
	s.Close()
	if _, err := s.Run(r.ID); !errors.Is(err, errs.Closed) {
		t.Fatalf("read after close: %v", err)
	}
	if _, err := s.CreateRun(newRun(t), nil); !errors.Is(err, errs.Closed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestSecondOpenIsLocked(t *testing.T) {
	t.Parallel()
	_, path := setup(t)
	start := time.Now()
	_, err := Open(path, Options{LockTimeout: 50 * time.Millisecond})
	if !errors.Is(err, errs.Locked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Fatal("second open hung")
	}
}
