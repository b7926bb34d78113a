package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// Firing is a buffer firing as the executor prepares it from what it read of the buffer.
type Firing struct {
	Scope BufferScope
	// Fired is the buffer header's Fired when it was read: the firing is a compare-and-set on it.
	Fired uint64
	// Through is the ULID of the last item taken; items parked after the read stay in the buffer.
	Through [16]byte
	// Items is how many items are taken.
	Items int
	// Runs are the parked runs taken, the leader first.
	Runs []ParkedRun
	// Checkpoint is the leader's checkpoint of the buffer step: every item taken, as one batch.
	Checkpoint *Checkpoint
	// Steps is the pipeline the runs go on with (runs parked by an engine with another pipeline
	// that has the same buffer step take it up).
	Steps []string
	Now   time.Time
}

// Fire takes the items and runs of a firing out of their buffer, in one write: every run goes from
// in_buffer to running at the step after the buffer, the leader (Runs[0]) gets the items as its
// checkpoint, and the others are recorded as its followers, to be ended by the leader's last write
// (Tx.EndFiring). It returns an error wrapping ErrConflict if the buffer fired or changed its runs
// since it was read, and ErrNotFound if it is empty. Write the checkpoint's leading chunks first.
func (s *Store) Fire(f *Firing) error {
	key := f.Scope.key()
	leader, err := idBytes("run id", f.Runs[0].RunID)
	if err != nil {
		return err
	}
	return s.writer.do(func(t *Tx) error {
		headers := t.tx.Bucket(bucketBuffers)
		v := headers.Get(key)
		if v == nil {
			return Reject(fmt.Errorf("buffer: %w", errs.NotFound))
		}
		h, err := decodeBuffer(v)
		if err != nil {
			return Reject(err)
		}
		if h.Fired != f.Fired {
			return Reject(fmt.Errorf("buffer: %w: it fired since it was read", errs.Conflict))
		}
		if err := t.takeItems(key, f); err != nil {
			return err
		}
		h.Items -= f.Items
		h.Runs -= len(f.Runs)
		h.Fired++
		if h.Items <= 0 {
			if err := headers.Delete(key); err != nil {
				return err
			}
		} else {
			if h.FirstAt, err = t.firstItemTime(key); err != nil {
				return err
			}
			if err := headers.Put(key, encodeBuffer(&h)); err != nil {
				return err
			}
		}
		if err := t.PutCheckpoint(f.Runs[0].RunID, f.Checkpoint); err != nil {
			return err
		}
		rec := firingRecord{members: f.Runs}
		for i, pr := range f.Runs {
			runKey, err := idBytes("run id", pr.RunID)
			if err != nil {
				return err
			}
			prev, err := t.run(runKey, pr.RunID)
			if err != nil {
				return err
			}
			if prev.Status != status.InBuffer || prev.Step != f.Scope.Step {
				return fmt.Errorf("run %s: %w: it is %s at step %d, not parked at step %d", pr.RunID, errs.Conflict, prev.Status, prev.Step, f.Scope.Step)
			}
			if i == 0 {
				ops := &prev.CommittedOperations
				rec.base = [4]int{len(ops.Created), len(ops.Updated), len(ops.Deleted), t.spilledOf(runKey)}
			} else if err := t.tx.Bucket(bucketFollowers).Put(runKey, leader); err != nil {
				return err
			}
			next := prev
			next.Status = status.Running
			next.Step = f.Scope.Step + 1
			next.Steps = f.Steps
			next.UpdatedAt = f.Now
			if err := t.writeRun(runKey, &was{prev.Status, prev.Revision, prev.Attempts, prev.Step}, &next); err != nil {
				return err
			}
		}
		return t.tx.Bucket(bucketFirings).Put(leader, rec.encode())
	})
}

// takeItems deletes the first f.Items items of the buffer, through f.Through, and the runs' records.
func (t *Tx) takeItems(key []byte, f *Firing) error {
	through := append(bytes.Clone(key), f.Through[:]...)
	c := t.tx.Bucket(bucketBufItems).Cursor()
	taken := 0
	for k, _ := c.Seek(key); k != nil && bytes.HasPrefix(k, key) && bytes.Compare(k, through) <= 0; k, _ = c.Seek(key) {
		if err := c.Delete(); err != nil {
			return err
		}
		taken++
	}
	if taken != f.Items {
		return fmt.Errorf("buffer: %w: %d items to take, %d found", errs.Conflict, f.Items, taken)
	}
	runs := t.tx.Bucket(bucketBufRuns)
	for _, pr := range f.Runs {
		id, err := idBytes("run id", pr.RunID)
		if err != nil {
			return err
		}
		k := append(bytes.Clone(key), id...)
		if runs.Get(k) == nil {
			return fmt.Errorf("buffer: %w: run %s is not parked in it", errs.Conflict, pr.RunID)
		}
		if err := runs.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// firstItemTime is when the oldest item left in a buffer arrived.
func (t *Tx) firstItemTime(key []byte) (time.Time, error) {
	k, v := t.tx.Bucket(bucketBufItems).Cursor().Seek(key)
	if k == nil || !bytes.HasPrefix(k, key) || len(v) < codec.TimeSize {
		return time.Time{}, fmt.Errorf("%w: a buffer counts items it does not hold", errs.Corrupt)
	}
	d := codec.NewDecoder(v[:codec.TimeSize])
	return d.Time(), d.Err()
}

// firingRecord is what a leader keeps of its firing until its last write: the runs (itself first)
// with what each said of itself when it parked, and how many operations of each kind (and spilled
// parts) the leader had before the firing, so that the firing's own can be told apart.
type firingRecord struct {
	members []ParkedRun
	base    [4]int
}

func (r *firingRecord) encode() []byte {
	e := codec.Encoder{}
	e.Uint(uint64(len(r.members)))
	for _, m := range r.members {
		e.Str(m.RunID)
		e.Bytes(m.Member)
	}
	for _, n := range r.base {
		e.Uint(uint64(n))
	}
	return e.B
}

func decodeFiringRecord(v []byte) (firingRecord, error) {
	d := codec.NewDecoder(v)
	var r firingRecord
	if n := d.Length(); n > 0 {
		r.members = make([]ParkedRun, n)
		for i := range r.members {
			r.members[i] = ParkedRun{RunID: d.Str(), Member: []byte(d.Str())}
		}
	}
	for i := range r.base {
		r.base[i] = int(d.Uint())
	}
	return r, d.End()
}

// EndFunc ends one run of a firing, given what it said of itself when it parked and whether it has
// committed operations (its own, or the firing's): it sets the run's terminal status, Error and
// times. The store adds the firing's operations first.
type EndFunc func(r *status.Run, member []byte, committed bool)

// EndFiring ends, in the leader's last write (inside UpdateRun's function, which stores the leader),
// every run of the firing the leader leads: end is applied to the leader and to each follower, each
// follower gets the operations the firing committed and is stored, and the firing's records go. It
// does nothing for a run that leads no firing.
func (t *Tx) EndFiring(leader *status.Run, end EndFunc, now time.Time) error {
	key, err := idBytes("run id", leader.ID)
	if err != nil {
		return err
	}
	v := t.tx.Bucket(bucketFirings).Get(key)
	if v == nil {
		return nil
	}
	rec, err := decodeFiringRecord(v)
	if err != nil {
		return fmt.Errorf("firing led by %s: %w", leader.ID, err)
	}
	ops, err := t.firingOps(key, leader, rec.base)
	if err != nil {
		return err
	}
	for i, m := range rec.members {
		if i == 0 {
			end(leader, m.Member, leader.CommittedOperations.Len() > 0 || t.spilledOf(key) > 0)
			continue
		}
		if err := t.endFollower(m, ops, end, now); err != nil {
			return err
		}
	}
	return t.tx.Bucket(bucketFirings).Delete(key)
}

// endFollower ends one follower of a firing with the firing's operations. A follower whose record is
// damaged is replaced by a failed run that says so, and does not stop the others.
func (t *Tx) endFollower(m ParkedRun, ops status.Operations, end EndFunc, now time.Time) error {
	key, err := idBytes("run id", m.RunID)
	if err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketFollowers).Delete(key); err != nil {
		return err
	}
	prev, err := t.run(key, m.RunID)
	if errors.Is(err, errs.Corrupt) {
		return t.failDamaged(key, err, now)
	}
	if err != nil {
		return err
	}
	if prev.Status.Terminal() {
		return nil
	}
	next := prev
	next.CommittedOperations = prev.CommittedOperations.Clone()
	if err := t.RecordOps(&next, ops, ops.Len() > spillOpsOver); err != nil {
		return err
	}
	end(&next, m.Member, next.CommittedOperations.Len() > 0 || t.spilledOf(key) > 0)
	next.Step = len(next.Steps)       // every step done, by its leader
	if prev.Status == status.Queued { // requeued at an Open while its leader ran
		t.Via(next.ID, status.Running)
	}
	return t.writeRun(key, &was{prev.Status, prev.Revision, prev.Attempts, prev.Step}, &next)
}

// spillOpsOver is how many operations a follower takes into its record before they go to parts.
const spillOpsOver = 512

// firingOps returns the operations the leader committed since its firing: those past base in its
// record, and its parts of operations from base's count on.
func (t *Tx) firingOps(key []byte, leader *status.Run, base [4]int) (status.Operations, error) {
	var ops status.Operations
	own := &leader.CommittedOperations
	ops.Created = append(ops.Created, own.Created[min(base[0], len(own.Created)):]...)
	ops.Updated = append(ops.Updated, own.Updated[min(base[1], len(own.Updated)):]...)
	ops.Deleted = append(ops.Deleted, own.Deleted[min(base[2], len(own.Deleted)):]...)
	if spilled := t.spilledOf(key); spilled > base[3] {
		var later status.Run
		c := t.tx.Bucket(bucketRunOps).Cursor()
		for k, v := c.Seek(runOpsKey(key, base[3])); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
			d := codec.NewDecoder(v)
			var part status.Operations
			decodeOps(&d, &part, false)
			if err := d.Err(); err != nil {
				return ops, fmt.Errorf("run %s: operations: %w", leader.ID, err)
			}
			later.CommittedOperations.Created = append(later.CommittedOperations.Created, part.Created...)
			later.CommittedOperations.Updated = append(later.CommittedOperations.Updated, part.Updated...)
			later.CommittedOperations.Deleted = append(later.CommittedOperations.Deleted, part.Deleted...)
		}
		ops.Created = append(ops.Created, later.CommittedOperations.Created...)
		ops.Updated = append(ops.Updated, later.CommittedOperations.Updated...)
		ops.Deleted = append(ops.Deleted, later.CommittedOperations.Deleted...)
	}
	return ops, nil
}

// FiringLeader returns the ID of the run that leads the firing runID follows, if it follows one: a
// follower is ended by its leader, and is not driven on its own.
func (s *Store) FiringLeader(runID string) (string, bool, error) {
	key, err := idBytes("run id", runID)
	if err != nil {
		return "", false, err
	}
	var leader string
	err = s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketFollowers); b != nil {
			if v := b.Get(key); v != nil {
				leader = uuidString(v)
			}
		}
		return nil
	})
	return leader, leader != "", err
}
