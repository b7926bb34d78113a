package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
)

// A buffer step keeps the items of the runs parked at it, per scope, until it fires (package buffer).
// Each buffer has a header (bucketBuffers) with its counts and times, its items in park order
// (bucketBufItems, keyed by the buffer's key and a monotonic ULID), and a record per parked run
// (bucketBufRuns). Parking is one write with the run's move to in_buffer; firing is one write that
// takes the items, moves every parked run to running and hands the items to one of them, the
// leader, as its checkpoint; the leader then runs the steps after the buffer for all of them, and its
// last write ends them all (bucketFirings, bucketFollowers).

// BufferScope names a buffer: the index of its step in the pipeline, and the scope its items share.
type BufferScope struct {
	Step       int
	Group      string
	UserID     string
	Properties map[string]string
}

// key is the buffer's key: the step, then the scope, every part length-prefixed so that no buffer's
// key is a prefix of another's. User IDs compare case-insensitively, as everywhere.
func (b BufferScope) key() []byte {
	k := binary.BigEndian.AppendUint16(nil, uint16(b.Step))
	k = binary.AppendUvarint(k, uint64(len(b.Group)))
	k = append(k, b.Group...)
	user := foldUser(b.UserID)
	k = binary.AppendUvarint(k, uint64(len(user)))
	k = append(k, user...)
	k = binary.AppendUvarint(k, uint64(len(b.Properties)))
	for _, name := range slices.Sorted(maps.Keys(b.Properties)) {
		k = binary.AppendUvarint(k, uint64(len(name)))
		k = append(k, name...)
		v := b.Properties[name]
		k = binary.AppendUvarint(k, uint64(len(v)))
		k = append(k, v...)
	}
	return k
}

// ID is the buffer's key as a string, to tell buffers apart in memory.
func (b BufferScope) ID() string { return string(b.key()) }

// Buffer is a buffer's header.
type Buffer struct {
	Scope BufferScope
	// Items and Runs count what waits in the buffer.
	Items, Runs int
	// FirstAt and LastAt are when the oldest and the newest item waiting arrived.
	FirstAt, LastAt time.Time
	// Fired counts the firings that took items from the buffer: a firing is a compare-and-set on it.
	Fired uint64
}

const bufferFormat byte = 1

func encodeBuffer(b *Buffer) []byte {
	e := codec.Encoder{}
	e.Byte(bufferFormat)
	e.Uint(uint64(b.Scope.Step))
	e.Str(b.Scope.Group)
	e.Str(b.Scope.UserID)
	e.StrMap(b.Scope.Properties)
	e.Uint(uint64(b.Items))
	e.Uint(uint64(b.Runs))
	e.Time(b.FirstAt)
	e.Time(b.LastAt)
	e.Uint(b.Fired)
	return e.B
}

func decodeBuffer(v []byte) (Buffer, error) {
	d := codec.NewDecoder(v)
	if f := d.Byte(); d.Err() == nil && f != bufferFormat {
		return Buffer{}, fmt.Errorf("%w: unknown buffer format %d", errs.Corrupt, f)
	}
	var b Buffer
	b.Scope.Step = int(d.Uint())
	b.Scope.Group = d.Str()
	b.Scope.UserID = d.Str()
	b.Scope.Properties = d.StrMap()
	b.Items = int(d.Uint())
	b.Runs = int(d.Uint())
	b.FirstAt = d.Time()
	b.LastAt = d.Time()
	b.Fired = d.Uint()
	return b, d.End()
}

// BufferItem is an item prepared for Tx.Park: its ULID (which orders it in its buffer) and its bytes.
type BufferItem struct {
	ID   [16]byte
	Data []byte
}

// Park adds the items of run (inside UpdateRun's function, which moves the run to in_buffer) to the
// buffer of scope, with what the run says of itself (member, kept for when the buffer fires), and
// returns the buffer's header as it now is.
func (t *Tx) Park(runID string, scope BufferScope, items []BufferItem, member []byte, now time.Time) (Buffer, error) {
	run, err := idBytes("run id", runID)
	if err != nil {
		return Buffer{}, err
	}
	key := scope.key()
	headers := t.tx.Bucket(bucketBuffers)
	b := Buffer{Scope: scope, FirstAt: now}
	if v := headers.Get(key); v != nil {
		if b, err = decodeBuffer(v); err != nil {
			return Buffer{}, fmt.Errorf("buffer of %s: %w", runID, err)
		}
	}
	itemsB := t.tx.Bucket(bucketBufItems)
	stamp := codec.Encoder{}
	stamp.Time(now)
	for _, it := range items {
		k := append(append(make([]byte, 0, len(key)+16), key...), it.ID[:]...)
		v := append(append(append(make([]byte, 0, codec.TimeSize+16+len(it.Data)), stamp.B...), run...), it.Data...)
		if err := itemsB.Put(k, v); err != nil {
			return Buffer{}, err
		}
	}
	if err := t.tx.Bucket(bucketBufRuns).Put(append(bytes.Clone(key), run...), member); err != nil {
		return Buffer{}, err
	}
	if b.Items == 0 {
		b.FirstAt = now
	}
	b.Items += len(items)
	b.Runs++
	b.LastAt = now
	return b, headers.Put(key, encodeBuffer(&b))
}

// Buffers returns the header of every buffer that holds items.
func (s *Store) Buffers() ([]Buffer, error) {
	var out []Buffer
	err := s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		b := tx.Bucket(bucketBuffers)
		if b == nil {
			return nil // a schema-1 file opened read-only: no buffers
		}
		return b.ForEach(func(k, v []byte) error {
			h, err := decodeBuffer(v)
			if err != nil {
				s.damaged(bucketBuffers, k, err)
				return nil
			}
			out = append(out, h)
			return nil
		})
	})
	return out, err
}

// ParkedItem is an item waiting in a buffer.
type ParkedItem struct {
	ID    [16]byte
	RunID string
	At    time.Time
	Data  []byte
}

// ParkedRun is a run waiting in a buffer, with what it said of itself when it parked.
type ParkedRun struct {
	RunID  string
	Member []byte
}

// BufferContents returns a buffer's header, its items in park order and its parked runs in the
// order of their IDs (their age), or an error wrapping ErrNotFound if it holds nothing.
func (s *Store) BufferContents(scope BufferScope) (Buffer, []ParkedItem, []ParkedRun, error) {
	key := scope.key()
	var h Buffer
	var items []ParkedItem
	var runs []ParkedRun
	err := s.view(func(tx *bolt.Tx) error {
		items, runs = items[:0], runs[:0]
		v := tx.Bucket(bucketBuffers).Get(key)
		if v == nil {
			return fmt.Errorf("buffer: %w", errs.NotFound)
		}
		var err error
		if h, err = decodeBuffer(v); err != nil {
			return err
		}
		c := tx.Bucket(bucketBufItems).Cursor()
		for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
			if len(k) != len(key)+16 || len(v) < codec.TimeSize+16 {
				return fmt.Errorf("%w: buffer item %x", errs.Corrupt, k)
			}
			d := codec.NewDecoderString(string(v[:codec.TimeSize]))
			it := ParkedItem{At: d.Time(), RunID: uuidString(v[codec.TimeSize : codec.TimeSize+16]), Data: bytes.Clone(v[codec.TimeSize+16:])}
			copy(it.ID[:], k[len(key):])
			items = append(items, it)
		}
		c = tx.Bucket(bucketBufRuns).Cursor()
		for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
			if len(k) != len(key)+16 {
				return fmt.Errorf("%w: parked run %x", errs.Corrupt, k)
			}
			runs = append(runs, ParkedRun{RunID: uuidString(k[len(key):]), Member: bytes.Clone(v)})
		}
		return nil
	})
	return h, items, runs, err
}

// Buffer returns the header of the buffer of scope; ok is false if the buffer holds nothing.
func (s *Store) Buffer(scope BufferScope) (b Buffer, ok bool, err error) {
	key := scope.key()
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketBuffers).Get(key)
		if v == nil {
			return nil
		}
		b, err = decodeBuffer(v)
		ok = err == nil
		return err
	})
	return b, ok, err
}
