package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
)

// purgeBatch is how many records one purge transaction deletes at most.
const purgeBatch = 500

// PurgeReport says what PurgeUser removed.
type PurgeReport struct {
	Runs     int
	Memories int
}

// PurgeUser erases everything of one user in a group, for good: every memory (superseded and
// expired ones too) with its history and index entries, every run with its input, checkpoints,
// operations and document IDs, and the items of its buffers. It works in transactions of a bounded
// size, so other writers go on meanwhile, and it can be interrupted: a record of the purge is written
// first and removed last; until then an Add to the scope is refused (ErrConflict), and ResumePurges
// (at Open) finishes an interrupted one. A run of the user that a worker is processing stops at its
// next write, finding itself gone.
func (s *Store) PurgeUser(group, userID string) (PurgeReport, error) {
	scope := Scope{group, userID}
	prefix := scope.prefix()
	e := codec.Encoder{}
	e.Str(group)
	e.Str(userID)
	if err := s.writer.do(func(t *Tx) error { return t.tx.Bucket(bucketPurges).Put(prefix, e.B) }); err != nil {
		return PurgeReport{}, err
	}
	var rep PurgeReport
	for _, step := range []func() (int, error){
		func() (int, error) { n, err := s.purgeRuns(prefix); rep.Runs += n; return n, err },
		func() (int, error) { n, err := s.purgeMemories(prefix); rep.Memories += n; return n, err },
		func() (int, error) { return s.purgePrefix(bucketTerms, prefix) },
		func() (int, error) { return s.purgePrefix(bucketMemContent, prefix) },
		func() (int, error) { return s.purgePrefix(bucketDocuments, prefix) },
	} {
		for {
			n, err := step()
			if err != nil {
				return rep, err
			}
			if n == 0 {
				break
			}
		}
	}
	if err := s.purgeBuffers(scope); err != nil {
		return rep, err
	}
	return rep, s.writer.do(func(t *Tx) error { return t.tx.Bucket(bucketPurges).Delete(prefix) })
}

// Purges returns the scopes whose purge an earlier process left unfinished.
func (s *Store) Purges() ([]Scope, error) {
	var out []Scope
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPurges)
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			d := codec.NewDecoder(v)
			sc := Scope{Group: d.Str(), UserID: d.Str()}
			if d.Err() == nil {
				out = append(out, sc)
			}
			return nil
		})
	})
	return out, err
}

// purgeRuns deletes up to purgeBatch of the scope's runs, with everything kept for them.
func (s *Store) purgeRuns(prefix []byte) (int, error) {
	return s.purgeKeys(bucketRunScope, prefix, func(t *Tx, k []byte) error {
		if len(k) != len(prefix)+16 {
			return fmt.Errorf("%w: run scope entry %x", errs.Corrupt, k)
		}
		return t.removeRun(bytes.Clone(k[len(prefix):]))
	})
}

// removeRun deletes a run's record, status entries, input (with a file's bytes), attributes,
// checkpoints, progress, operations, and its place in a firing.
func (t *Tx) removeRun(key []byte) error {
	t.op.removed = append(t.op.removed, uuidString(key))
	idx := t.tx.Bucket(bucketRunStatus)
	for _, code := range statusCodes {
		if err := idx.Delete(append([]byte{code}, key...)); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketRuns, bucketInputs, bucketAttrs, bucketProgress, bucketFollowers, bucketFirings} {
		if err := t.tx.Bucket(b).Delete(key); err != nil {
			return err
		}
	}
	for _, b := range [][]byte{bucketCheckpoints, bucketRunOps, bucketFiles} {
		if err := deletePrefix(t.tx.Bucket(b), key); err != nil {
			return err
		}
	}
	return nil
}

// purgeMemories deletes up to purgeBatch of the scope's memories with their histories; their
// content and term entries go by prefix after.
func (s *Store) purgeMemories(prefix []byte) (int, error) {
	return s.purgeKeys(bucketMemScope, prefix, func(t *Tx, k []byte) error {
		id := bytes.Clone(k[len(k)-16:])
		if err := t.tx.Bucket(bucketMemories).Delete(id); err != nil {
			return err
		}
		if err := t.putVector(id, nil); err != nil {
			return err
		}
		t.touch(id)
		return t.dropHistory(id)
	})
}

// purgePrefix deletes up to purgeBatch keys of bucket that start with prefix.
func (s *Store) purgePrefix(bucket, prefix []byte) (int, error) {
	return s.purgeKeys(bucket, prefix, nil)
}

// purgeKeys deletes, in one write, up to purgeBatch keys of bucket that start with prefix, calling
// each (unless nil) on each key first to remove what it indexes. It returns how many it deleted.
func (s *Store) purgeKeys(bucket, prefix []byte, each func(t *Tx, k []byte) error) (int, error) {
	n := 0
	err := s.writer.do(func(t *Tx) error {
		n = 0
		c := t.tx.Bucket(bucket).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < purgeBatch; k, _ = c.Seek(prefix) {
			if each != nil {
				if err := each(t, k); err != nil {
					return err
				}
			}
			if err := c.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// purgeBuffers deletes the buffers of the scope (every step, every set of properties): their items,
// parked runs' records and headers.
func (s *Store) purgeBuffers(scope Scope) error {
	headers, err := s.Buffers()
	if err != nil {
		return err
	}
	for _, h := range headers {
		if h.Scope.Group != scope.Group || foldUser(h.Scope.UserID) != foldUser(scope.UserID) {
			continue
		}
		key := h.Scope.key()
		for _, b := range [][]byte{bucketBufItems, bucketBufRuns} {
			for {
				n, err := s.purgePrefix(b, key)
				if err != nil {
					return err
				}
				if n == 0 {
					break
				}
			}
		}
		if err := s.writer.do(func(t *Tx) error { return t.tx.Bucket(bucketBuffers).Delete(key) }); err != nil {
			return err
		}
	}
	return nil
}
