package bench

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestReplayCopiesNestedBuckets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	db, err := bolt.Open(src, 0o600, boltOptions)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		a, _ := tx.CreateBucket([]byte("a"))
		for i := range 2500 { // more than two replay batches
			a.Put([]byte{byte(i >> 8), byte(i)}, []byte("v"))
		}
		inner, _ := a.CreateBucket([]byte("inner"))
		inner.Put([]byte("k"), []byte("nested value"))
		deeper, _ := inner.CreateBucket([]byte("deeper"))
		deeper.Put([]byte("k2"), []byte("deeper value"))
		_, err := tx.CreateBucket([]byte("empty"))
		return err
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	snap, err := readSnapshot(src)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.pairs) != 2502 || len(snap.buckets) != 4 {
		t.Fatalf("snapshot of %d pairs in %d buckets, want 2502 in 4", len(snap.pairs), len(snap.buckets))
	}
	dst := filepath.Join(dir, "dst.db")
	var size int64
	if _, err := snap.replay(dst, &size); err != nil {
		t.Fatal(err)
	}
	if size == 0 {
		t.Error("replayed file size not reported")
	}
	again, err := readSnapshot(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSnapshots(snap, again) {
		t.Error("the replayed file differs from the source")
	}
}

func equalSnapshots(a, b *snapshot) bool {
	if len(a.buckets) != len(b.buckets) || len(a.pairs) != len(b.pairs) {
		return false
	}
	for i := range a.buckets {
		if !slices.EqualFunc(a.buckets[i], b.buckets[i], bytes.Equal) {
			return false
		}
	}
	for i, p := range a.pairs {
		q := b.pairs[i]
		if p.bucket != q.bucket || !bytes.Equal(p.key, q.key) || !bytes.Equal(p.value, q.value) {
			return false
		}
	}
	return true
}
