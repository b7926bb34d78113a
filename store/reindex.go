package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// reindexBatch is how many memories Reindex embeds and writes at a time.
const reindexBatch = 256

// Reindex gives every memory that is not superseded a vector from embed (called with up to
// reindexBatch contents at a time), in bounded transactions, and then records e as the file's
// embedder. It is recorded as under way first (see Embedder), so that a reindex cut short is seen
// at the next Open and can be run again from the start. progress, if not nil, is called after each
// batch with the memories done and their total.
func (s *Store) Reindex(e EmbedderInfo, embed func([]string) ([][]float32, error), progress func(done, total int)) error {
	total := 0
	if err := s.view(func(tx *bolt.Tx) error {
		total = tx.Bucket(bucketMemories).Stats().KeyN
		return nil
	}); err != nil {
		return err
	}
	if err := s.writer.do(func(t *Tx) error {
		return t.tx.Bucket(bucketMeta).Put(reindexingKey, encodeEmbedder(e))
	}); err != nil {
		return err
	}
	var after []byte
	done := 0
	for {
		var keys [][]byte
		var contents []string
		seen := 0
		err := s.view(func(tx *bolt.Tx) error {
			keys, contents, seen = keys[:0], contents[:0], 0
			c := tx.Bucket(bucketMemories).Cursor()
			k, v := c.First()
			if after != nil {
				if k, v = c.Seek(after); k != nil && bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && seen < reindexBatch; k, v = c.Next() {
				seen++
				after = bytes.Clone(k)
				rec, err := decodeMemory(v)
				if err != nil {
					s.damaged(bucketMemories, k, err)
					continue
				}
				if rec.mem.SupersededBy == "" {
					keys = append(keys, after)
					contents = append(contents, rec.mem.Content)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if seen == 0 {
			break
		}
		if len(contents) > 0 {
			vecs, err := embed(contents)
			if err != nil {
				return fmt.Errorf("reindex: embed: %w", err)
			}
			if len(vecs) != len(contents) {
				return fmt.Errorf("reindex: the embedder returned %d vectors for %d texts", len(vecs), len(contents))
			}
			if err := s.writer.do(func(t *Tx) error {
				for i, key := range keys {
					rec, err := readMemory(t.tx, key, "")
					if err != nil || rec.mem.SupersededBy != "" || rec.mem.Content != contents[i] {
						continue // changed or gone since it was read: its own write stored its vector
					}
					if err := t.putVector(key, encodeVector(vecs[i])); err != nil {
						return err
					}
					t.touch(key)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		done += seen
		if progress != nil {
			progress(min(done, total), total)
		}
	}
	return s.SetEmbedder(e)
}
