package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// TestPanicInOneOpFailsItAlone panics in one write of a group, as bbolt does on a damaged page: that
// write alone fails, with ErrCorrupt; the others of the group commit.
func TestPanicInOneOpFailsItAlone(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	good := &writeOp{done: make(chan struct{}), fn: func(t *Tx) error { return t.tx.Bucket(bucketMeta).Put([]byte("innocent"), []byte("v")) }}
	bad := &writeOp{done: make(chan struct{}), fn: func(*Tx) error { panic("a damaged page") }}
	s.writer.commit([]*writeOp{good, bad})
	if good.err != nil || !errors.Is(bad.err, errs.Corrupt) {
		t.Fatalf("good op: %v; panicking op: %v (want nil and ErrCorrupt)", good.err, bad.err)
	}
	s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta).Get([]byte("innocent")) == nil {
			t.Error("the good op's write is not in the file")
		}
		return nil
	})
}

// TestRejectedOpsCostNoRerun commits a group in which every other write rejects itself before
// writing (a reused document ID, a stale revision): each good write runs once, not once per
// rejection; a write that fails after writing still makes the others run again without it.
func TestRejectedOpsCostNoRerun(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	calls := 0
	var batch []*writeOp
	for i := range 200 {
		op := &writeOp{done: make(chan struct{})}
		switch {
		case i == 101:
			op.fn = func(t *Tx) error {
				calls++
				t.tx.Bucket(bucketMeta).Put([]byte("half-written"), nil)
				return errors.New("failed after writing")
			}
		case i%2 == 1:
			op.fn = func(*Tx) error { calls++; return Reject(fmt.Errorf("document: %w", errs.Conflict)) }
		default:
			op.fn = func(t *Tx) error { calls++; return t.tx.Bucket(bucketMeta).Put(fmt.Appendf(nil, "k%d", i), nil) }
		}
		batch = append(batch, op)
	}
	ops := append([]*writeOp(nil), batch...) // commit reorders batch in place
	s.writer.commit(batch)
	// The first pass stops at op 101 (102 calls); the second runs the other 199 once.
	if calls != 102+199 {
		t.Fatalf("%d function calls for 200 ops", calls)
	}
	for i, op := range ops {
		switch {
		case i == 101 && (op.err == nil || errors.Is(op.err, errs.Conflict)):
			t.Fatalf("op 101: %v", op.err)
		case i != 101 && i%2 == 1 && !errors.Is(op.err, errs.Conflict):
			t.Fatalf("rejected op %d: %v", i, op.err)
		case i%2 == 0 && op.err != nil:
			t.Fatalf("good op %d: %v", i, op.err)
		}
	}
	s.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketMeta).Get([]byte("half-written")) != nil {
			t.Error("the failed op's write was committed")
		}
		return nil
	})
}

// spillTwoParts makes a running run with two spilled parts of operations.
func spillTwoParts(t *testing.T, s *Store) status.Run {
	t.Helper()
	r := mustCreate(t, s, newRun(t))
	for part := range 2 {
		var err error
		r, err = s.UpdateRun(r.ID, r.Revision, func(tx *Tx, run *status.Run) error {
			run.Status = status.Running
			return tx.RecordOps(run, status.Operations{Created: []status.Operation{{MemoryID: fmt.Sprint("m", part), CommittedAt: t0}}}, true)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestDamagedPartOfOperations damages one spilled part of a running run's operations (a truncated
// count; counts of more operations than the part has bytes): reading the run is ErrCorrupt,
// FailDamagedRun ends it failed (the driver's remedy), and a write that ends it otherwise is not
// stopped by the damage either.
func TestDamagedPartOfOperations(t *testing.T) {
	t.Parallel()
	for i, end := range []string{"FailDamagedRun", "UpdateRun", "FailDamagedRun", "UpdateRun"} {
		damaged := [][]byte{{0xff}, {2, 2, 2, 0, 0}}[i/2]
		s, _ := setup(t)
		r := spillTwoParts(t, s)
		key, _ := idBytes("id", r.ID)
		if err := s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketRunOps).Put(runOpsKey(key, 1), damaged) }); err != nil {
			t.Fatal(err)
		}
		_, err := s.Run(r.ID)
		if !errors.Is(err, errs.Corrupt) {
			t.Fatalf("Run with a damaged part: %v", err)
		}
		if end == "FailDamagedRun" {
			err = s.FailDamagedRun(r.ID, err, t0)
		} else {
			_, err = s.UpdateRun(r.ID, 0, func(_ *Tx, run *status.Run) error { run.Status, run.Error = status.Failed, "giving up"; return nil })
		}
		if err != nil {
			t.Fatalf("%s: %v", end, err)
		}
		if pending, _ := s.PendingRuns(); len(pending) != 0 {
			t.Fatalf("%s: the run is still pending", end)
		}
		if end == "FailDamagedRun" {
			got, err := s.Run(r.ID)
			if err != nil || got.Status != status.Failed || !strings.Contains(got.Error, "damaged") {
				t.Fatalf("after FailDamagedRun: %+v, %v", got, err)
			}
		}
	}
}

// TestEmptyPartsAreNotSpilled records a commit part that changed nothing (every fact known): no part
// is kept, so a run with parts has committed something.
func TestEmptyPartsAreNotSpilled(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	_, err := s.UpdateRun(r.ID, 0, func(tx *Tx, run *status.Run) error {
		run.Status = status.Running
		if err := tx.RecordOps(run, status.Operations{}, true); err != nil {
			return err
		}
		if n := tx.SpilledParts(run.ID); n != 0 {
			return fmt.Errorf("%d parts for nothing committed", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLeadingChunksDoNotOutliveTheirRun writes the leading chunks of a large checkpoint for a queued
// run whose write of the last chunk never comes; the run then ends in one write from queued: its
// chunks go with it.
func TestLeadingChunksDoNotOutliveTheirRun(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := mustCreate(t, s, newRun(t))
	if err := s.WriteLeadingChunks(r.ID, NewCheckpoint(0, make([]byte, 3*CheckpointChunk))); err != nil {
		t.Fatal(err)
	}
	_, err := s.UpdateRun(r.ID, 0, func(tx *Tx, run *status.Run) error {
		tx.Via(run.ID, status.Running)
		run.Status = status.Failed
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.view(func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketCheckpoints).Cursor().First(); k != nil {
			t.Errorf("a chunk outlived its run: %x", k)
		}
		return nil
	})
}
