package store

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
	bolterrs "go.etcd.io/bbolt/errors"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// CreateRun durably records a new run, the input it carries and its attributes (properties and
// metadata, which its memories will share); it returns once the transaction has committed. The run
// gets revision 1; an ID already used is refused with ErrConflict. A document ID already used in the
// run's scope fails with an error wrapping ErrConflict that names the run which used it. Everything
// is encoded before the transaction.
func (s *Store) CreateRun(r status.Run, input []byte) (status.Run, error) {
	nr, err := prepareRun(r, input)
	if err != nil {
		return status.Run{}, err
	}
	err = s.writer.doUrgent(func(t *Tx) error {
		if err := t.checkNewRun(nr, nil); err != nil {
			return Reject(err)
		}
		// Nothing is published: no one can be waiting for a run whose ID Add has not returned yet.
		return t.insertRun(nr)
	})
	if err != nil {
		return status.Run{}, err
	}
	return nr.run, nil
}

// preparedRun is a new run encoded, ready to insert.
type preparedRun struct {
	run                          status.Run
	id, record, statusKey, scope []byte
	input, attrs, docKey         []byte
}

// prepareRun encodes the new run r with its input, before the transaction that inserts it.
func prepareRun(r status.Run, input []byte) (*preparedRun, error) {
	id, err := idBytes("run id", r.ID)
	if err != nil {
		return nil, err
	}
	if r.Status != status.Queued {
		return nil, fmt.Errorf("create run %s: %w: a new run must be queued, not %s", r.ID, errs.InvalidInput, r.Status)
	}
	r.Revision = 1
	r.DeriveCreated()
	nr := &preparedRun{run: r, id: id, record: encodeRun(&r, 0), statusKey: runStatusKey(r.Status, id),
		scope: Scope{r.Group, r.UserID}.prefix(), input: input}
	if len(r.Properties) > 0 || len(r.Metadata) > 0 {
		nr.attrs = encodeAttrs(r.Properties, r.Metadata)
	}
	if r.DocumentID != "" {
		nr.docKey = documentKey(Scope{r.Group, r.UserID}, r.DocumentID)
	}
	return nr, nil
}

// checkNewRun says why nr cannot be inserted, if it cannot: its ID exists, its scope is being
// purged, or its document ID is taken, in the file or by a run of claimed (document key -> run ID)
// that the same transaction inserts first.
func (t *Tx) checkNewRun(nr *preparedRun, claimed map[string][]byte) error {
	r := &nr.run
	if t.tx.Bucket(bucketRuns).Get(nr.id) != nil {
		return fmt.Errorf("create run %s: %w: the ID exists", r.ID, errs.Conflict)
	}
	if t.tx.Bucket(bucketPurges).Get(nr.scope) != nil {
		return fmt.Errorf("user %q of group %q: %w: being purged", r.UserID, r.Group, errs.Conflict)
	}
	if nr.docKey != nil {
		prior := t.tx.Bucket(bucketDocuments).Get(nr.docKey)
		if prior == nil {
			prior = claimed[string(nr.docKey)]
		}
		if prior != nil {
			return &ConflictError{DocumentID: r.DocumentID, RunID: uuidString(prior)}
		}
	}
	return nil
}

// insertRun writes nr, which checkNewRun accepted.
func (t *Tx) insertRun(nr *preparedRun) error {
	if err := t.tx.Bucket(bucketRunScope).Put(append(bytes.Clone(nr.scope), nr.id...), nil); err != nil {
		return err
	}
	if nr.docKey != nil {
		if err := t.tx.Bucket(bucketDocuments).Put(nr.docKey, nr.id); err != nil {
			return err
		}
	}
	if err := t.tx.Bucket(bucketInputs).Put(nr.id, nr.input); err != nil {
		return err
	}
	if nr.attrs != nil {
		if err := t.tx.Bucket(bucketAttrs).Put(nr.id, nr.attrs); err != nil {
			return err
		}
	}
	if err := t.tx.Bucket(bucketRunStatus).Put(nr.statusKey, nil); err != nil {
		return err
	}
	return t.tx.Bucket(bucketRuns).Put(nr.id, nr.record)
}

// ConflictError is the ErrConflict of an add whose document ID an earlier run added: RunID names it.
type ConflictError struct {
	DocumentID string
	RunID      string
}

// Error says which document and which run.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("document %q: %v: already added by run %s", e.DocumentID, errs.Conflict, e.RunID)
}

// Unwrap returns ErrConflict.
func (e *ConflictError) Unwrap() error { return errs.Conflict }

// DocumentRun returns the ID of the run that added the document ID in the scope, or "" if none did.
func (s *Store) DocumentRun(sc Scope, documentID string) (string, error) {
	var id string
	err := s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketDocuments).Get(documentKey(sc, documentID)); v != nil {
			id = uuidString(v)
		}
		return nil
	})
	return id, err
}

// Run returns the stored run, or an error wrapping ErrNotFound (no such run) or ErrCorrupt (its
// record is damaged).
func (s *Store) Run(id string) (status.Run, error) {
	var r status.Run
	err := s.RunInto(id, &r)
	return r, err
}

// RunInto reads the stored run into *r, which must be zero. It is the hot path of run lookups: it
// opens its read transaction directly rather than through a closure, keeps the key on the stack,
// and decodes in place.
func (s *Store) RunInto(id string, r *status.Run) (err error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return errs.Field("id", "run id %q is not a UUID", id)
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
	spilled, err := decodeRunInto(v, r)
	if err != nil {
		return fmt.Errorf("run %s: %w", id, err)
	}
	if spilled > 0 {
		return readSpilledOps(tx, u[:], spilled, r)
	}
	return nil
}

// Input returns the payload stored with a run when it was added.
func (s *Store) Input(id string) ([]byte, error) {
	key, err := idBytes("run id", id)
	if err != nil {
		return nil, err
	}
	var out []byte
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketInputs).Get(key)
		if v == nil {
			return fmt.Errorf("input of run %s: %w", id, errs.NotFound)
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
// the run and t; an error it returns before writing anything should be marked with Reject. The run fn
// sees, and UpdateRun returns, is the run's record: the operations of a
// large run's earlier commit parts (see Tx.RecordOps) are not in it.
func (s *Store) UpdateRun(id string, rev int64, fn func(t *Tx, r *status.Run) error) (status.Run, error) {
	key, err := idBytes("run id", id)
	if err != nil {
		return status.Run{}, err
	}
	var out status.Run
	err = s.writer.do(func(t *Tx) error {
		next, err := t.run(key, id)
		if err != nil {
			return Reject(err)
		}
		if rev != 0 && next.Revision != rev {
			return Reject(fmt.Errorf("run %s: %w: revision is %d, expected %d", id, errs.Conflict, next.Revision, rev))
		}
		prev := was{next.Status, next.Revision, next.Attempts, next.Step}
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

// run reads a run's record inside the transaction and notes how many parts of operations it has
// spilled, for writeRun.
func (t *Tx) run(key []byte, id string) (status.Run, error) {
	v := t.tx.Bucket(bucketRuns).Get(key)
	if v == nil {
		return status.Run{}, fmt.Errorf("run %s: %w", id, errs.NotFound)
	}
	r, spilled, err := decodeRun(v)
	if err != nil {
		return status.Run{}, fmt.Errorf("run %s: %w", id, err)
	}
	t.setSpilled(key, spilled)
	return r, nil
}

// was is what writeRun needs of the run a write replaces.
type was struct {
	status   status.Status
	revision int64
	attempts int
	step     int
}

// writeRun stores next in place of the run that was (nil for a new run), keeping the status index in
// step, refusing an illegal transition, and dropping a finished run's scratch records (checkpoints,
// commit progress). A change of status is published once the transaction commits (the subscribers
// copy what they keep, so next is published as it is). The revision grows by one for each edge the
// write takes.
func (t *Tx) writeRun(key []byte, prev *was, next *status.Run) error {
	idx := t.tx.Bucket(bucketRunStatus)
	if prev != nil {
		next.Revision = prev.revision + 1
		from := prev.status
		if via, ok := t.via[next.ID]; ok && via != from && via != next.Status {
			// The write takes two edges, from -> via -> next (a queued run taken and finished in one
			// write): each must be legal, and watchers see both.
			if err := status.CheckTransition(from, via); err != nil {
				return fmt.Errorf("run %s: %w", next.ID, err)
			}
			// What a watcher sees of the step between: the run taken, not yet ended.
			next.DeriveCreated()
			step := next.Clone() // published, so owned by the subscribers (see Options.OnRunChange)
			step.Status, step.Step, step.Error, step.CompletedAt = via, prev.step, "", time.Time{}
			t.op.changed = append(t.op.changed, step)
			next.Revision++
			from = via
		}
		if err := status.CheckTransition(from, next.Status); err != nil {
			return fmt.Errorf("run %s: %w", next.ID, err)
		}
		if prev.status != next.Status {
			if err := idx.Delete(runStatusKey(prev.status, key)); err != nil {
				return err
			}
		}
	}
	next.DeriveCreated()
	if err := idx.Put(runStatusKey(next.Status, key), nil); err != nil {
		return err
	}
	spilled := t.spilledOf(key)
	if err := t.tx.Bucket(bucketRuns).Put(key, encodeRun(next, spilled)); err != nil {
		return err
	}
	if next.Status.Terminal() {
		// A run taken and ended in this one write, on its first attempt, has no commit progress; it
		// may have checkpoint chunks, written before a final write that never came.
		if err := t.dropScratch(key, prev == nil || prev.status != status.Queued || prev.attempts > 0); err != nil {
			return err
		}
	}
	if prev == nil || prev.status != next.Status {
		published := next.Clone() // owned by the subscribers (see Options.OnRunChange)
		if spilled > 0 {
			if err := readSpilledOps(t.tx, key, spilled, &published); err != nil {
				// Publishing must not stop the write (the run's end, say): publish what the record
				// says, and let reads of the run report the damaged part.
				published = next.Clone()
			}
		}
		t.op.changed = append(t.op.changed, published)
	}
	return nil
}

// Via declares that the write of run id (in UpdateRun's function) passes through status s on its
// way to the status the function leaves it in: a queued run that a worker takes (s = running) and
// finishes in the same write. Both edges are checked and published.
func (t *Tx) Via(id string, s status.Status) {
	if t.via == nil {
		t.via = make(map[string]status.Status, 1)
	}
	t.via[id] = s
}

// dropScratch deletes what a run kept only while it was under way: its checkpoints and (with
// progress) its commit progress.
func (t *Tx) dropScratch(key []byte, progress bool) error {
	if err := deletePrefix(t.tx.Bucket(bucketCheckpoints), key); err != nil {
		return err
	}
	if !progress {
		return nil
	}
	return t.tx.Bucket(bucketProgress).Delete(key)
}

// deletePrefix deletes every key of b that starts with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
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
