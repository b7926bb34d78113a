package store

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"maps"
	"slices"
	"sort"
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
	termScan = 256
	termKeep = 64
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

// putTerms indexes memory id (its scope prefix, terms and properties-and-topic hash).
func (t *Tx) putTerms(scope []byte, terms []string, id, hash []byte) error {
	b := t.tx.Bucket(bucketTerms)
	for _, term := range terms {
		if err := b.Put(append(termPrefix(scope, term), id...), hash); err != nil {
			return err
		}
	}
	return nil
}

// dropTerms removes memory id's postings.
func (t *Tx) dropTerms(scope []byte, terms []string, id []byte) error {
	b := t.tx.Bucket(bucketTerms)
	for _, term := range terms {
		if err := b.Delete(append(termPrefix(scope, term), id...)); err != nil {
			return err
		}
	}
	return nil
}

// Related returns up to limit memories of the scope, with these properties and topic, that share
// the most of terms, the newer first among equals; superseded, deleted and (at time now) expired
// memories are not among them. Its cost does not grow with the scope (see termScan).
func (s *Store) Related(scope Scope, properties map[string]string, topic string, terms []string, limit int, now time.Time) ([]memory.Memory, error) {
	if len(terms) == 0 || limit <= 0 {
		return nil, nil
	}
	prefix := scope.prefix()
	want := termsHash(properties, topic)
	var out []memory.Memory
	err := s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		b := tx.Bucket(bucketTerms)
		if b == nil {
			return nil
		}
		hits := map[string]int{}
		c := b.Cursor()
		for _, term := range terms {
			tp := termPrefix(prefix, term)
			end := append(bytes.Clone(tp), bytes.Repeat([]byte{0xff}, 17)...)
			k, v := c.Seek(end)
			if k == nil {
				k, v = c.Last()
			} else {
				k, v = c.Prev()
			}
			for scanned, kept := 0, 0; k != nil && bytes.HasPrefix(k, tp) && scanned < termScan && kept < termKeep; k, v = c.Prev() {
				scanned++
				if len(k) == len(tp)+16 && bytes.Equal(v, want) {
					hits[string(k[len(tp):])]++
					kept++
				}
			}
		}
		ids := slices.Collect(maps.Keys(hits))
		sort.Slice(ids, func(i, j int) bool {
			if hits[ids[i]] != hits[ids[j]] {
				return hits[ids[i]] > hits[ids[j]]
			}
			return ids[i] > ids[j] // newer first
		})
		attrs := newAttrsCache(tx)
		for _, id := range ids {
			if len(out) == limit {
				break
			}
			rec, err := readMemory(tx, []byte(id), uuidString([]byte(id)))
			if err != nil {
				continue // deleted since (its postings go with it), or damaged: not related
			}
			if rec.mem.Hidden(now) || attrs.resolve(&rec) != nil {
				continue
			}
			out = append(out, rec.mem)
		}
		return nil
	})
	return out, err
}
