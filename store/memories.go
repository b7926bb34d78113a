package store

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"

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
	Total    int    // memories matching the filter, on every page
	Next     string // cursor of the next page; empty on the last
}

// Memory returns the stored memory, or an error wrapping ErrNotFound.
func (s *Store) Memory(id string) (memory.Memory, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return memory.Memory{}, err
	}
	var rec memoryRecord
	err = s.view(func(tx *bolt.Tx) error {
		rec, err = readMemory(tx, key, id)
		return err
	})
	return rec.mem, err
}

func readMemory(tx *bolt.Tx, key []byte, id string) (memoryRecord, error) {
	v := tx.Bucket(bucketMemories).Get(key)
	if v == nil {
		return memoryRecord{}, fmt.Errorf("memory %s: %w", id, errs.NotFound)
	}
	return decodeMemory(v)
}

// ListMemories returns up to limit memories matching f in the order they were committed, starting
// after cursor (from a previous page's Next; empty starts at the beginning), with the total count.
func (s *Store) ListMemories(f MemoryFilter, cursor string, limit int) (MemoryPage, error) {
	prefix := f.Scope.prefix()
	start := prefix
	if cursor != "" {
		c, err := base64.RawURLEncoding.DecodeString(cursor)
		if err != nil || len(c) != 8+16 {
			return MemoryPage{}, fmt.Errorf("%w: cursor %q is malformed", errs.InvalidInput, cursor)
		}
		start = append(bytes.Clone(prefix), c...)
	}
	var page MemoryPage
	err := s.view(func(tx *bolt.Tx) error {
		page = MemoryPage{}
		memories := tx.Bucket(bucketMemories)
		filtered := len(f.Properties) > 0 || len(f.Topics) > 0
		var last []byte // index key suffix (sequence + ID) of the page's last memory
		c := tx.Bucket(bucketMemScope).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			inPage := cursor == "" || bytes.Compare(k, start) > 0
			wanted := inPage && len(page.Memories) < limit
			if !filtered && !wanted {
				// Counting, or noting that a next page exists: no need to read the memory.
				page.Total++
				if inPage && page.Next == "" {
					page.Next = base64.RawURLEncoding.EncodeToString(last)
				}
				continue
			}
			id := k[len(k)-16:]
			v := memories.Get(id)
			if v == nil {
				return fmt.Errorf("%w: scope index names missing memory %s", errs.Corrupt, uuidString(id))
			}
			rec, err := decodeMemory(v)
			if err != nil {
				return err
			}
			if !f.matches(&rec.mem) {
				continue
			}
			page.Total++
			switch {
			case wanted:
				page.Memories = append(page.Memories, rec.mem)
				last = bytes.Clone(k[len(prefix):])
			case inPage && page.Next == "":
				page.Next = base64.RawURLEncoding.EncodeToString(last)
			}
		}
		return nil
	})
	return page, err
}

// Memory reads a memory inside the transaction.
func (t *Tx) Memory(id string) (memory.Memory, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return memory.Memory{}, err
	}
	rec, err := readMemory(t.tx, key, id)
	return rec.mem, err
}

// ContentOwner returns the ID of the memory that holds content key k (see ContentKey), or "".
func (t *Tx) ContentOwner(k []byte) string {
	if v := t.tx.Bucket(bucketMemContent).Get(k); v != nil {
		return uuidString(v)
	}
	return ""
}

// CreateMemory stores a new memory and its index entries. The memory's ID must be new; its content
// key (see ContentKey) becomes owned by it.
func (t *Tx) CreateMemory(m memory.Memory, contentKey []byte) error {
	key, err := idBytes("memory id", m.ID)
	if err != nil {
		return err
	}
	memories := t.tx.Bucket(bucketMemories)
	if memories.Get(key) != nil {
		return fmt.Errorf("memory %s: %w: the ID exists", m.ID, errs.Conflict)
	}
	seq, err := memories.NextSequence()
	if err != nil {
		return err
	}
	rec := memoryRecord{seq: seq, mem: m}
	if err := memories.Put(key, encodeMemory(&rec)); err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketMemScope).Put(memScopeKey(Scope{m.Group, m.UserID}, seq, key), nil); err != nil {
		return err
	}
	return t.tx.Bucket(bucketMemContent).Put(contentKey, key)
}

// DeleteMemory removes a memory and its index entries, or returns an error wrapping ErrNotFound.
func (s *Store) DeleteMemory(id string) error {
	key, err := idBytes("memory id", id)
	if err != nil {
		return err
	}
	return s.writer.do(func(t *Tx) error {
		rec, err := readMemory(t.tx, key, id)
		if err != nil {
			return err
		}
		m := &rec.mem
		scope := Scope{m.Group, m.UserID}
		if err := t.tx.Bucket(bucketMemScope).Delete(memScopeKey(scope, rec.seq, key)); err != nil {
			return err
		}
		ck := ContentKey(scope, m.Properties, m.Content)
		if owner := t.tx.Bucket(bucketMemContent).Get(ck); bytes.Equal(owner, key) {
			if err := t.tx.Bucket(bucketMemContent).Delete(ck); err != nil {
				return err
			}
		}
		return t.tx.Bucket(bucketMemories).Delete(key)
	})
}
