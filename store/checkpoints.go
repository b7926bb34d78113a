package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
)

// CheckpointChunk is the most bytes of a step's output written in one transaction. A larger output
// (the facts of a multi-megabyte input, say) is written in chunks, each in a transaction of its own,
// so that one run never holds the writer long; only the last chunk goes with the run's advance, and
// until then the earlier chunks are just bytes no reader looks at.
const CheckpointChunk = 1 << 20

// Checkpoint is a step's output, split into the chunks it is written in.
type Checkpoint struct {
	step   int
	chunks [][]byte
}

// NewCheckpoint splits the output of step into chunks of at most CheckpointChunk bytes.
func NewCheckpoint(step int, data []byte) *Checkpoint {
	cp := &Checkpoint{step: step}
	for len(data) > CheckpointChunk {
		cp.chunks = append(cp.chunks, data[:CheckpointChunk])
		data = data[CheckpointChunk:]
	}
	cp.chunks = append(cp.chunks, data)
	return cp
}

// WriteLeadingChunks writes every chunk of cp but the last, each in a transaction of its own (the
// first also clears what an earlier attempt at the step left). It does nothing for a checkpoint of
// one chunk. The caller then writes the last chunk with Tx.PutCheckpoint, in the transaction that
// advances the run.
func (s *Store) WriteLeadingChunks(runID string, cp *Checkpoint) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	for i, chunk := range cp.chunks[:len(cp.chunks)-1] {
		err := s.writer.do(func(t *Tx) error {
			if t.tx.Bucket(bucketRuns).Get(key) == nil {
				return Reject(fmt.Errorf("run %s: %w", runID, errs.NotFound)) // purged meanwhile
			}
			b := t.tx.Bucket(bucketCheckpoints)
			if i == 0 {
				if err := deletePrefix(b, checkpointPrefix(key, cp.step)); err != nil {
					return err
				}
			}
			return b.Put(checkpointKey(key, cp.step, i), chunk)
		})
		if err != nil {
			return fmt.Errorf("checkpoint chunk %d of %d: %w", i+1, len(cp.chunks), err)
		}
	}
	return nil
}

// PutCheckpoint writes the last chunk of cp (for a checkpoint of one chunk, the whole, after clearing
// what an earlier attempt at the step left), in the caller's transaction.
func (t *Tx) PutCheckpoint(runID string, cp *Checkpoint) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	b := t.tx.Bucket(bucketCheckpoints)
	last := len(cp.chunks) - 1
	if last == 0 {
		if err := deletePrefix(b, checkpointPrefix(key, cp.step)); err != nil {
			return err
		}
	}
	return b.Put(checkpointKey(key, cp.step, last), cp.chunks[last])
}

// Checkpoint returns the output a run's step saved, its chunks put back together, or an error
// wrapping ErrNotFound.
func (s *Store) Checkpoint(id string, step int) ([]byte, error) {
	key, err := idBytes("run id", id)
	if err != nil {
		return nil, err
	}
	prefix := checkpointPrefix(key, step)
	var out []byte
	err = s.view(func(tx *bolt.Tx) error {
		out = nil
		chunks := 0
		c := tx.Bucket(bucketCheckpoints).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(k) == len(prefix) { // schema 1: the checkpoint whole, under the prefix
				out = bytes.Clone(v)
				return nil
			}
			if !bytes.Equal(k, checkpointKey(key, step, chunks)) {
				return fmt.Errorf("%w: checkpoint of step %d of run %s: chunk %x out of sequence", errs.Corrupt, step, id, k[len(prefix):])
			}
			out = append(out, v...)
			chunks++
		}
		if chunks == 0 {
			return fmt.Errorf("checkpoint of step %d of run %s: %w", step, id, errs.NotFound)
		}
		return nil
	})
	return out, err
}

// Progress returns how far the commit step of a run got: the step and how many of its facts are
// committed, from the last part it committed. ok is false when no commit is under way.
func (s *Store) Progress(id string) (step, done int, ok bool, err error) {
	key, err := idBytes("run id", id)
	if err != nil {
		return 0, 0, false, err
	}
	err = s.view(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketProgress).Get(key)
		if v == nil {
			return nil
		}
		if len(v) != 16 {
			return fmt.Errorf("%w: commit progress of run %s", errs.Corrupt, id)
		}
		step, done, ok = int(binary.BigEndian.Uint64(v)), int(binary.BigEndian.Uint64(v[8:])), true
		return nil
	})
	return step, done, ok, err
}

// SetProgress records, with a commit part, that done facts of the run's commit step are committed.
func (t *Tx) SetProgress(runID string, step, done int) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	v := binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(step)), uint64(done))
	return t.tx.Bucket(bucketProgress).Put(key, v)
}

// ClearProgress forgets the run's commit progress, once its commit step has finished.
func (t *Tx) ClearProgress(runID string) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	return t.tx.Bucket(bucketProgress).Delete(key)
}
