package store

import (
	"errors"
	"testing"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// parkRun creates a run and parks it with n items in the buffer of scope, at time at.
func parkRun(t *testing.T, s *Store, scope BufferScope, n int, at time.Time) (status.Run, Buffer) {
	t.Helper()
	r := mustCreate(t, s, newRun(t, func(r *status.Run) { r.Steps = []string{"extract", "buffer", "commit"} }))
	items := make([]BufferItem, n)
	for i := range items {
		items[i] = BufferItem{ID: ulid.Make(), Data: []byte{byte(i)}}
	}
	var h Buffer
	r, err := s.UpdateRun(r.ID, r.Revision, func(tx *Tx, run *status.Run) error {
		tx.Via(run.ID, status.Running)
		run.Status, run.Step = status.InBuffer, scope.Step
		var err error
		h, err = tx.Park(run.ID, scope, items, []byte("member of "+run.ID), at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return r, h
}

// TestParkAndFire parks two runs, reads the buffer, parks a third, and fires what was read: the
// third run's items stay, with the buffer's first time moved to them; a second firing of the same
// read is refused.
func TestParkAndFire(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	scope := BufferScope{Step: 1, Group: "g", UserID: "Ann", Properties: map[string]string{"c": "1"}}
	other := BufferScope{Step: 1, Group: "g", UserID: "Ann", Properties: map[string]string{"c": "2"}}
	a, _ := parkRun(t, s, scope, 2, t0)
	b, h := parkRun(t, s, scope, 1, t0.Add(time.Minute))
	parkRun(t, s, other, 5, t0)
	if h.Items != 3 || h.Runs != 2 || !h.FirstAt.Equal(t0) || !h.LastAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("header %+v", h)
	}
	head, items, runs, err := s.BufferContents(BufferScope{Step: 1, Group: "g", UserID: "ann", Properties: map[string]string{"c": "1"}})
	if err != nil || len(items) != 3 || len(runs) != 2 || runs[0].RunID != a.ID || string(runs[1].Member) != "member of "+b.ID ||
		items[0].RunID != a.ID || items[2].RunID != b.ID || !items[2].At.Equal(t0.Add(time.Minute)) {
		t.Fatalf("contents %+v %+v %+v, %v", head, items, runs, err)
	}
	c, _ := parkRun(t, s, scope, 1, t0.Add(2*time.Minute)) // after the read
	f := &Firing{Scope: scope, Fired: head.Fired, Through: items[2].ID, Items: 3, Runs: runs,
		Checkpoint: NewCheckpoint(1, []byte("all items")), Steps: a.Steps, Now: t0.Add(3 * time.Minute)}
	if err := s.Fire(f); err != nil {
		t.Fatal(err)
	}
	if err := s.Fire(f); !errors.Is(err, errs.Conflict) {
		t.Fatalf("firing the same read twice: %v, want ErrConflict", err)
	}
	left, ok, err := s.Buffer(scope)
	if err != nil || !ok || left.Items != 1 || left.Runs != 1 || !left.FirstAt.Equal(t0.Add(2*time.Minute)) || left.Fired != 1 {
		t.Fatalf("buffer after the firing: %+v %v %v", left, ok, err)
	}
	for _, id := range []string{a.ID, b.ID} {
		r, _ := s.Run(id)
		if r.Status != status.Running || r.Step != 2 {
			t.Fatalf("fired run %+v", r)
		}
	}
	if r, _ := s.Run(c.ID); r.Status != status.InBuffer {
		t.Fatalf("run parked after the read: %+v", r)
	}
	if cp, err := s.Checkpoint(a.ID, 1); err != nil || string(cp) != "all items" {
		t.Fatalf("leader's checkpoint %q, %v", cp, err)
	}
	if leader, ok, err := s.FiringLeader(b.ID); err != nil || !ok || leader != a.ID {
		t.Fatalf("follower's leader %q %v %v", leader, ok, err)
	}
	if _, ok, _ := s.FiringLeader(a.ID); ok {
		t.Fatal("the leader follows itself")
	}
	all, err := s.Buffers()
	if err != nil || len(all) != 2 {
		t.Fatalf("buffers %+v, %v", all, err)
	}

	// The leader's last write ends the firing: the follower gets the firing's operations.
	_, err = s.UpdateRun(a.ID, 0, func(tx *Tx, run *status.Run) error {
		if err := tx.RecordOps(run, status.Operations{Updated: []status.Operation{{MemoryID: "summary", CommittedAt: t0}}}, false); err != nil {
			return err
		}
		run.Status = status.Completed
		return tx.EndFiring(run, func(r *status.Run, member []byte, committed bool) {
			r.Status, r.Error = status.PartialSuccess, string(member)
		}, t0)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{a.ID, b.ID} {
		r, _ := s.Run(id)
		if r.Status != status.PartialSuccess || r.Error != "member of "+id || len(r.CommittedOperations.Updated) != 1 || r.Step != 3 && id == b.ID {
			t.Fatalf("ended run %+v", r)
		}
	}
	if _, ok, _ := s.FiringLeader(b.ID); ok {
		t.Fatal("the follower still follows after the end")
	}
}
