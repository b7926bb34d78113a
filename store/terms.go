package store

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"slices"
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
	b := t.tx.Bucket(bucketTerms)
	for _, k := range postingKeys(scope, terms, id) {
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

// scored is a memory ID and how many of a lookup's terms it has.
type scored struct {
	id   [16]byte
	hits int
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
		l := relatedLookup{tx: tx, c: b.Cursor(), prefix: scope.prefix(), properties: properties, now: now,
			hashes: map[string][]byte{}, read: map[[16]byte]*memory.Memory{}, attrs: newAttrsCache(tx),
			hits: map[[16]byte]int{}}
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
	hits map[[16]byte]int // memory ID -> how many of a query's terms it has
	ids  []scored
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
	hits := l.hits
	clear(hits)
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
				hits[[16]byte(k[len(tp):])]++
				kept++
			}
		}
	}
	ids := l.ids[:0]
	for id, n := range hits {
		ids = append(ids, scored{id, n})
	}
	l.ids = ids
	slices.SortFunc(ids, func(a, b scored) int {
		if a.hits != b.hits {
			return b.hits - a.hits
		}
		return bytes.Compare(b.id[:], a.id[:]) // newer first
	})
	var out []memory.Memory
	if len(ids) > 0 {
		out = make([]memory.Memory, 0, min(q.Limit, len(ids)))
	}
	for _, id := range ids {
		if len(out) == q.Limit {
			break
		}
		if m := l.memory(id.id); m != nil {
			out = append(out, *m)
		}
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
