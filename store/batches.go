package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// BatchItem is one item of a stored batch: the run it was added as, or why it was not.
type BatchItem struct {
	RunID string
	// Code is the sentinel the item's error wrapped (see ErrorCode); Error its text. Both are empty
	// for an accepted item.
	Code  ErrorCode
	Error string
}

// ErrorCode names the sentinel of a batch item's error, so that it can be rebuilt when the batch is
// read back.
type ErrorCode byte

// Error codes of batch items.
const (
	CodeNone ErrorCode = iota
	CodeInvalid
	CodeConflict
	CodeNotFound
	CodeOther
)

// CodeOf returns the code of err's sentinel.
func CodeOf(err error) ErrorCode {
	switch {
	case err == nil:
		return CodeNone
	case errors.Is(err, errs.InvalidInput):
		return CodeInvalid
	case errors.Is(err, errs.Conflict):
		return CodeConflict
	case errors.Is(err, errs.NotFound):
		return CodeNotFound
	}
	return CodeOther
}

// Sentinel returns the sentinel error of the code (nil for CodeNone and CodeOther).
func (c ErrorCode) Sentinel() error {
	switch c {
	case CodeInvalid:
		return errs.InvalidInput
	case CodeConflict:
		return errs.Conflict
	case CodeNotFound:
		return errs.NotFound
	}
	return nil
}

// Batch is a stored batch of adds.
type Batch struct {
	ID        string
	CreatedAt time.Time
	Items     []BatchItem
}

// NewRun is a run to create with the input it carries (see CreateRun).
type NewRun struct {
	Run   status.Run
	Input []byte
}

const batchFormat byte = 1

// CreateBatch records, in one transaction, the batch id with its items: each item is either one of
// runs (items[i].RunID names it; CreateRun's rules apply to it) or already refused (items[i].Code
// set). With failFast, a run that cannot be created (its document ID is taken, in the file or by an
// earlier run of the batch) refuses the whole batch with that run's error and nothing is written;
// without it, that item is refused and the others are created. It returns the items as recorded.
func (s *Store) CreateBatch(id string, createdAt time.Time, items []BatchItem, runs []NewRun, failFast bool) ([]BatchItem, error) {
	key, err := idBytes("batch id", id)
	if err != nil {
		return nil, err
	}
	prepared := make(map[string]*preparedRun, len(runs))
	for _, nr := range runs {
		p, err := prepareRun(nr.Run, nr.Input)
		if err != nil {
			return nil, err
		}
		prepared[nr.Run.ID] = p
	}
	var out []BatchItem
	err = s.writer.doUrgent(func(t *Tx) error {
		if t.tx.Bucket(bucketBatches).Get(key) != nil {
			return Reject(fmt.Errorf("create batch %s: %w: the ID exists", id, errs.Conflict))
		}
		out = append(out[:0], items...)
		claimed := map[string][]byte{}
		var accepted []*preparedRun
		for i := range out {
			p := prepared[out[i].RunID]
			if out[i].Code != CodeNone || p == nil {
				continue
			}
			if err := t.checkNewRun(p, claimed); err != nil {
				if failFast {
					return Reject(fmt.Errorf("items[%d]: %w", i, err))
				}
				out[i] = BatchItem{Code: CodeOf(err), Error: fmt.Sprintf("items[%d]: %v", i, err)}
				continue
			}
			if p.docKey != nil {
				claimed[string(p.docKey)] = p.id
			}
			accepted = append(accepted, p)
		}
		for _, p := range accepted {
			if err := t.insertRun(p); err != nil {
				return err
			}
		}
		return t.tx.Bucket(bucketBatches).Put(key, encodeBatch(createdAt, out))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Batch returns the stored batch, or an error wrapping ErrNotFound or ErrCorrupt.
func (s *Store) Batch(id string) (Batch, error) {
	key, err := idBytes("batch id", id)
	if err != nil {
		return Batch{}, err
	}
	var b Batch
	err = s.view(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketBatches)
		if bk == nil {
			return fmt.Errorf("batch %s: %w", id, errs.NotFound)
		}
		v := bk.Get(key)
		if v == nil {
			return fmt.Errorf("batch %s: %w", id, errs.NotFound)
		}
		b, err = decodeBatch(v)
		if err != nil {
			return fmt.Errorf("batch %s: %w", id, err)
		}
		return nil
	})
	b.ID = id
	return b, err
}

func encodeBatch(createdAt time.Time, items []BatchItem) []byte {
	e := codec.Encoder{B: make([]byte, 0, 16+len(items)*40)}
	e.Byte(batchFormat)
	e.Time(createdAt)
	e.Uint(uint64(len(items)))
	for _, it := range items {
		e.Str(it.RunID)
		e.Byte(byte(it.Code))
		e.Str(it.Error)
	}
	return e.B
}

func decodeBatch(v []byte) (Batch, error) {
	d := codec.NewDecoder(v)
	if f := d.Byte(); d.Err() == nil && f != batchFormat {
		return Batch{}, fmt.Errorf("%w: unknown batch record format %d", errs.Corrupt, f)
	}
	b := Batch{CreatedAt: d.Time()}
	if n := d.Length(); n > 0 {
		b.Items = make([]BatchItem, n)
		for i := range b.Items {
			b.Items[i] = BatchItem{RunID: d.Str(), Code: ErrorCode(d.Byte()), Error: d.Str()}
		}
	}
	return b, d.End()
}
