package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/google/uuid"
	bolterrs "go.etcd.io/bbolt/errors"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// CreateRun durably records a new run and the input it carries; it returns once the transaction has
// committed. The run gets revision 1. A document ID already used in the run's scope fails with an
// error wrapping ErrConflict that names the run which used it.
func (s *Store) CreateRun(r status.Run, input []byte) (status.Run, error) {
	id, err := idBytes("run id", r.ID)
	if err != nil {
		return status.Run{}, err
	}
	if r.Status != status.Queued {
		return status.Run{}, fmt.Errorf("create run %s: %w: a new run must be queued, not %s", r.ID, errs.InvalidInput, r.Status)
	}
	r.Revision = 1
	err = s.writer.do(func(t *Tx) error {
		runs := t.tx.Bucket(bucketRuns)
		if runs.Get(id) != nil {
			return fmt.Errorf("create run %s: %w: the ID exists", r.ID, errs.Conflict)
		}
		var docKey []byte
		if r.DocumentID != "" {
			docKey = documentKey(Scope{r.Group, r.UserID}, r.DocumentID)
			if prior := t.tx.Bucket(bucketDocuments).Get(docKey); prior != nil {
				return fmt.Errorf("document %q: %w: already added by run %s", r.DocumentID, errs.Conflict, uuidString(prior))
			}
			if err := t.tx.Bucket(bucketDocuments).Put(docKey, id); err != nil {
				return err
			}
		}
		if err := t.tx.Bucket(bucketInputs).Put(id, input); err != nil {
			return err
		}
		return t.writeRun(id, nil, &r)
	})
	if err != nil {
		return status.Run{}, err
	}
	return r, nil
}

// Run returns the stored run, or an error wrapping ErrNotFound.
func (s *Store) Run(id string) (status.Run, error) {
	var r status.Run
	err := s.RunInto(id, &r)
	return r, err
}

// RunInto reads the stored run into *r, which must be zero, or returns an error wrapping ErrNotFound.
// It is the hot path of run lookups: it opens its read transaction directly rather than through a
// closure, keeps the key on the stack, and decodes in place.
func (s *Store) RunInto(id string, r *status.Run) (err error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return fmt.Errorf("%w: run id %q is not a UUID", errs.InvalidInput, id)
	}
	defer recoverCorrupt(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	tx, err := s.db.Begin(false)
	if err != nil {
		if errors.Is(err, bolterrs.ErrDatabaseNotOpen) {
			return errs.Closed
		}
		return err
	}
	defer tx.Rollback()
	v := tx.Bucket(bucketRuns).Get(u[:])
	if v == nil {
		return fmt.Errorf("run %s: %w", id, errs.NotFound)
	}
	return decodeRunInto(v, r)
}

// Input returns the payload stored with a run when it was added.
func (s *Store) Input(id string) ([]byte, error) {
	return s.get(bucketInputs, "run id", id, nil, "input of run")
}

// Checkpoint returns the output a run's step saved, or an error wrapping ErrNotFound.
func (s *Store) Checkpoint(id string, step int) ([]byte, error) {
	return s.get(bucketCheckpoints, "run id", id, func(k []byte) []byte { return checkpointKey(k, step) },
		fmt.Sprintf("checkpoint of step %d of run", step))
}

// get copies one value out of a bucket keyed by an ID (or a key derived from it).
func (s *Store) get(bucket []byte, field, id string, derive func([]byte) []byte, what string) ([]byte, error) {
	key, err := idBytes(field, id)
	if err != nil {
		return nil, err
	}
	if derive != nil {
		key = derive(key)
	}
	var out []byte
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucket).Get(key)
		if v == nil {
			return fmt.Errorf("%s %s: %w", what, id, errs.NotFound)
		}
		out = bytes.Clone(v)
		return nil
	})
	return out, err
}

// UpdateRun changes a stored run as a compare-and-set: it reads the run inside a write transaction,
// refuses with ErrConflict if its revision is no longer rev (0 skips that check), lets fn change it
// (and write anything else through t in the same transaction), checks that the status change is a
// legal edge, and stores it with the next revision. fn may run more than once; it must only touch
// the run and t.
func (s *Store) UpdateRun(id string, rev int64, fn func(t *Tx, r *status.Run) error) (status.Run, error) {
	key, err := idBytes("run id", id)
	if err != nil {
		return status.Run{}, err
	}
	var out status.Run
	err = s.writer.do(func(t *Tx) error {
		prev, err := t.run(key, id)
		if err != nil {
			return err
		}
		if rev != 0 && prev.Revision != rev {
			return fmt.Errorf("run %s: %w: revision is %d, expected %d", id, errs.Conflict, prev.Revision, rev)
		}
		next := prev.Clone()
		if err := fn(t, &next); err != nil {
			return err
		}
		if err := t.writeRun(key, &prev, &next); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// RecoverInterrupted moves every run left running by a dead process back to queued (the state
// machine's recovery edge) and returns the IDs of all queued runs, oldest first, for the workers to
// resume. It is one transaction.
func (s *Store) RecoverInterrupted(update func(*status.Run)) ([]string, error) {
	var queued []string
	err := s.writer.do(func(t *Tx) error {
		queued = queued[:0]
		for _, key := range t.idsWithStatus(status.Running) {
			prev, err := t.run(key, uuidString(key))
			if err != nil {
				return err
			}
			next := prev.Clone()
			next.Status = status.Queued
			update(&next)
			if err := t.writeRun(key, &prev, &next); err != nil {
				return err
			}
		}
		for _, key := range t.idsWithStatus(status.Queued) {
			queued = append(queued, uuidString(key))
		}
		return nil
	})
	return queued, err
}

// PutCheckpoint saves a step's output for the run, in the caller's transaction.
func (t *Tx) PutCheckpoint(runID string, step int, data []byte) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketCheckpoints).Put(checkpointKey(key, step), data)
}

// run reads a run inside the transaction.
func (t *Tx) run(key []byte, id string) (status.Run, error) {
	v := t.tx.Bucket(bucketRuns).Get(key)
	if v == nil {
		return status.Run{}, fmt.Errorf("run %s: %w", id, errs.NotFound)
	}
	return decodeRun(v)
}

// writeRun stores next in place of prev (nil for a new run), keeping the status index in step,
// refusing an illegal transition, and dropping a finished run's checkpoints.
func (t *Tx) writeRun(key []byte, prev, next *status.Run) error {
	next.DeriveCreated()
	idx := t.tx.Bucket(bucketRunStatus)
	if prev != nil {
		if err := status.CheckTransition(prev.Status, next.Status); err != nil {
			return fmt.Errorf("run %s: %w", next.ID, err)
		}
		next.Revision = prev.Revision + 1
		if prev.Status != next.Status {
			if err := idx.Delete(runStatusKey(prev.Status, key)); err != nil {
				return err
			}
		}
	}
	if err := idx.Put(runStatusKey(next.Status, key), nil); err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketRuns).Put(key, encodeRun(next)); err != nil {
		return err
	}
	if next.Status.Terminal() {
		if err := t.deleteCheckpoints(key); err != nil {
			return err
		}
	}
	t.op.changed = append(t.op.changed, next.Clone())
	return nil
}

func (t *Tx) deleteCheckpoints(key []byte) error {
	c := t.tx.Bucket(bucketCheckpoints).Cursor()
	for k, _ := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, _ = c.Seek(key) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func (t *Tx) idsWithStatus(s status.Status) [][]byte {
	prefix := []byte{statusCodes[s]}
	var ids [][]byte
	c := t.tx.Bucket(bucketRunStatus).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, bytes.Clone(k[1:]))
	}
	return ids
}

// uuidString formats 16 key bytes as a UUID string.
func uuidString(b []byte) string {
	if len(b) != 16 {
		return hex.EncodeToString(b)
	}
	var buf [36]byte
	hex.Encode(buf[0:8], b[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], b[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], b[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], b[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], b[10:])
	return string(buf[:])
}
