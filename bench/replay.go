package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ReplayBatch is how many puts the replay baseline makes per bbolt Update transaction.
const ReplayBatch = 1000

// snapshot is every bucket, key and value of a bbolt file, read into memory.
type snapshot struct {
	// buckets holds the path of every bucket from the root, parents before their children.
	buckets [][][]byte
	pairs   []pair
	// bytes counts the keys' and values' bytes.
	bytes int64
}

// pair is one key and value and the index in snapshot.buckets of the bucket holding it.
type pair struct {
	bucket     int
	key, value []byte
}

// readSnapshot reads the file at path, opened read-only, recursing into nested buckets.
func readSnapshot(path string) (*snapshot, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, FreelistType: bolt.FreelistMapType, NoStatistics: true})
	if err != nil {
		return nil, fmt.Errorf("replay: open %s: %w", path, err)
	}
	defer db.Close()
	s := new(snapshot)
	err = db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			s.walk([][]byte{clone(name)}, b)
			return nil
		})
	})
	return s, err
}

func (s *snapshot) walk(path [][]byte, b *bolt.Bucket) {
	idx := len(s.buckets)
	s.buckets = append(s.buckets, path)
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil { // a nested bucket
			s.walk(append(path[:len(path):len(path)], clone(k)), b.Bucket(k))
			continue
		}
		s.pairs = append(s.pairs, pair{bucket: idx, key: clone(k), value: clone(v)})
		s.bytes += int64(len(k) + len(v))
	}
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// replay writes the snapshot into a new bbolt file at path (left for the caller to remove), opened with the options mnemo uses:
// every bucket in one Update, then the pairs in order, ReplayBatch puts per Update. It returns the
// time from the first Update to the last commit, which excludes opening and closing the file, and
// stores the new file's size in *size.
func (s *snapshot) replay(path string, size *int64) (time.Duration, error) {
	db, err := bolt.Open(path, 0o600, boltOptions)
	if err != nil {
		return 0, fmt.Errorf("replay: open %s: %w", path, err)
	}
	defer db.Close()
	start := time.Now()
	err = db.Update(func(tx *bolt.Tx) error {
		for _, p := range s.buckets {
			if _, err := s.bucket(tx, p, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("replay: buckets: %w", err)
	}
	for lo := 0; lo < len(s.pairs); lo += ReplayBatch {
		hi := min(lo+ReplayBatch, len(s.pairs))
		err := db.Update(func(tx *bolt.Tx) error {
			last, b := -1, (*bolt.Bucket)(nil)
			for _, p := range s.pairs[lo:hi] {
				if p.bucket != last {
					var err error
					if b, err = s.bucket(tx, s.buckets[p.bucket], false); err != nil {
						return err
					}
					last = p.bucket
				}
				if err := b.Put(p.key, p.value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("replay: puts: %w", err)
		}
	}
	elapsed := time.Since(start)
	if fi, err := os.Stat(path); err == nil {
		*size = fi.Size()
	}
	return elapsed, nil
}

// bucket returns the bucket at path in tx, creating it if create is set.
func (s *snapshot) bucket(tx *bolt.Tx, path [][]byte, create bool) (*bolt.Bucket, error) {
	var b *bolt.Bucket
	for i, name := range path {
		var err error
		switch {
		case i == 0 && create:
			b, err = tx.CreateBucketIfNotExists(name)
		case i == 0:
			b = tx.Bucket(name)
		case create:
			b, err = b.CreateBucketIfNotExists(name)
		default:
			b = b.Bucket(name)
		}
		if err != nil {
			return nil, err
		}
		if b == nil {
			return nil, fmt.Errorf("bucket %q missing", path)
		}
	}
	return b, nil
}

// FileFigures describes a finished mnemo file and its baseline: the time to replay its keys and
// values into a new bbolt file.
type FileFigures struct {
	// FileBytes is the size of the finished file; Pairs and PairBytes count its keys and values.
	FileBytes       int64
	Pairs           int
	PairBytes       int64
	Buckets         int
	Replay          time.Duration // the baseline
	ReplayFileBytes int64
}

// measureFile fills f from the finished file at path, replaying it into a new file in dir.
func (f *FileFigures) measureFile(path, dir string) error {
	if fi, err := os.Stat(path); err == nil {
		f.FileBytes = fi.Size()
	}
	snap, err := readSnapshot(path)
	if err != nil {
		return err
	}
	f.Pairs, f.PairBytes, f.Buckets = len(snap.pairs), snap.bytes, len(snap.buckets)
	f.Replay, err = snap.replay(filepath.Join(dir, "replay.db"), &f.ReplayFileBytes)
	return err
}
