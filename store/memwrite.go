package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
)

// NewMemory is a memory encoded for insertion, with its keys, its terms and the row of its history,
// all computed before the transaction (hashing, analysing and encoding are the costly part of a
// commit, and the writer is shared).
type NewMemory struct {
	ID         string        // the memory's ID
	key        []byte        // and as a key
	record     []byte        // encoded, with its sequence number left for InsertMemory to fill in
	scope      []byte        // the scope's key prefix
	entry      []byte        // its scope index entry (see scopeEntry)
	contentKey []byte        // nil for a summary, which is not de-duplicated by content
	postings   [][]byte      // its term index keys (see postingKeys), sorted
	termsHash  []byte        // the hash of its properties and topic, which its postings carry
	change     memory.Change // its history's first row
	changeKey  []byte        // that row's key and value (see encodeChange)
	changeRow  []byte
	upsert     bool // a summary: replaces the memory of its ID, whose version must be expect
	expect     int
	vector     []byte // encoded (encodeVector); nil: none
}

// Content returns the content of the memory nm inserts; "" for the zero NewMemory, which inserts none.
func (nm *NewMemory) Content() string { return nm.change.NewContent }

// SetVector gives the memory its vector (the embedder's, of its content), which is stored scaled to
// unit length; an empty or all-zero vector stores none.
func (nm *NewMemory) SetVector(v []float32) { nm.vector = encodeVector(v) }

// Change says what Tx.InsertMemory did.
type Change int

// The changes.
const (
	Unchanged Change = iota // the scope holds the content already
	Created
	Updated
)

// terms returns the index terms of a content (Options.Terms).
func (s *Store) terms(content string) []string {
	if s.opts.Terms == nil {
		return nil
	}
	return s.opts.Terms(content)
}

// PrepareMemory encodes m, whose ID is key, for Tx.InsertMemory; contentKey is its content's key
// (see ContentKeyer), terms its index terms (Store.Terms of its content, which nil computes), runID
// the run that makes it (for its history) and reason why (a reconciler's).
// With attrsRun, the 16-byte ID of the run m comes from, m's Properties and Metadata are those the
// run was added with, and the record refers to the run's copy (see Tx.EnsureAttrs) instead of
// holding its own.
func (s *Store) PrepareMemory(m memory.Memory, key [16]byte, attrsRun, contentKey []byte, terms []string, runID, reason string) NewMemory {
	rec := memoryRecord{mem: m}
	if terms == nil {
		terms = s.terms(m.Content)
	}
	if attrsRun != nil && (len(m.Properties) > 0 || len(m.Metadata) > 0) {
		rec.attrsRun = attrsRun
	}
	scope := Scope{m.Group, m.UserID}.prefix()
	nm := NewMemory{
		ID: m.ID, key: key[:], record: encodeMemory(&rec), scope: scope,
		entry: scopeEntry(m.SupersededBy, m.ExpiresAt), contentKey: contentKey,
		postings: postingKeys(scope, terms, key[:]), termsHash: termsHash(m.Properties, m.Topic),
		change: memory.Change{MemoryID: m.ID, Operation: memory.ChangeCreate, NewContent: m.Content, RunID: runID,
			Version: m.Version, Reason: reason, At: m.CreatedAt},
	}
	nm.changeKey, nm.changeRow = encodeChange(key[:], &nm.change)
	return nm
}

// PrepareSummary encodes a summary for Tx.InsertMemory: a memory that replaces the memory of its ID,
// whose version must then be expect (0: it must not exist yet). m carries its own properties and
// metadata, and m.Version should be expect+1.
func (s *Store) PrepareSummary(m memory.Memory, key [16]byte, expect int, runID string) NewMemory {
	nm := s.PrepareMemory(m, key, nil, nil, nil, runID, "")
	nm.upsert, nm.expect = true, expect
	nm.change.At = m.UpdatedAt
	nm.changeKey, nm.changeRow = encodeChange(key[:], &nm.change)
	return nm
}

// Terms returns the index terms of a content, as the store indexes memories (Options.Terms).
func (s *Store) Terms(content string) []string { return s.terms(content) }

// ContentOwner returns the ID of the live memory that holds the content of nm, or "".
func (t *Tx) ContentOwner(nm *NewMemory) string {
	if v := t.liveOwner(nm.contentKey, nm.change.At); v != nil {
		return uuidString(v)
	}
	return ""
}

// liveOwner returns the key of the memory the content index names for contentKey, unless there is
// none or it is expired at now (or unreadable): a statement whose memory expired may be stored again,
// and its new memory takes the index entry over.
func (t *Tx) liveOwner(contentKey []byte, now time.Time) []byte {
	owner := t.tx.Bucket(bucketMemContent).Get(contentKey)
	if owner == nil {
		return nil
	}
	rec, err := readMemory(t.tx, owner, "")
	if err != nil || rec.mem.Hidden(now) {
		return nil
	}
	return owner
}

// InsertMemory stores a prepared memory, its index entries and the first row of its history, unless
// its scope already holds its content (Unchanged: nothing is written). The memory's ID must be new:
// the pipeline derives it from the run, the fact and its content, so the content check already
// refuses a replayed insert, and the ID is not looked up again. A summary (PrepareSummary) is
// created or updated in place instead.
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

// putNewMemory gives nm the next sequence number and stores it with its scope index entry, its
// terms and its first history row.
func (t *Tx) putNewMemory(nm *NewMemory) error {
	memories := t.tx.Bucket(bucketMemories)
	seq, err := memories.NextSequence()
	if err != nil {
		return err
	}
	binary.BigEndian.PutUint64(nm.record[seqOffset:], seq)
	if memories.Get(nm.key) != nil {
		// A memory's ID derives from its run and fact, and a commit that landed is never made
		// again: an ID already there is two facts' IDs colliding, which must not overwrite one.
		return fmt.Errorf("memory %s: the ID is taken by another memory", uuidString(nm.key))
	}
	if err := memories.Put(nm.key, nm.record); err != nil {
		return err
	}
	if err := t.tx.Bucket(bucketMemScope).Put(memScopeKeyOf(nm.scope, seq, nm.key), nm.entry); err != nil {
		return err
	}
	if err := t.putPostings(nm.postings, nm.termsHash); err != nil {
		return err
	}
	if err := t.putVector(nm.key, nm.vector); err != nil {
		return err
	}
	t.touch(nm.key)
	return t.tx.Bucket(bucketHistory).Put(nm.changeKey, nm.changeRow)
}

func memScopeKeyOf(scope []byte, seq uint64, key []byte) []byte {
	k := binary.BigEndian.AppendUint64(append(make([]byte, 0, len(scope)+24), scope...), seq)
	return append(k, key...)
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
	if err := memories.Put(nm.key, nm.record); err != nil {
		return Unchanged, err
	}
	if err := t.dropTerms(nm.scope, t.s.terms(old.mem.Content), nm.key); err != nil {
		return Unchanged, err
	}
	if err := t.putPostings(nm.postings, nm.termsHash); err != nil {
		return Unchanged, err
	}
	if err := t.putVector(nm.key, nm.vector); err != nil {
		return Unchanged, err
	}
	t.touch(nm.key)
	ch := nm.change
	ch.Operation, ch.OldContent = memory.ChangeUpdate, old.mem.Content
	return Updated, t.putChange(&ch)
}

// ErrContentTaken is returned by Tx.UpdateMemory when the new content is already another memory's
// in the scope.
var ErrContentTaken = errors.New("the content is another memory's already")

// MemoryUpdate is a change of a memory's content in place.
type MemoryUpdate struct {
	ID string
	// Expect is the version the memory must have (a compare-and-set), or -1 for any.
	Expect  int
	Content string
	// Sources are added to the memory's; EventTime replaces its own if later.
	Sources   []memory.Source
	EventTime time.Time
	// Vector is the embedder's vector of Content, stored in place of the memory's when the content
	// changes (nil: the memory has no vector from then on).
	Vector []float32
	// ExpiresAt replaces the memory's expiry when set; NoExpiry removes it.
	ExpiresAt time.Time
	NoExpiry  bool
	// RunID and Reason go to the history row ("api" for the application's own edits).
	RunID  string
	Reason string
	Now    time.Time
}

// UpdateMemory changes a memory's content in place (its version grows; its ID, place and creation
// stay) with its index entries, and adds the change to its history. It returns an error wrapping
// ErrNotFound for no such memory, ErrConflict for a superseded one or a version other than u.Expect,
// and ErrContentTaken (wrapping ErrConflict) if another memory of the scope holds the new content.
// An update that changes nothing (the same content, expiry, sources and event time) writes nothing
// and returns the memory as it is, its version unchanged.
func (t *Tx) UpdateMemory(u *MemoryUpdate) (memory.Memory, error) {
	key, rec, err := t.liveMemory(u.ID, u.Expect)
	if err != nil {
		return memory.Memory{}, err
	}
	m := &rec.mem
	expires := m.ExpiresAt
	switch {
	case u.NoExpiry:
		expires = time.Time{}
	case !u.ExpiresAt.IsZero():
		expires = u.ExpiresAt
	}
	if u.Content == m.Content && expires.Equal(m.ExpiresAt) && !u.EventTime.After(m.EventTime) &&
		!slices.ContainsFunc(u.Sources, func(s memory.Source) bool { return !slices.Contains(m.Sources, s) }) {
		return *m, nil // nothing changes: nothing is written
	}
	scope := Scope{m.Group, m.UserID}
	oldKey := ContentKey(scope, m.Properties, m.Content)
	newKey := ContentKey(scope, m.Properties, u.Content)
	contents := t.tx.Bucket(bucketMemContent)
	if owner := t.liveOwner(newKey, u.Now); owner != nil && !bytes.Equal(owner, key) {
		return memory.Memory{}, fmt.Errorf("memory %s: %w: %w (memory %s)", u.ID, errs.Conflict, ErrContentTaken, uuidString(owner))
	}
	if owner := contents.Get(oldKey); bytes.Equal(owner, key) {
		if err := contents.Delete(oldKey); err != nil {
			return memory.Memory{}, err
		}
	}
	if err := contents.Put(newKey, key); err != nil {
		return memory.Memory{}, err
	}
	if err := t.dropTerms(scope.prefix(), t.s.terms(m.Content), key); err != nil {
		return memory.Memory{}, err
	}
	if u.Content != m.Content {
		if err := t.putVector(key, encodeVector(u.Vector)); err != nil {
			return memory.Memory{}, err
		}
	}
	t.touch(key)
	old := m.Content
	m.Content = u.Content
	m.Version++
	m.UpdatedAt = u.Now
	for _, src := range u.Sources {
		if !slices.Contains(m.Sources, src) {
			m.Sources = append(m.Sources, src)
		}
	}
	if u.EventTime.After(m.EventTime) {
		m.EventTime = u.EventTime
	}
	m.ExpiresAt = expires
	if err := t.putTerms(scope.prefix(), t.s.terms(m.Content), key, termsHash(m.Properties, m.Topic)); err != nil {
		return memory.Memory{}, err
	}
	if err := t.rewriteMemory(key, &rec); err != nil {
		return memory.Memory{}, err
	}
	return *m, t.putChange(&memory.Change{MemoryID: u.ID, Operation: memory.ChangeUpdate, OldContent: old, NewContent: m.Content,
		RunID: u.RunID, Version: m.Version, Reason: u.Reason, At: u.Now})
}

// SupersedeMemory marks memory id superseded by the memory successor (whose content says what
// contradicted it): it stays readable by ID, leaves its scope's listings, content index and terms,
// and its history says so. The compare-and-set and errors are UpdateMemory's.
func (t *Tx) SupersedeMemory(id string, expect int, successor, successorContent, runID, reason string, now time.Time) (memory.Memory, error) {
	key, rec, err := t.liveMemory(id, expect)
	if err != nil {
		return memory.Memory{}, err
	}
	m := &rec.mem
	scope := Scope{m.Group, m.UserID}
	if err := t.dropContent(scope, key, m); err != nil {
		return memory.Memory{}, err
	}
	if err := t.putVector(key, nil); err != nil {
		return memory.Memory{}, err
	}
	t.touch(key)
	m.SupersededBy, m.SupersededAt = successor, now
	m.Version++
	m.UpdatedAt = now
	if err := t.rewriteMemory(key, &rec); err != nil {
		return memory.Memory{}, err
	}
	return *m, t.putChange(&memory.Change{MemoryID: id, Operation: memory.ChangeSupersede, OldContent: m.Content,
		NewContent: successorContent, SupersededBy: successor, RunID: runID, Version: m.Version, Reason: reason, At: now})
}

// liveMemory reads a memory to change: it must exist, not be superseded, and have version expect
// (unless expect is -1).
func (t *Tx) liveMemory(id string, expect int) ([]byte, memoryRecord, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return nil, memoryRecord{}, err
	}
	rec, err := readMemory(t.tx, key, id)
	if err == nil {
		err = newAttrsCache(t.tx).resolve(&rec)
	}
	switch {
	case err != nil:
		return nil, memoryRecord{}, err
	case rec.mem.SupersededBy != "":
		return nil, memoryRecord{}, fmt.Errorf("memory %s: %w: superseded by %s", id, errs.Conflict, rec.mem.SupersededBy)
	case expect >= 0 && rec.mem.Version != expect:
		return nil, memoryRecord{}, fmt.Errorf("memory %s: %w: version %d, read as %d", id, errs.Conflict, rec.mem.Version, expect)
	}
	return key, rec, nil
}

// CheckMemory returns the error UpdateMemory or SupersedeMemory would meet on memory id before
// writing anything (no such memory, superseded, another version than expect), or nil. A write that
// checks its targets first can reject itself (see Reject) rather than fail half-way.
func (t *Tx) CheckMemory(id string, expect int) error {
	_, _, err := t.liveMemory(id, expect)
	return err
}

// rewriteMemory stores a changed memory record in place, with its scope index entry.
func (t *Tx) rewriteMemory(key []byte, rec *memoryRecord) error {
	m := &rec.mem
	v := encodeMemory(rec) // a memory sharing its run's attributes still refers to them
	binary.BigEndian.PutUint64(v[seqOffset:], rec.seq)
	if err := t.tx.Bucket(bucketMemories).Put(key, v); err != nil {
		return err
	}
	scope := Scope{m.Group, m.UserID}
	return t.tx.Bucket(bucketMemScope).Put(memScopeKey(scope, rec.seq, key), scopeEntry(m.SupersededBy, m.ExpiresAt))
}

// dropContent removes a memory from its scope's content index (if it owns its content) and terms.
func (t *Tx) dropContent(scope Scope, key []byte, m *memory.Memory) error {
	ck := ContentKey(scope, m.Properties, m.Content) // a summary has none; then nothing matches
	contents := t.tx.Bucket(bucketMemContent)
	if owner := contents.Get(ck); bytes.Equal(owner, key) {
		if err := contents.Delete(ck); err != nil {
			return err
		}
	}
	if m.SupersededBy != "" {
		return nil // its terms went when it was superseded
	}
	return t.dropTerms(scope.prefix(), t.s.terms(m.Content), key)
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

// UpdateMemory changes a memory in a write of its own (the application's edit): see Tx.UpdateMemory.
func (s *Store) UpdateMemory(u *MemoryUpdate) (memory.Memory, error) {
	var out memory.Memory
	err := s.writer.do(func(t *Tx) error {
		var err error
		out, err = t.UpdateMemory(u)
		return rejectChecks(err)
	})
	return out, err
}

// rejectChecks marks the errors of a memory's checks (no such memory, superseded, another version,
// damaged, malformed ID), which a write that changes one memory meets before it writes anything, as
// rejections (see Reject); any other error stays as it is.
func rejectChecks(err error) error {
	for _, check := range []error{errs.NotFound, errs.Conflict, errs.Corrupt, errs.InvalidInput} {
		if errors.Is(err, check) {
			return Reject(err)
		}
	}
	return err
}

// DeleteMemory removes a memory and its index entries, keeping its history, to which it adds the
// deletion (by runID, at now). It returns an error wrapping ErrNotFound for no such memory.
func (s *Store) DeleteMemory(id, runID string, now time.Time) error {
	return s.writer.do(func(t *Tx) error {
		key, rec, err := t.readForRemoval(id)
		if err != nil {
			return rejectChecks(err)
		}
		if err := t.removeMemory(key, &rec); err != nil {
			return err
		}
		return t.putChange(&memory.Change{MemoryID: id, Operation: memory.ChangeDelete, OldContent: rec.mem.Content,
			RunID: runID, Version: rec.mem.Version, At: now})
	})
}

// PurgeMemory removes a memory, its index entries and its history for good. It returns an error
// wrapping ErrNotFound if there is neither the memory nor a history of it.
func (s *Store) PurgeMemory(id string) error {
	return s.writer.do(func(t *Tx) error {
		key, rec, err := t.readForRemoval(id)
		switch {
		case err == nil:
			if err := t.removeMemory(key, &rec); err != nil {
				return err
			}
		case !errors.Is(err, errs.NotFound):
			return rejectChecks(err)
		default:
			if k, _ := t.tx.Bucket(bucketHistory).Cursor().Seek(key); k == nil || !bytes.HasPrefix(k, key) {
				return Reject(err)
			}
		}
		return t.dropHistory(key)
	})
}

// readForRemoval reads a memory about to be removed; its key comes back with ErrNotFound too.
func (t *Tx) readForRemoval(id string) ([]byte, memoryRecord, error) {
	key, err := idBytes("memory id", id)
	if err != nil {
		return key, memoryRecord{}, err
	}
	rec, err := readMemory(t.tx, key, id)
	if err == nil {
		err = newAttrsCache(t.tx).resolve(&rec)
	}
	if err != nil {
		return key, memoryRecord{}, err
	}
	return key, rec, nil
}

// removeMemory deletes a memory's record and index entries.
func (t *Tx) removeMemory(key []byte, rec *memoryRecord) error {
	m := &rec.mem
	scope := Scope{m.Group, m.UserID}
	if err := t.tx.Bucket(bucketMemScope).Delete(memScopeKey(scope, rec.seq, key)); err != nil {
		return err
	}
	if err := t.dropContent(scope, key, m); err != nil {
		return err
	}
	if err := t.putVector(key, nil); err != nil {
		return err
	}
	t.touch(key)
	return t.tx.Bucket(bucketMemories).Delete(key)
}
