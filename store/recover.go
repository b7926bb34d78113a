package store

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// recoverBatch is how many runs one recovery transaction moves back to queued.
const recoverBatch = 1000

// PendingRuns returns the IDs of every queued or running run, oldest first: at Open, the runs a
// previous process left unfinished.
func (s *Store) PendingRuns() ([]string, error) {
	var ids []string
	err := s.view(func(tx *bolt.Tx) error {
		ids = ids[:0]
		it := newRunIterator(tx, []status.Status{status.Queued, status.Running}, nil)
		for key := it.next(); key != nil; key = it.next() {
			ids = append(ids, uuidString(key))
		}
		return nil
	})
	return ids, err
}

// Requeue checks the runs among ids (the pending runs, at Open) in transactions of a bounded size:
// one left running by a dead process goes back to queued with its UpdatedAt set to now, the state
// machine's recovery edge; one whose record is damaged is ended failed (see FailDamagedRun) rather
// than stopping the others, so that no one waits on it.
func (s *Store) Requeue(ids []string, now time.Time) error {
	for len(ids) > 0 {
		n := min(len(ids), recoverBatch)
		batch := ids[:n]
		ids = ids[n:]
		var damaged map[string]error
		err := s.writer.do(func(t *Tx) error {
			damaged = map[string]error{}
			for _, id := range batch {
				key, err := idBytes("run id", id)
				if err != nil {
					return err
				}
				prev, err := t.run(key, id)
				switch {
				case errors.Is(err, errs.NotFound):
					continue
				case err != nil:
					if ferr := t.failDamaged(key, err, now); ferr != nil {
						return ferr
					}
					damaged[id] = err
					continue
				case prev.Status != status.Running:
					continue
				}
				next := prev
				next.Status = status.Queued
				next.UpdatedAt = now
				if err := t.writeRun(key, &was{prev.Status, prev.Revision, prev.Attempts, prev.Step}, &next); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id, cause := range damaged {
			s.opts.Logger.Error("mnemo: damaged run marked failed", "run", id, "err", cause)
		}
	}
	return nil
}

// FailDamagedRun ends a pending run whose record, or one of its parts of operations, cannot be read:
// the record is replaced by a failed run that says why (keeping what the key tells: the ID, and the
// creation time a UUIDv7 carries), the status index follows, and the run's scratch records and parts
// go. The run's input, and the memories it committed, stay in the file.
func (s *Store) FailDamagedRun(id string, cause error, now time.Time) error {
	key, err := idBytes("run id", id)
	if err != nil {
		return err
	}
	return s.writer.do(func(t *Tx) error {
		if v := t.tx.Bucket(bucketRuns).Get(key); v != nil {
			if r, spilled, err := decodeRun(v); err == nil && (spilled == 0 || readSpilledOps(t.tx, key, spilled, &r) == nil) {
				return nil // readable after all, with its parts (repaired, or another caller got here first)
			}
		}
		return t.failDamaged(key, cause, now)
	})
}

func (t *Tx) failDamaged(key []byte, cause error, now time.Time) error {
	idx := t.tx.Bucket(bucketRunStatus)
	for _, code := range statusCodes {
		if err := idx.Delete(append([]byte{code}, key...)); err != nil {
			return err
		}
	}
	r := status.Run{
		ID: uuidString(key), Status: status.Failed,
		Error:     fmt.Sprintf("the run's record is damaged and was replaced by this one: %v", cause),
		CreatedAt: uuidTime(key), CompletedAt: now, UpdatedAt: now, Revision: 1,
	}
	if err := idx.Put(runStatusKey(r.Status, key), nil); err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketRuns).Put(key, encodeRun(&r, 0)); err != nil {
		return err
	}
	if err := t.dropScratch(key, true); err != nil {
		return err
	}
	if err := deletePrefix(t.tx.Bucket(bucketRunOps), key); err != nil { // the parts the new record does not name
		return err
	}
	t.op.changed = append(t.op.changed, r)
	// A damaged run that led a buffer firing takes its followers down with it, saying why; one that
	// followed leaves its leader to go on without it.
	if err := t.tx.Bucket(bucketFollowers).Delete(key); err != nil {
		return err
	}
	return t.EndFiring(&r, func(f *status.Run, _ []byte, committed bool) {
		if f.ID == r.ID {
			return
		}
		f.Status = status.Failed
		if committed {
			f.Status = status.PartialSuccess
		}
		f.Error = fmt.Sprintf("the run that led its buffer's firing, %s, has a damaged record", r.ID)
		f.CompletedAt, f.UpdatedAt = now, now
	}, now)
}

// uuidTime is the creation time a version-7 UUID carries, or the zero time.
func uuidTime(key []byte) time.Time {
	u, err := uuid.FromBytes(bytes.Clone(key))
	if err != nil || u.Version() != 7 {
		return time.Time{}
	}
	sec, nsec := u.Time().UnixTime()
	return time.Unix(sec, nsec).UTC()
}
