package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// TestOpenTruncatedFileReleasesIt opens truncated copies of a good file, all at one path: each Open
// must fail with ErrCorrupt, and must let go of the file, so that once the good bytes are back at that
// path an Open in the same process succeeds. Users reported a 4 KiB file failing with bbolt's raw
// "file size too small", and every Open after a failed one failing with ErrLocked until the process
// restarted: the failed Open kept its bbolt handle and lock.
func TestOpenTruncatedFileReleasesIt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "good.db")
	eng := open(t, src, nil)
	for i := range 3 {
		wait(t, eng, add(t, eng, mnemo.Text(fmt.Sprintf("Good fact %d.", i)), nil).ID)
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	opts := &mnemo.Options{LockTimeout: 100 * time.Millisecond}
	sizes := []int{8 << 10, 4 << 10, 100}
	if len(good) <= sizes[0] {
		t.Fatalf("the good file is only %d bytes; cannot truncate it to %d", len(good), sizes[0])
	}
	openTruncated := func(path string, size int) {
		t.Helper()
		if err := os.WriteFile(path, good[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := mnemo.Open(path, opts)
		switch {
		case err == nil:
			e.Close()
			t.Errorf("Open of the file truncated to %d bytes succeeded; want ErrCorrupt", size)
		case errors.Is(err, mnemo.ErrLocked):
			t.Errorf("Open of the file truncated to %d bytes: %v; want ErrCorrupt (an earlier failed Open of this path kept it locked)", size, err)
		case !errors.Is(err, mnemo.ErrCorrupt):
			t.Errorf("Open of the file truncated to %d bytes: %v; want an error wrapping ErrCorrupt", size, err)
		}
	}
	// Each truncation at a path of its own: what Open says of it.
	for _, size := range sizes {
		openTruncated(filepath.Join(dir, fmt.Sprintf("truncated-%d.db", size)), size)
	}
	// All at one path in turn, as a user retrying with restored backups would: each failed Open
	// must have let go of the file.
	path := filepath.Join(dir, "damaged.db")
	for _, size := range sizes {
		openTruncated(path, size)
	}
	// An empty file is not damaged: bbolt initialises it as a new file.
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if e, err := mnemo.Open(empty, opts); err != nil {
		t.Errorf("Open of an empty (0-byte) file: %v; want it opened as a new file", err)
	} else {
		e.Close()
	}

	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	e, err := mnemo.Open(path, opts)
	if err != nil {
		t.Fatalf("Open of the repaired file in the same process: %v; want success (a failed Open must release the file)", err)
	}
	defer e.Close()
	if got := contents(t, e, nil); len(got) != 3 {
		t.Fatalf("the repaired file lists %q; want the 3 good facts", got)
	}
}

// TestDamagedRecordsStayLocal overwrites, in a file of finished runs and one pending run, the records
// of the pending run, of one finished run and of one memory with garbage, as a torn write or a bad
// sector would. The damage must stay with those records: Open succeeds, the pending run ends failed
// saying its record was damaged, the damaged run and memory read as ErrCorrupt, listings skip them
// (and log them), and the engine goes on working. Users reported one damaged run record making Open
// fail for the whole file ("recover runs: corrupt").
func TestDamagedRecordsStayLocal(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "damaged.db")
	entered := make(chan struct{}, 1)
	extractor := pipeline.ExtractorFunc(func(ctx context.Context, req mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		if strings.HasPrefix(req.Text, "Pending") { // hold this run until Close cancels it
			entered <- struct{}{}
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return rules.Extractor{}.Extract(ctx, req)
	})
	first, err := mnemo.Open(path, &mnemo.Options{Extractor: extractor, ShutdownTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	var done []*mnemo.Run
	for i := range 6 {
		r := add(t, first, mnemo.Text(fmt.Sprintf("Finished fact %d is here. Finished step %d has a twin.", i, i)), &mnemo.AddOptions{UserID: "u"})
		if r = wait(t, first, r.ID); r.Status != mnemo.Completed || r.MemoriesCreated != 2 {
			t.Fatalf("run %d ended %s with %d memories (%s)", i, r.Status, r.MemoriesCreated, r.Error)
		}
		done = append(done, r)
	}
	pending := add(t, first, mnemo.Text("Pending fact is never extracted."), &mnemo.AddOptions{UserID: "u"})
	<-entered
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	damagedRun := done[2]
	damagedMem := done[4].MemoryIDs[1]
	garbage := []byte("\xde\xad\xbe\xef this is not a record \x00\xff\x01")
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, d := range []struct{ bucket, id string }{{"runs", pending.ID}, {"runs", damagedRun.ID}, {"memories", damagedMem}} {
			b := tx.Bucket([]byte(d.bucket))
			key := uuid.MustParse(d.id)
			if b == nil || b.Get(key[:]) == nil {
				return fmt.Errorf("bucket %q has no record %s: the file layout changed, fix the test", d.bucket, d.id)
			}
			if err := b.Put(key[:], garbage); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	capture, logger := newLogCapture(slog.LevelInfo)
	eng, err := mnemo.Open(path, &mnemo.Options{Logger: logger})
	if err != nil {
		t.Fatalf("Open of a file with 3 damaged records: %v; want success (damage to a record must stay with that record)", err)
	}
	t.Cleanup(func() { eng.Close() })
	ctx := ctxT(t)
	// Every wait on a log record shares this bound, so that missing records cost 10 seconds once.
	logCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()

	// The pending run ends failed, saying why, and the log says so.
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	r, err := eng.Runs.Wait(wctx, pending.ID)
	wcancel()
	switch {
	case err != nil:
		t.Errorf("Wait for the pending run whose record was damaged: %v; want it ended failed", err)
	case r.ID != pending.ID || r.Status != mnemo.Failed || !strings.Contains(r.Error, "damaged"):
		t.Errorf("pending run with a damaged record: Wait returned %s %s (error %q); want %s failed, its error mentioning \"damaged\"", r.ID, r.Status, r.Error, pending.ID)
	}
	if !capture.waitN(logCtx, 1, logged(slog.LevelError, "mnemo: damaged run marked failed", "run", pending.ID)) {
		t.Errorf("no Error \"mnemo: damaged run marked failed\" with run=%s; logged:\n%s", pending.ID, capture.dump())
	}

	if _, err := eng.Runs.Get(ctx, damagedRun.ID); !errors.Is(err, mnemo.ErrCorrupt) {
		t.Errorf("Runs.Get of the damaged run: %v; want an error wrapping ErrCorrupt", err)
	}
	if _, err := eng.Memories.Get(ctx, damagedMem); !errors.Is(err, mnemo.ErrCorrupt) {
		t.Errorf("Memories.Get of the damaged memory: %v; want an error wrapping ErrCorrupt", err)
	}
	for _, r := range done {
		if r.ID == damagedRun.ID {
			continue
		}
		if got, err := eng.Runs.Get(ctx, r.ID); err != nil || got.Status != mnemo.Completed {
			t.Errorf("Runs.Get of undamaged run %s: %v; want it completed", r.ID, err)
		}
	}

	// Run listings skip the damaged run, keep the others, and log what they skipped.
	skippedRun := logged(slog.LevelError, "mnemo: damaged record skipped", "id", damagedRun.ID)
	for _, c := range []struct {
		name string
		opts mnemo.RunListOptions
		want []string
	}{
		{"no filter", mnemo.RunListOptions{}, runIDs(done, damagedRun.ID, pending.ID)},
		{"statuses completed", mnemo.RunListOptions{Statuses: []mnemo.Status{mnemo.Completed}}, runIDs(done, damagedRun.ID)},
		// The pending run's user was in its damaged record: it may or may not be listed as u's.
		{"user u", mnemo.RunListOptions{UserID: "u"}, runIDs(done, damagedRun.ID)},
	} {
		before := capture.count(skippedRun)
		var got []string
		opts := c.opts
		opts.Limit = 2 // pages around the damaged record too
		for {
			page, err := eng.Runs.List(ctx, &opts)
			if err != nil {
				t.Errorf("Runs.List (%s): %v; want the readable runs", c.name, err)
				break
			}
			for _, r := range page.Runs {
				if c.opts.UserID == "" || r.ID != pending.ID {
					got = append(got, r.ID)
				}
			}
			if opts.Cursor = page.Next; opts.Cursor == "" {
				break
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("Runs.List (%s) returned runs\n %v\nwant every readable one\n %v", c.name, got, c.want)
		}
		if !capture.waitN(logCtx, before+1, skippedRun) {
			t.Errorf("Runs.List (%s) did not log Error \"mnemo: damaged record skipped\" with id=%s; logged:\n%s", c.name, damagedRun.ID, capture.dump())
		}
	}
	for _, rec := range capture.matching(skippedRun) {
		if rec.Attrs["bucket"] != "runs" || rec.Attrs["err"] == "" {
			t.Errorf("skipped-run record should carry bucket=runs and err: %s", rec)
		}
	}

	// The memory listing skips the damaged memory, counts only the others, and logs it.
	var wantMems []string
	for _, r := range done {
		for _, id := range r.MemoryIDs {
			if id != damagedMem {
				wantMems = append(wantMems, id)
			}
		}
	}
	slices.Sort(wantMems)
	skippedMem := logged(slog.LevelError, "mnemo: damaged record skipped", "id", damagedMem)
	before := capture.count(skippedMem)
	var gotMems []string
	total := -1
	for o := (mnemo.ListOptions{UserID: "u", Limit: 3}); ; {
		page, err := eng.Memories.List(ctx, &o)
		if err != nil {
			t.Errorf("Memories.List: %v; want the readable memories", err)
			break
		}
		for _, m := range page.Memories {
			gotMems = append(gotMems, m.ID)
		}
		total = page.Total
		if o.Cursor = page.Next; o.Cursor == "" {
			break
		}
	}
	slices.Sort(gotMems)
	// An unfiltered listing counts its scope's index entries without reading them: the damaged
	// memory is counted, and skipped.
	if !slices.Equal(gotMems, wantMems) || total != len(wantMems)+1 {
		t.Errorf("Memories.List returned %d memories (total %d)\n %v\nwant the %d readable ones (total %d)\n %v", len(gotMems), total, gotMems, len(wantMems), len(wantMems)+1, wantMems)
	}
	if !capture.waitN(logCtx, before+1, skippedMem) {
		t.Errorf("Memories.List did not log Error \"mnemo: damaged record skipped\" with id=%s; logged:\n%s", damagedMem, capture.dump())
	}
	for _, rec := range capture.matching(skippedMem) {
		if rec.Attrs["bucket"] != "memories" || rec.Attrs["err"] == "" {
			t.Errorf("skipped-memory record should carry bucket=memories and err: %s", rec)
		}
	}

	// Everything else goes on working.
	wctx, wcancel = context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	fresh, err := eng.Memories.Add(wctx, mnemo.Text("A new fact after the damage."), &mnemo.AddOptions{UserID: "u"})
	if err != nil {
		t.Fatalf("Add after the damage: %v", err)
	}
	if r, err := eng.Runs.Wait(wctx, fresh.ID); err != nil || r.Status != mnemo.Completed {
		t.Fatalf("a new run after the damage: %+v, %v; want completed", r, err)
	}
}

// runIDs returns the sorted IDs of runs and extra, leaving out skip.
func runIDs(runs []*mnemo.Run, skip string, extra ...string) []string {
	var out []string
	for _, r := range runs {
		if r.ID != skip {
			out = append(out, r.ID)
		}
	}
	out = append(out, extra...)
	slices.Sort(out)
	return out
}
