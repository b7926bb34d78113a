package store

import (
	"bytes"
	"fmt"

	"github.com/oklog/ulid/v2"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
)

// A memory's history (bucketHistory) is a row per change, keyed by the memory's ID and a monotonic
// ULID, so that its rows sort in the order they were written. Deleting a memory keeps its history;
// purging it removes both.

const changeFormat byte = 1

// putChange adds a row to the history of c.MemoryID.
func (t *Tx) putChange(c *memory.Change) error {
	key, err := idBytes("memory id", c.MemoryID)
	if err != nil {
		return err
	}
	k, v := encodeChange(key, c)
	return t.tx.Bucket(bucketHistory).Put(k, v)
}

// encodeChange returns the history row of change c of memory key: its key, the memory's ID and a new
// ULID (rows sort by time), and its value.
func encodeChange(key []byte, c *memory.Change) (k, v []byte) {
	e := codec.Encoder{B: make([]byte, 0, 64+len(c.OldContent)+len(c.NewContent))}
	e.Byte(changeFormat)
	e.Str(c.Operation)
	e.Str(c.OldContent)
	e.Str(c.NewContent)
	e.Str(c.SupersededBy)
	e.Str(c.RunID)
	e.Int(int64(c.Version))
	e.Str(c.Reason)
	e.Time(c.At)
	id := ulid.Make()
	return append(append(make([]byte, 0, len(key)+len(id)), key...), id[:]...), e.B
}

func decodeChange(memoryID string, v []byte) (memory.Change, error) {
	d := codec.NewDecoder(v)
	if f := d.Byte(); d.Err() == nil && f != changeFormat {
		return memory.Change{}, fmt.Errorf("%w: unknown history format %d", errs.Corrupt, f)
	}
	c := memory.Change{MemoryID: memoryID, Operation: d.Str(), OldContent: d.Str(), NewContent: d.Str(),
		SupersededBy: d.Str(), RunID: d.Str(), Version: int(d.Int()), Reason: d.Str(), At: d.Time()}
	return c, d.End()
}

// History returns every change of the memory, oldest first, or an error wrapping ErrNotFound if it
// has none (never existed, or purged). A damaged row is skipped and logged.
func (s *Store) History(id string) ([]memory.Change, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return nil, err
	}
	var out []memory.Change
	err = s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		b := tx.Bucket(bucketHistory)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
			ch, err := decodeChange(id, v)
			if err != nil {
				s.damaged(bucketHistory, key, err)
				continue
			}
			out = append(out, ch)
		}
		return nil
	})
	if err == nil && len(out) == 0 {
		return nil, fmt.Errorf("history of memory %s: %w", id, errs.NotFound)
	}
	return out, err
}

// dropHistory deletes a memory's history.
func (t *Tx) dropHistory(key []byte) error {
	return deletePrefix(t.tx.Bucket(bucketHistory), key)
}
