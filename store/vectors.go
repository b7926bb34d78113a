package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/embedding"
	"github.com/mnemohq/mnemo/internal/errs"
)

// EmbedderInfo names the embedder whose vectors a file holds: its Name and Dims.
type EmbedderInfo struct {
	Name string
	Dims int
}

var (
	embedderKey   = []byte("embedder")   // meta: the EmbedderInfo of the file's vectors
	reindexingKey = []byte("reindexing") // meta: the EmbedderInfo a reindex under way writes
)

func encodeEmbedder(e EmbedderInfo) []byte {
	return append(binary.AppendUvarint(nil, uint64(e.Dims)), e.Name...)
}

func decodeEmbedder(v []byte) (EmbedderInfo, error) {
	dims, n := binary.Uvarint(v)
	if n <= 0 || dims > math.MaxInt32 {
		return EmbedderInfo{}, fmt.Errorf("%w: embedder record", errs.Corrupt)
	}
	return EmbedderInfo{Name: string(v[n:]), Dims: int(dims)}, nil
}

// Embedder returns the embedder whose vectors the file holds (ok false when none is recorded: a
// new file, or one written before vectors were), and the one a reindex that did not finish was
// writing (pending, when ok2).
func (s *Store) Embedder() (info EmbedderInfo, ok bool, pending EmbedderInfo, ok2 bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(embedderKey); v != nil {
			if info, err = decodeEmbedder(v); err != nil {
				return err
			}
			ok = true
		}
		if v := meta.Get(reindexingKey); v != nil {
			if pending, err = decodeEmbedder(v); err != nil {
				return err
			}
			ok2 = true
		}
		return nil
	})
	return info, ok, pending, ok2, err
}

// HasMemories reports whether the file holds any memory record.
func (s *Store) HasMemories() (bool, error) {
	var any bool
	err := s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bucketMemories).Cursor().First()
		any = k != nil
		return nil
	})
	return any, err
}

// SetEmbedder records e as the embedder of the file's vectors, and ends a reindex under way.
func (s *Store) SetEmbedder(e EmbedderInfo) error {
	return s.writer.do(func(t *Tx) error {
		meta := t.tx.Bucket(bucketMeta)
		if err := meta.Delete(reindexingKey); err != nil {
			return err
		}
		return meta.Put(embedderKey, encodeEmbedder(e))
	})
}

// encodeVector returns v scaled to unit length as little-endian float32s, or nil when v is empty,
// all zeros or not finite: such a memory has no vector.
func encodeVector(v []float32) []byte {
	v = slices.Clone(v)
	if !embedding.Normalize(v) {
		return nil
	}
	out := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(x))
	}
	return out
}

// decodeVector reads a vector of dims dimensions, or returns nil if v holds another number of them.
func decodeVector(v []byte, dims int) []float32 {
	if len(v) != 4*dims || dims == 0 {
		return nil
	}
	out := make([]float32, dims)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(v[4*i:]))
	}
	return out
}

// putVector stores memory key's vector (encoded by encodeVector), or removes it when vec is nil.
func (t *Tx) putVector(key, vec []byte) error {
	b := t.tx.Bucket(bucketVectors)
	if vec == nil {
		return b.Delete(key)
	}
	return b.Put(key, vec)
}

// touch notes that the write changed memory key, for the search index (see Store.refreshIndex).
func (t *Tx) touch(key []byte) {
	t.op.touched = append(t.op.touched, [16]byte(key))
}
