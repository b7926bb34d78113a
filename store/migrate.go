package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrateBatch is how many records one migration transaction rewrites.
const migrateBatch = 1000

// migrate brings a file of an older schema to SchemaVersion. From schema 1 it rewrites every run and
// memory record in the format-2 encoding (exact times), a batch per transaction, and then records
// the new version. Schema 3 added the vectors bucket, which init creates; the vectors of a file's
// memories are written by the engine (see Store.Embedder), so from schema 2 only the version changes. Schema 4 added a record format and a bucket that
// init creates, which needs no rewrite either. Memories keep their properties and metadata inline: sharing them per run is for
// new runs. Inputs and checkpoints of schema 1 stay as they are: the pipeline reads both forms.
//
// It can be interrupted at any point: a record already rewritten is skipped when it runs again, and
// until the version changes, this build reads both formats.
func (s *Store) migrate(from byte) error {
	switch from {
	case 1:
		if err := s.migrateFormat1(); err != nil {
			return err
		}
	case 2, 3:
	default:
		return fmt.Errorf("migrate: no path from schema %d", from)
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(schemaKey, []byte{SchemaVersion})
	})
}

// migrateFormat1 rewrites the records of a schema-1 file in the format-2 encoding.
func (s *Store) migrateFormat1() error {
	if err := s.rewrite(bucketRuns, runFormat1, func(v []byte) ([]byte, error) {
		r, spilled, err := decodeRun(v)
		if err != nil {
			return nil, err
		}
		return encodeRun(&r, spilled), nil
	}); err != nil {
		return fmt.Errorf("migrate runs: %w", err)
	}
	if err := s.indexRunScopes(); err != nil {
		return fmt.Errorf("migrate runs: %w", err)
	}
	if err := s.rewrite(bucketMemories, memoryFormat1, func(v []byte) ([]byte, error) {
		rec, err := decodeMemory(v)
		if err != nil {
			return nil, err
		}
		return encodeMemory(&rec), nil
	}); err != nil {
		return fmt.Errorf("migrate memories: %w", err)
	}
	return nil
}

// rewrite re-encodes, with convert, every record of bucket whose first byte is format, in batches.
// A record that cannot be decoded is left as it is and logged: its readers report it as damaged.
func (s *Store) rewrite(bucket []byte, format byte, convert func([]byte) ([]byte, error)) error {
	var after []byte
	for {
		var keys, values [][]byte
		err := s.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucket).Cursor()
			k, v := c.First()
			if after != nil {
				k, v = c.Seek(after)
				if bytes.Equal(k, after) {
					k, v = c.Next()
				}
			}
			for ; k != nil && len(keys) < migrateBatch; k, v = c.Next() {
				after = bytes.Clone(k)
				if len(v) == 0 || v[0] != format {
					continue
				}
				nv, err := convert(v)
				if err != nil {
					s.damaged(bucket, k, err)
					continue
				}
				keys, values = append(keys, after), append(values, nv)
			}
			if k == nil {
				after = nil
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(keys) > 0 {
			err = s.db.Update(func(tx *bolt.Tx) error {
				b := tx.Bucket(bucket)
				for i, k := range keys {
					if err := b.Put(k, values[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
		if after == nil {
			return nil
		}
	}
}

// indexRunScopes puts every run in the index of its scope's runs (bucketRunScope), which schema 1
// did not have.
func (s *Store) indexRunScopes() error {
	var keys [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketRuns).ForEach(func(k, v []byte) error {
			r, _, err := decodeRun(v)
			if err != nil {
				return nil // damaged: its readers say so
			}
			keys = append(keys, append(Scope{r.Group, r.UserID}.prefix(), k...))
			return nil
		})
	})
	for len(keys) > 0 && err == nil {
		n := min(len(keys), migrateBatch)
		err = s.db.Update(func(tx *bolt.Tx) error {
			for _, k := range keys[:n] {
				if err := tx.Bucket(bucketRunScope).Put(k, nil); err != nil {
					return err
				}
			}
			return nil
		})
		keys = keys[n:]
	}
	return err
}
