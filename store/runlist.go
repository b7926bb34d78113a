package store

import (
	"bytes"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// RunFilter selects runs. Empty fields match every run.
type RunFilter struct {
	Statuses   []status.Status
	Group      string
	UserID     string // compared case-insensitively
	Properties map[string]string
}

func (f *RunFilter) matches(r *status.Run) bool {
	if f.Group != "" && r.Group != f.Group {
		return false
	}
	if f.UserID != "" && foldUser(r.UserID) != foldUser(f.UserID) {
		return false
	}
	return hasAll(r.Properties, f.Properties)
}

// ListRuns returns up to limit runs matching f, oldest first, starting after the run named by cursor
// (a run ID; empty starts at the beginning). next is the cursor for the following page, empty on the
// last one. With statuses, it walks the status index instead of every run. A damaged run record is
// skipped and logged; the others are listed.
func (s *Store) ListRuns(f RunFilter, cursor string, limit int) (runs []status.Run, next string, err error) {
	var after []byte
	if cursor != "" {
		if after, err = idBytes("cursor", cursor); err != nil {
			return nil, "", errs.Field("cursor", "%q is not a cursor this listing made", cursor)
		}
	}
	if limit <= 0 {
		return nil, "", fmt.Errorf("%w: limit %d", errs.InvalidInput, limit)
	}
	for _, st := range f.Statuses {
		if !st.Valid() {
			return nil, "", fmt.Errorf("%w: status %q", errs.InvalidInput, st)
		}
	}
	err = s.view(func(tx *bolt.Tx) error {
		runs = runs[:0]
		next = ""
		it := newRunIterator(tx, f.Statuses, after)
		bucket := tx.Bucket(bucketRuns)
		for key := it.next(); key != nil; key = it.next() {
			v := bucket.Get(key)
			if v == nil {
				s.damaged(bucketRunStatus, key, fmt.Errorf("%w: the status index names a missing run", errs.Corrupt))
				continue
			}
			r, spilled, err := decodeRun(v)
			if err == nil && spilled > 0 {
				err = readSpilledOps(tx, key, spilled, &r)
			}
			if err != nil {
				s.damaged(bucketRuns, key, err)
				continue
			}
			if !f.matches(&r) {
				continue
			}
			if len(runs) == limit {
				next = runs[len(runs)-1].ID
				return nil
			}
			runs = append(runs, r)
		}
		return nil
	})
	return runs, next, err
}

// runIterator yields run IDs in ascending order, from the runs bucket or merged from the status
// index's ranges (one range per status asked for).
type runIterator struct {
	ranges []*idRange
}

// idRange walks the keys of one bucket that start with prefix; head is the current ID.
type idRange struct {
	c      *bolt.Cursor
	prefix []byte
	head   []byte
}

func newRunIterator(tx *bolt.Tx, statuses []status.Status, after []byte) *runIterator {
	it := &runIterator{}
	if len(statuses) == 0 {
		it.add(tx.Bucket(bucketRuns).Cursor(), nil, after)
		return it
	}
	for _, st := range slices.Compact(slices.Sorted(slices.Values(statuses))) {
		it.add(tx.Bucket(bucketRunStatus).Cursor(), []byte{statusCodes[st]}, after)
	}
	return it
}

func (it *runIterator) add(c *bolt.Cursor, prefix, after []byte) {
	r := &idRange{c: c, prefix: prefix}
	seek := append(bytes.Clone(prefix), after...)
	k, _ := c.Seek(seek)
	if after != nil && bytes.Equal(k, seek) {
		k, _ = c.Next()
	}
	r.set(k)
	it.ranges = append(it.ranges, r)
}

func (r *idRange) set(k []byte) {
	if k == nil || !bytes.HasPrefix(k, r.prefix) {
		r.head = nil
		return
	}
	r.head = k[len(r.prefix):]
}

// next returns the smallest ID at the head of any range and advances that range; nil when all are
// exhausted.
func (it *runIterator) next() []byte {
	var best *idRange
	for _, r := range it.ranges {
		if r.head != nil && (best == nil || bytes.Compare(r.head, best.head) < 0) {
			best = r
		}
	}
	if best == nil {
		return nil
	}
	id := best.head
	k, _ := best.c.Next()
	best.set(k)
	return id
}
