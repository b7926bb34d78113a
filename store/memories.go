package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
)

// MemoryFilter selects memories within one scope. Properties must all match; Topics, when given,
// must contain the memory's topic.
type MemoryFilter struct {
	Scope      Scope
	Properties map[string]string
	Topics     []string
	// Now is the time expiries are measured at: a memory expired at Now is left out.
	Now time.Time
	// IncludeSuperseded lists superseded memories too.
	IncludeSuperseded bool
}

func (f *MemoryFilter) matches(m *memory.Memory) bool {
	if len(f.Topics) > 0 && !slices.Contains(f.Topics, m.Topic) {
		return false
	}
	return hasAll(m.Properties, f.Properties)
}

// MemoryPage is one page of a listing.
type MemoryPage struct {
	Memories []memory.Memory
	Total    int    // memories matching the filter, on every page; damaged ones are not counted
	Next     string // cursor of the next page; empty on the last
}

// Memory returns the stored memory, or an error wrapping ErrNotFound or ErrCorrupt.
func (s *Store) Memory(id string) (memory.Memory, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return memory.Memory{}, err
	}
	var rec memoryRecord
	err = s.view(func(tx *bolt.Tx) error {
		rec, err = readMemory(tx, key, id)
		if err != nil {
			return err
		}
		return newAttrsCache(tx).resolve(&rec)
	})
	return rec.mem, err
}

func readMemory(tx *bolt.Tx, key []byte, id string) (memoryRecord, error) {
	v := tx.Bucket(bucketMemories).Get(key)
	if v == nil {
		return memoryRecord{}, fmt.Errorf("memory %s: %w", id, errs.NotFound)
	}
	rec, err := decodeMemory(v)
	if err != nil {
		return memoryRecord{}, fmt.Errorf("memory %s: %w", id, err)
	}
	return rec, nil
}

// ListMemories returns up to limit memories matching f in the order they were committed, starting
// after cursor (from a previous page's Next; empty starts at the beginning), with the total count. A
// damaged memory is skipped and logged; the rest of the scope is listed.
//
// The total is counted on the first page, and carried in the cursors of the pages after it: each
// page then reads only from its cursor to its end, so paging through a scope costs its size once,
// filtered or not. (An unfiltered count counts the scope's index entries without reading them, so it
// includes a damaged memory that the pages skip.)
func (s *Store) ListMemories(f MemoryFilter, cursor string, limit int) (MemoryPage, error) {
	prefix := f.Scope.prefix()
	after, total, err := decodeListCursor(prefix, cursor)
	if err != nil {
		return MemoryPage{}, err
	}
	var page MemoryPage
	err = s.view(func(tx *bolt.Tx) error {
		page = MemoryPage{Total: total}
		l := lister{s: s, f: &f, memories: tx.Bucket(bucketMemories), attrs: newAttrsCache(tx)}
		c := tx.Bucket(bucketMemScope).Cursor()
		if total < 0 {
			page.Total = l.count(c, prefix)
		}
		k, v := c.Seek(prefix)
		if after != nil {
			k, v = c.Seek(after)
			if bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		var last []byte
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if entryHidden(v, f.Now, f.IncludeSuperseded) {
				continue
			}
			m, ok := l.read(k)
			if !ok {
				continue
			}
			if len(page.Memories) == limit { // there is a next page
				page.Next = encodeListCursor(last, page.Total)
				break
			}
			page.Memories = append(page.Memories, m)
			last = k[len(prefix):]
		}
		return nil
	})
	return page, err
}

// lister reads the memories of a listing's scope index.
type lister struct {
	s        *Store
	f        *MemoryFilter
	memories *bolt.Bucket
	attrs    *attrsCache
}

// read returns the memory an index key names, if it is readable and matches the filter.
func (l *lister) read(k []byte) (memory.Memory, bool) {
	id := k[len(k)-16:]
	v := l.memories.Get(id)
	if v == nil {
		l.s.damaged(bucketMemScope, id, fmt.Errorf("%w: the scope index names a missing memory", errs.Corrupt))
		return memory.Memory{}, false
	}
	rec, err := decodeMemory(v)
	if err == nil {
		err = l.attrs.resolve(&rec)
	}
	if err != nil {
		l.s.damaged(bucketMemories, id, err)
		return memory.Memory{}, false
	}
	return rec.mem, l.f.matches(&rec.mem)
}

// count counts the memories of the scope that match the filter: the index entries, when nothing
// filters them.
func (l *lister) count(c *bolt.Cursor, prefix []byte) int {
	n := 0
	filtered := len(l.f.Properties) > 0 || len(l.f.Topics) > 0
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		switch {
		case entryHidden(v, l.f.Now, l.f.IncludeSuperseded):
		case !filtered:
			n++
		default:
			if _, ok := l.read(k); ok {
				n++
			}
		}
	}
	return n
}

// A listing's cursor is the index key suffix (sequence and ID) of the page's last memory, and the
// listing's total; cursors of an earlier version carry no total, which is then counted again.
func encodeListCursor(last []byte, total int) string {
	return base64.RawURLEncoding.EncodeToString(binary.AppendUvarint(bytes.Clone(last), uint64(total)))
}

// decodeListCursor returns the index key to list after (nil from the start) and the total the cursor
// carries (-1 if none).
func decodeListCursor(prefix []byte, cursor string) ([]byte, int, error) {
	if cursor == "" {
		return nil, -1, nil
	}
	bad := errs.Field("cursor", "%q is not a cursor this listing made", cursor)
	c, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || len(c) < 8+16 {
		return nil, 0, bad
	}
	total := -1
	if len(c) > 8+16 {
		n, size := binary.Uvarint(c[8+16:])
		if size <= 0 || 8+16+size != len(c) || n > 1<<40 {
			return nil, 0, bad
		}
		total = int(n)
	}
	return append(bytes.Clone(prefix), c[:8+16]...), total, nil
}
