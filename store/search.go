package store

import (
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/index"
	"github.com/mnemohq/mnemo/memory"
)

// The search index (package index) is kept in memory, built from the file the first time a search
// needs it: the memories' contents (for BM25) and their vectors (bucket vectors), which every write
// stores in the transaction that changes the memory. From then on the writer hands it each
// committed transaction's changed memories, in commit order and before the runs that made them are
// published as done: a search never misses a memory whose run it has seen completed.
//
// Building holds searchState.mu, which the writer also takes to apply a commit: a commit that lands
// while the index is being read waits, and is applied after (applying is idempotent: a memory is
// read again as it is now).
type searchState struct {
	mu    sync.Mutex
	index atomic.Pointer[index.Index]
}

// SearchQuery is one search of a scope.
type SearchQuery struct {
	Scope Scope
	index.Query
}

// SearchHit is one memory a search found.
type SearchHit struct {
	Memory memory.Memory
	index.Hit
}

// Search ranks the memories of q.Scope for q, best first, and returns them: superseded and deleted
// memories are never among them, nor memories expired at q.Now. The first search of a Store builds
// its index (see searchState), which takes a read of every memory.
func (s *Store) Search(q *SearchQuery) ([]SearchHit, error) {
	x, err := s.searchIndex()
	if err != nil {
		return nil, err
	}
	hits := x.Search(string(q.Scope.prefix()), &q.Query)
	out := make([]SearchHit, 0, len(hits))
	err = s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		attrs := newAttrsCache(tx)
		for _, h := range hits {
			rec, err := readMemory(tx, h.ID[:], uuidString(h.ID[:]))
			if err != nil || rec.mem.Hidden(q.Now) || attrs.resolve(&rec) != nil {
				continue // changed since the index was read: a write is about to tell it
			}
			out = append(out, SearchHit{Memory: rec.mem, Hit: h})
		}
		return nil
	})
	return out, err
}

// searchIndex returns the search index, building it on first use.
func (s *Store) searchIndex() (*index.Index, error) {
	if x := s.search.index.Load(); x != nil {
		return x, nil
	}
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	if x := s.search.index.Load(); x != nil {
		return x, nil
	}
	x := index.New(s.opts.Embedder.Dims)
	err := s.view(func(tx *bolt.Tx) error {
		attrs := newAttrsCache(tx)
		vectors := tx.Bucket(bucketVectors)
		c := tx.Bucket(bucketMemories).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			rec, err := decodeMemory(v)
			if err == nil {
				err = attrs.resolve(&rec)
			}
			if err != nil {
				s.damaged(bucketMemories, k, err)
				continue
			}
			if rec.mem.SupersededBy != "" {
				continue
			}
			s.indexPut(x, k, &rec, vectors)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.search.index.Store(x)
	return x, nil
}

// indexPut puts memory key, read as rec, into x.
func (s *Store) indexPut(x *index.Index, key []byte, rec *memoryRecord, vectors *bolt.Bucket) {
	c := s.indexChange(key, rec, vectors)
	x.Put(c.Scope, &c.Doc)
}

// indexChange is the change of the index that puts memory key, read as rec.
func (s *Store) indexChange(key []byte, rec *memoryRecord, vectors *bolt.Bucket) index.Change {
	m := &rec.mem
	d := index.Doc{ID: [16]byte(key), Seq: rec.seq, Properties: m.Properties, Topic: m.Topic, ExpiresAt: m.ExpiresAt, Text: m.Content}
	if vectors != nil {
		d.Vector = decodeVector(vectors.Get(key), s.opts.Embedder.Dims)
	}
	return index.Change{Scope: string(Scope{m.Group, m.UserID}.prefix()), Doc: d}
}

// refreshIndex applies to the search index, if it is built, the memories the committed ops changed:
// each is read again as the file holds it now.
func (s *Store) refreshIndex(ops []*writeOp) {
	n := 0
	for _, op := range ops {
		n += len(op.touched)
	}
	if n == 0 || s.search.index.Load() == nil {
		return
	}
	s.search.mu.Lock()
	defer s.search.mu.Unlock()
	x := s.search.index.Load()
	changes := make([]index.Change, 0, n)
	err := s.view(func(tx *bolt.Tx) error {
		changes = changes[:0]
		attrs := newAttrsCache(tx)
		vectors := tx.Bucket(bucketVectors)
		for _, op := range ops {
			for _, key := range op.touched {
				rec, err := readMemory(tx, key[:], "")
				if err == nil {
					err = attrs.resolve(&rec)
				}
				if err != nil || rec.mem.SupersededBy != "" {
					changes = append(changes, index.Change{Doc: index.Doc{ID: key}, Remove: true})
					continue
				}
				changes = append(changes, s.indexChange(key[:], &rec, vectors))
			}
		}
		return nil
	})
	if err == nil {
		x.Apply(changes) // the commit's memories reach searches together, in one hold of the index
	}
	if err != nil {
		// The index can no longer be trusted to match the file: drop it, and let the next search
		// build it again.
		s.opts.Logger.Error("mnemo: search index dropped; the next search rebuilds it", "err", err)
		s.search.index.Store(nil)
	}
}
