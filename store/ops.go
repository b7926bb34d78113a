package store

import (
	"bytes"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// A run's committed operations normally live in its record. A large run commits in several parts
// (see the pipeline's CommitPartSize), and rewriting a record that grows by a part each time would
// cost the square of the run's size; so each part's operations are written once, under the run's ID
// and the part's number in bucketRunOps, and the record only counts the parts. Readers put the run
// back together. Once a run has spilled a part, all its later operations spill too, which keeps
// them in commit order: inline first, then the parts.

// setSpilled notes, for the run being updated, how many parts its record says it has spilled.
func (t *Tx) setSpilled(key []byte, n int) {
	if t.spilled == nil {
		t.spilled = make(map[string]int, 1)
	}
	t.spilled[string(key)] = n
}

func (t *Tx) spilledOf(key []byte) int { return t.spilled[string(key)] }

// SpilledParts returns how many parts of operations the run being updated (inside UpdateRun's
// function) keeps outside its record: more than 0, it committed memories that its record does not
// list.
func (t *Tx) SpilledParts(runID string) int {
	key, err := idBytes("run id", runID)
	if err != nil {
		return 0
	}
	return t.spilledOf(key)
}

// RecordOps adds a commit's operations to the run being updated (inside UpdateRun's function):
// inline in the record, or, when large is set or the run has spilled before, as a part of its own
// in bucketRunOps.
func (t *Tx) RecordOps(r *status.Run, ops status.Operations, large bool) error {
	key, err := idBytes("run id", r.ID)
	if err != nil {
		return err
	}
	n := t.spilledOf(key)
	if !large && n == 0 {
		r.CommittedOperations.Created = append(r.CommittedOperations.Created, ops.Created...)
		r.CommittedOperations.Updated = append(r.CommittedOperations.Updated, ops.Updated...)
		r.CommittedOperations.Deleted = append(r.CommittedOperations.Deleted, ops.Deleted...)
		return nil
	}
	if ops.Len() == 0 {
		return nil // a part that committed nothing leaves no part: a part means memories changed
	}
	e := codec.Encoder{}
	encodeOps(&e, &ops)
	if err := t.tx.Bucket(bucketRunOps).Put(runOpsKey(key, n), e.B); err != nil {
		return err
	}
	t.setSpilled(key, n+1)
	return nil
}

// readSpilledOps appends the run's spilled parts of operations to r, in order, and derives its
// created counters again.
func readSpilledOps(tx *bolt.Tx, key []byte, parts int, r *status.Run) error {
	b := tx.Bucket(bucketRunOps)
	if b == nil {
		return fmt.Errorf("%w: run %s: record names %d parts of operations, and the file has none", errs.Corrupt, r.ID, parts)
	}
	// Two passes: the parts' counts first, so that each list is allocated once at its size (a run
	// of a large file lists hundreds of thousands of operations), then the operations.
	ops := &r.CommittedOperations
	counts := [3]int{len(ops.Created), len(ops.Updated), len(ops.Deleted)}
	c := b.Cursor()
	n := 0
	for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
		d := codec.NewDecoder(v)
		created, updated, deleted := opCounts(&d)
		if err := d.Err(); err != nil {
			return fmt.Errorf("run %s: operations part %d: %w", r.ID, n, err)
		}
		counts[0], counts[1], counts[2] = counts[0]+created, counts[1]+updated, counts[2]+deleted
		n++
	}
	if n != parts {
		return fmt.Errorf("%w: run %s: %d parts of operations, the record names %d", errs.Corrupt, r.ID, n, parts)
	}
	ops.Created = slices.Grow(ops.Created, counts[0]-len(ops.Created))
	ops.Updated = slices.Grow(ops.Updated, counts[1]-len(ops.Updated))
	ops.Deleted = slices.Grow(ops.Deleted, counts[2]-len(ops.Deleted))
	n = 0
	for k, v := c.Seek(key); k != nil && bytes.HasPrefix(k, key); k, v = c.Next() {
		d := codec.NewDecoder(v)
		appendOps(&d, ops)
		if err := d.Err(); err != nil {
			return fmt.Errorf("run %s: operations part %d: %w", r.ID, n, err)
		}
		n++
	}
	r.DeriveCreated()
	return nil
}
