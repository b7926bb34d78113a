package store

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
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
		k, _ := c.Seek(prefix)
		if after != nil {
			k, _ = c.Seek(after)
			if bytes.Equal(k, after) {
				k, _ = c.Next()
			}
		}
		var last []byte
		for ; k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
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
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if !filtered {
			n++
		} else if _, ok := l.read(k); ok {
			n++
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

// NewMemory is a memory encoded for insertion, with its keys, all computed before the transaction
// (hashing and encoding are the costly part of a commit, and the writer is shared).
type NewMemory struct {
	ID         string // the memory's ID
	key        []byte // and as a key
	record     []byte // encoded, with its sequence number left for InsertMemory to fill in
	scope      []byte // the scope's key prefix
	contentKey []byte // nil for a summary, which is not de-duplicated by content
	upsert     bool   // a summary: replaces the memory of its ID, whose version must be expect
	expect     int
}

// Change says what Tx.InsertMemory did.
type Change int

// The changes.
const (
	Unchanged Change = iota // the scope holds the content already
	Created
	Updated
)

// PrepareMemory encodes m, whose ID is key, for Tx.InsertMemory; contentKey is its content's key
// (see ContentKeyer). With attrsRun, the 16-byte ID of the run m comes from, m's Properties and
// Metadata are those the run was added with, and the record refers to the run's copy (see
// Tx.EnsureAttrs) instead of holding its own.
func PrepareMemory(m memory.Memory, key [16]byte, attrsRun, contentKey []byte) NewMemory {
	rec := memoryRecord{mem: m}
	if attrsRun != nil && (len(m.Properties) > 0 || len(m.Metadata) > 0) {
		rec.attrsRun = attrsRun
	}
	return NewMemory{
		ID:         m.ID,
		key:        key[:],
		record:     encodeMemory(&rec),
		scope:      Scope{m.Group, m.UserID}.prefix(),
		contentKey: contentKey,
	}
}

// ContentOwner returns the ID of the memory that holds the content of nm, or "".
func (t *Tx) ContentOwner(nm *NewMemory) string {
	if v := t.tx.Bucket(bucketMemContent).Get(nm.contentKey); v != nil {
		return uuidString(v)
	}
	return ""
}

// InsertMemory stores a prepared memory and its index entries, unless its scope already holds its
// content (Unchanged: nothing is written). The memory's ID must be new: the pipeline derives it from
// the run, the fact and its content, so the content check already refuses a replayed insert, and the
// ID is not looked up again. A summary (PrepareSummary) is created or updated in place instead.
func (t *Tx) InsertMemory(nm *NewMemory) (Change, error) {
	if nm.upsert {
		return t.upsertSummary(nm)
	}
	if t.ContentOwner(nm) != "" {
		return Unchanged, nil
	}
	if err := t.putNewMemory(nm); err != nil {
		return Unchanged, err
	}
	return Created, t.tx.Bucket(bucketMemContent).Put(nm.contentKey, nm.key)
}

// putNewMemory gives nm the next sequence number and stores it with its scope index entry.
func (t *Tx) putNewMemory(nm *NewMemory) error {
	memories := t.tx.Bucket(bucketMemories)
	seq, err := memories.NextSequence()
	if err != nil {
		return err
	}
	binary.BigEndian.PutUint64(nm.record[seqOffset:], seq)
	if err := memories.Put(nm.key, nm.record); err != nil {
		return err
	}
	scopeKey := binary.BigEndian.AppendUint64(append(make([]byte, 0, len(nm.scope)+24), nm.scope...), seq)
	return t.tx.Bucket(bucketMemScope).Put(append(scopeKey, nm.key...), nil)
}

// upsertSummary creates a summary, or replaces it in place (keeping its place in its scope), as a
// compare-and-set on the version it had when it was read: ErrConflict if another write changed it.
func (t *Tx) upsertSummary(nm *NewMemory) (Change, error) {
	memories := t.tx.Bucket(bucketMemories)
	v := memories.Get(nm.key)
	if v == nil {
		if nm.expect != 0 {
			return Unchanged, fmt.Errorf("summary %s: %w: deleted since it was read", nm.ID, errs.Conflict)
		}
		return Created, t.putNewMemory(nm)
	}
	old, err := decodeMemory(v)
	if err != nil {
		return Unchanged, fmt.Errorf("summary %s: %w", nm.ID, err)
	}
	if old.mem.Version != nm.expect {
		return Unchanged, fmt.Errorf("summary %s: %w: version %d, read as %d", nm.ID, errs.Conflict, old.mem.Version, nm.expect)
	}
	binary.BigEndian.PutUint64(nm.record[seqOffset:], old.seq)
	return Updated, memories.Put(nm.key, nm.record)
}

// PrepareSummary encodes a summary for Tx.InsertMemory: a memory that replaces the memory of its ID,
// whose version must then be expect (0: it must not exist yet). m carries its own properties and
// metadata, and m.Version should be expect+1.
func PrepareSummary(m memory.Memory, key [16]byte, expect int) NewMemory {
	rec := memoryRecord{mem: m}
	return NewMemory{
		ID: m.ID, key: key[:], record: encodeMemory(&rec), scope: Scope{m.Group, m.UserID}.prefix(),
		upsert: true, expect: expect,
	}
}

// AttrsOf reports which of the runs keep properties or metadata for their memories to share.
func (s *Store) AttrsOf(runIDs []string) (map[string]bool, error) {
	out := make(map[string]bool, len(runIDs))
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAttrs)
		for _, id := range runIDs {
			key, err := idBytes("run id", id)
			if err != nil {
				return err
			}
			out[id] = b.Get(key) != nil
		}
		return nil
	})
	return out, err
}

// EnsureAttrs stores the run's properties and metadata for its memories to share, if the run has
// any and they are not stored yet (a run added by an older version kept them only in its record).
func (t *Tx) EnsureAttrs(runID string, properties, metadata map[string]string) error {
	if len(properties) == 0 && len(metadata) == 0 {
		return nil
	}
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	b := t.tx.Bucket(bucketAttrs)
	if b.Get(key) != nil {
		return nil
	}
	return b.Put(key, encodeAttrs(properties, metadata))
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
			return Reject(err)
		}
		if err := newAttrsCache(t.tx).resolve(&rec); err != nil {
			return Reject(err)
		}
		m := &rec.mem
		scope := Scope{m.Group, m.UserID}
		if err := t.tx.Bucket(bucketMemScope).Delete(memScopeKey(scope, rec.seq, key)); err != nil {
			return err
		}
		ck := ContentKey(scope, m.Properties, m.Content) // a summary has none; then nothing matches
		if owner := t.tx.Bucket(bucketMemContent).Get(ck); bytes.Equal(owner, key) {
			if err := t.tx.Bucket(bucketMemContent).Delete(ck); err != nil {
				return err
			}
		}
		return t.tx.Bucket(bucketMemories).Delete(key)
	})
}
