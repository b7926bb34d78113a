package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/memory"
)

// The term index (bucketTerms) lists, for each scope (group and user) and term, the memories whose
// content has the term: key scope prefix + term (length-prefixed) + memory ID, value an 8-byte hash
// of the memory's properties and topic, so that a lookup keeps to memories of one set of properties
// and topic without reading the others. Memory IDs sort by time, so a term's newest memories come
// last. The terms are those of Options.Terms; a superseded or deleted memory has none.

// Lookup bounds, per term: postings read, and postings of the wanted properties and topic kept. They
// keep a lookup's cost flat however many memories share a common term; the rarer terms of a fact
// find its related memories.
const (
	termScan = 128
	termKeep = 32
)

// termsHash is the hash of a memory's properties and topic that its postings carry.
func termsHash(properties map[string]string, topic string) []byte {
	h := fnv.New64a()
	for _, k := range slices.Sorted(maps.Keys(properties)) {
		binary.Write(h, binary.BigEndian, uint64(len(k)))
		h.Write([]byte(k))
		v := properties[k]
		binary.Write(h, binary.BigEndian, uint64(len(v)))
		h.Write([]byte(v))
	}
	h.Write([]byte{0})
	h.Write([]byte(topic))
	return h.Sum(nil)
}

// termPrefix is the key prefix of a term's postings in a scope.
func termPrefix(scope []byte, term string) []byte {
	k := append(make([]byte, 0, len(scope)+len(term)+2+16), scope...)
	k = binary.AppendUvarint(k, uint64(len(term)))
	return append(k, term...)
}

// postingKeys returns the keys of memory id's postings, sorted: bbolt inserts keys in order at the
// end of a node, but keys in random order each into the middle, which costs a copy of the node per
// key (quadratic for a memory with thousands of terms).
func postingKeys(scope []byte, terms []string, id []byte) [][]byte {
	size := 0
	for _, term := range terms {
		size += len(scope) + binary.MaxVarintLen64 + len(term) + len(id)
	}
	buf := make([]byte, 0, size) // every key in one allocation
	keys := make([][]byte, len(terms))
	for i, term := range terms {
		start := len(buf)
		buf = append(buf, scope...)
		buf = binary.AppendUvarint(buf, uint64(len(term)))
		buf = append(buf, term...)
		buf = append(buf, id...)
		keys[i] = buf[start:len(buf):len(buf)]
	}
	slices.SortFunc(keys, bytes.Compare)
	return keys
}

// putTerms indexes memory id (its scope prefix, terms and properties-and-topic hash).
func (t *Tx) putTerms(scope []byte, terms []string, id, hash []byte) error {
	return t.putPostings(postingKeys(scope, terms, id), hash)
}

// putPostings stores a memory's posting keys (postingKeys), each with its properties-and-topic hash.
func (t *Tx) putPostings(keys [][]byte, hash []byte) error {
	b := t.tx.Bucket(bucketTerms)
	for _, k := range keys {
		if err := b.Put(k, hash); err != nil {
			return err
		}
	}
	return nil
}

// dropTerms removes memory id's postings.
func (t *Tx) dropTerms(scope []byte, terms []string, id []byte) error {
	b := t.tx.Bucket(bucketTerms)
	for _, k := range postingKeys(scope, terms, id) {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// memID is a memory ID as two big-endian halves, which compare as the 16 bytes do, but faster.
type memID struct{ hi, lo uint64 }

// idOf reads the 16 bytes of a memory ID.
func idOf(b []byte) memID {
	return memID{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])}
}

// bytes returns the ID as its 16 bytes.
func (id memID) bytes() [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], id.hi)
	binary.BigEndian.PutUint64(b[8:], id.lo)
	return b
}

// hitCounter counts, for one query, how many of its terms each memory found has: an open-addressing
// table over the IDs' random low bits, reused from query to query (a map would grow again for each).
type hitCounter struct {
	slots []int32  // 0: empty; i+1: found[i]. Its length is a power of two.
	found []scored // the memories found, in the order they were
}

// hitCounters keeps the counters of lookups done, for the next: a counter's table is sized for the
// longest query it counted.
var hitCounters = sync.Pool{New: func() any { return new(hitCounter) }}

// reset empties the counter for a query that finds at most n postings.
func (h *hitCounter) reset(n int) {
	size := 16
	for size < 2*n {
		size *= 2
	}
	if cap(h.slots) < size {
		h.slots = make([]int32, size)
	} else {
		h.slots = h.slots[:size]
		clear(h.slots)
	}
	h.found = h.found[:0]
}

// add counts a posting of memory id.
func (h *hitCounter) add(id memID) {
	mask := uint64(len(h.slots) - 1)
	for i := id.lo & mask; ; i = (i + 1) & mask {
		switch j := h.slots[i]; {
		case j == 0:
			h.found = append(h.found, scored{id, 1})
			h.slots[i] = int32(len(h.found))
			return
		case h.found[j-1].id == id:
			h.found[j-1].hits++
			return
		}
	}
}

// compareIDs orders memory IDs as their bytes do: by time.
func compareIDs(a, b memID) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	return cmp.Compare(a.lo, b.lo)
}

// scored is a memory ID and how many of a lookup's terms it has.
type scored struct {
	id   memID
	hits int
}

// better reports whether a comes before b among related memories: it has more of the lookup's
// terms, or as many and is newer (memory IDs sort by time).
func (a *scored) better(b *scored) bool {
	if a.hits != b.hits {
		return a.hits > b.hits
	}
	return compareIDs(a.id, b.id) > 0
}

// selectBest moves the k best of ids to its start, best first; the order of the rest is left
// undefined. It costs len(ids) x k comparisons: a lookup keeps a few of the hundreds it finds.
func selectBest(ids []scored, k int) {
	for i := range k {
		best := i
		for j := i + 1; j < len(ids); j++ {
			if ids[j].better(&ids[best]) {
				best = j
			}
		}
		ids[i], ids[best] = ids[best], ids[i]
	}
}

// RelatedQuery is one lookup of Related: a fact's topic and index terms, and how many memories it
// wants at most.
type RelatedQuery struct {
	Topic string
	Terms []string
	Limit int
}

// Related answers queries about one scope and set of properties, in one read transaction: for each,
// up to its Limit memories of the scope, with these properties and its topic, that share the most of
// its terms, the newer first among equals. Superseded, deleted and (at time now) expired memories are
// not among them. A query's cost does not grow with the scope (see termScan).
func (s *Store) Related(scope Scope, properties map[string]string, queries []RelatedQuery, now time.Time) ([][]memory.Memory, error) {
	out := make([][]memory.Memory, len(queries))
	err := s.view(func(tx *bolt.Tx) error {
		clear(out)
		b := tx.Bucket(bucketTerms)
		if b == nil {
			return nil
		}
		hits := hitCounters.Get().(*hitCounter)
		defer hitCounters.Put(hits)
		l := relatedLookup{tx: tx, c: b.Cursor(), prefix: scope.prefix(), properties: properties, now: now,
			hashes: map[string][]byte{}, read: map[[16]byte]*memory.Memory{}, attrs: newAttrsCache(tx), hits: hits}
		for i, q := range queries {
			if len(q.Terms) > 0 && q.Limit > 0 {
				out[i] = l.find(&q)
			}
		}
		return nil
	})
	return out, err
}

// relatedLookup is the state Related's queries share: the cursor, and the hashes and memories read
// so far (facts of one run relate to the same memories again and again).
type relatedLookup struct {
	tx         *bolt.Tx
	c          *bolt.Cursor
	prefix     []byte
	properties map[string]string
	now        time.Time
	hashes     map[string][]byte           // topic -> hash of properties and topic
	read       map[[16]byte]*memory.Memory // nil: deleted, damaged or hidden
	attrs      *attrsCache
	// scratch
	hits *hitCounter
	end  []byte
}

// afterPostings follows every posting key of a term prefix: a memory ID is 16 bytes, and the
// seventeenth 0xff byte sorts after any of them.
var afterPostings = [17]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// find answers one query.
func (l *relatedLookup) find(q *RelatedQuery) []memory.Memory {
	want, ok := l.hashes[q.Topic]
	if !ok {
		want = termsHash(l.properties, q.Topic)
		l.hashes[q.Topic] = want
	}
	l.hits.reset(len(q.Terms) * termKeep)
	for _, term := range q.Terms {
		tp := termPrefix(l.prefix, term)
		end := append(l.end[:0], tp...)
		end = append(end, afterPostings[:]...)
		l.end = end
		k, v := l.c.Seek(end)
		if k == nil {
			k, v = l.c.Last()
		} else {
			k, v = l.c.Prev()
		}
		for scanned, kept := 0, 0; k != nil && bytes.HasPrefix(k, tp) && scanned < termScan && kept < termKeep; k, v = l.c.Prev() {
			scanned++
			if len(k) == len(tp)+16 && bytes.Equal(v, want) {
				l.hits.add(idOf(k[len(tp):]))
				kept++
			}
		}
	}
	ids := l.hits.found
	// The best first, as many as are still wanted at a time: a fact wants a few of the hundreds
	// of memories its terms find, and some may turn out hidden.
	if len(ids) == 0 {
		return nil
	}
	out := make([]memory.Memory, 0, min(q.Limit, len(ids))) // a memory is some 260 bytes: grown by appends, 2x that
	for len(out) < q.Limit && len(ids) > 0 {
		k := min(len(ids), q.Limit-len(out))
		selectBest(ids, k)
		for _, id := range ids[:k] {
			if m := l.memory(id.id.bytes()); m != nil {
				out = append(out, *m)
			}
		}
		ids = ids[k:]
	}
	if len(out) == 0 {
		return nil // none, however many postings were read
	}
	return out
}

// memory reads memory id, or returns nil if it is gone since its postings were read (they go with
// it), damaged, superseded or expired: none of those is related.
func (l *relatedLookup) memory(id [16]byte) *memory.Memory {
	if m, ok := l.read[id]; ok {
		return m
	}
	var m *memory.Memory
	if rec, err := readMemory(l.tx, id[:], uuidString(id[:])); err == nil && !rec.mem.Hidden(l.now) && l.attrs.resolve(&rec) == nil {
		m = &rec.mem
	}
	l.read[id] = m
	return m
}
