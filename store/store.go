// Package store is everything in mnemo that touches bbolt: the buckets, the record encodings, the
// indexes, and the one writer goroutine through which every write transaction passes.
//
// Writes are grouped: callers hand the writer a function, the writer runs every function that is
// waiting in one bbolt transaction and commits once, so concurrent callers share one fsync (group
// commit). Reads run in their own read transactions, concurrently with the writer.
//
// bbolt panics on some corrupt pages; every call into it recovers and returns an error wrapping
// ErrCorrupt instead. A damaged record affects only itself: reading it is ErrCorrupt, listings skip
// it and log it.
package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrs "go.etcd.io/bbolt/errors"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// SchemaVersion is the version of the file layout this package writes. Open refuses files whose
// version is higher, and migrates older ones (see migrate.go).
//
//	1  times as Unix nanoseconds; properties and metadata copied into every memory
//	2  exact times; attributes shared per run; chunked checkpoints; large runs' operations in parts
//	3  memories' vectors (bucket vectors) and the embedder that made them (meta "embedder")
//	4  sources name a file, chunk and page (memory format 3); added files' bytes (bucket files);
//	   batches of adds (bucket batches)
const SchemaVersion = 4

// DefaultLockTimeout is how long Open waits for another process to release the file.
const DefaultLockTimeout = time.Second

// DefaultMaxBatch is the most write functions the writer puts in one transaction.
const DefaultMaxBatch = 1024

// DefaultMaxTxMemories and DefaultMaxTxTime bound a transaction: once its writes have changed that
// many memories, or taken that long, the writer leaves the rest of its group to the next one (see
// writer).
const (
	DefaultMaxTxMemories = 2048
	DefaultMaxTxTime     = 50 * time.Millisecond
)

// Options configures Open. The zero value of each field means its default.
type Options struct {
	// LockTimeout bounds the wait for the file lock; default DefaultLockTimeout.
	LockTimeout time.Duration
	// MaxBatch bounds the write functions grouped in one transaction; default DefaultMaxBatch.
	MaxBatch int
	// MaxTxMemories and MaxTxTime bound a transaction: once its writes have changed MaxTxMemories
	// memories or taken MaxTxTime, it takes no more of its group but adds, so that a group of large
	// writes commits in several transactions instead of holding the writer (and the callers waiting
	// for it) for seconds. Defaults DefaultMaxTxMemories and DefaultMaxTxTime. One write may go past
	// them on its own.
	MaxTxMemories int
	MaxTxTime     time.Duration
	// OnRunChange is called, in commit order and from the writer goroutine, with every run whose
	// status a committed transaction changed. It must not block. The run is its own: the store keeps
	// no reference to its maps and slices.
	OnRunChange func(status.Run)
	// OnRunRemoved is called, as OnRunChange is, with the ID of every run a committed transaction
	// removed (PurgeUser). It must not block.
	OnRunRemoved func(id string)
	// ReadOnly opens an existing file for reading only, under a shared lock: no writer runs, a
	// missing file is ErrNotFound, and every write returns ErrReadOnly.
	ReadOnly bool
	// Logger receives damaged records that listings skip; default: discard.
	Logger *slog.Logger
	// Terms returns the index terms of a memory's content, for the term index that finds a new fact's
	// related memories (and, later, searches); nil indexes nothing. It must be deterministic: the
	// terms of a memory's content are computed again to unindex it.
	Terms func(content string) []string
	// Embedder names the engine's embedder: a new file records it as the embedder of its vectors
	// (see Store.Embedder), and the search index leaves out vectors of other dimensions. The zero
	// value: no embedder, and searches have no vectors.
	Embedder EmbedderInfo
	// FailCommit, if set, is called before each write transaction commits; an error it returns
	// fails that transaction as a StorageError would. It is for fault-injection tests.
	FailCommit func() error
}

// Store is an open mnemo file.
type Store struct {
	db     *bolt.DB
	opts   Options
	writer *writer
	search searchState
}

// Open opens or creates the file at path (mode 0600) and starts its writer. It returns an error
// wrapping ErrLocked when another process holds the file past the lock timeout, ErrCorrupt when the
// file is not a readable mnemo file, and ErrVersion when a newer mnemo wrote it. Whatever fails, the
// file is released: a later Open in the same process finds it unlocked.
func Open(path string, opts Options) (s *Store, err error) {
	if opts.LockTimeout <= 0 {
		opts.LockTimeout = DefaultLockTimeout
	}
	if opts.MaxTxMemories <= 0 {
		opts.MaxTxMemories = DefaultMaxTxMemories
	}
	if opts.MaxTxTime <= 0 {
		opts.MaxTxTime = DefaultMaxTxTime
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.OnRunChange == nil {
		opts.OnRunChange = func(status.Run) {}
	}
	if opts.OnRunRemoved == nil {
		opts.OnRunRemoved = func(string) {}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("open %s: %w: no such file", path, errs.NotFound)
			}
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	db, err := openBolt(path, opts)
	if err != nil {
		return nil, err
	}
	s = &Store{db: db, opts: opts}
	if err := s.init(); err != nil {
		closeQuietly(db)
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !opts.ReadOnly {
		s.writer = startWriter(s)
		if err := s.dropOrphanFiles(); err != nil {
			opts.Logger.Warn("mnemo: could not delete the bytes of files whose add did not finish", "err", err)
		}
	}
	return s, nil
}

// openBolt opens the bbolt file. bbolt reads pages of the file while it opens it, and a damaged file
// can make it panic then, before it has returned a handle to close. A truncated file, the usual
// cause, is refused before bbolt sees it (checkTruncated); for anything else, the file bbolt opens is
// caught on the way in and closed if bbolt panics (its lock goes with the memory mapping, which only
// the end of the process releases, but the descriptor at least is not leaked).
func openBolt(path string, opts Options) (db *bolt.DB, err error) {
	if err := checkTruncated(path); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	var file *os.File
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				file.Close()
			}
			db, err = nil, fmt.Errorf("open %s: %w: bbolt panicked: %v", path, errs.Corrupt, r)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	db, err = bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.LockTimeout,
		FreelistType: bolt.FreelistMapType,
		NoStatistics: true,
		ReadOnly:     opts.ReadOnly,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		},
	})
	if err != nil {
		return nil, openError(path, err)
	}
	return db, nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, bolterrs.ErrTimeout):
		return fmt.Errorf("open %s: %w (waited for the lock and gave up)", path, errs.Locked)
	case errors.Is(err, bolterrs.ErrInvalid), errors.Is(err, bolterrs.ErrChecksum),
		errors.Is(err, bolterrs.ErrVersionMismatch), errors.Is(err, bolterrs.ErrInvalidMapping),
		strings.Contains(err.Error(), "file size too small"):
		return fmt.Errorf("open %s: %w: %v", path, errs.Corrupt, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open %s: %w: %v", path, errs.NotFound, err)
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// closeQuietly closes db after a failed Open, whatever state the failure left it in.
func closeQuietly(db *bolt.DB) {
	defer func() { recover() }()
	db.Close()
}

// schema1Buckets are the buckets of a schema-1 file, which a read-only Open requires; the others
// are created by a read-write Open, and readers do without them.
var schema1Buckets = [][]byte{bucketMeta, bucketRuns, bucketRunStatus, bucketInputs, bucketCheckpoints,
	bucketDocuments, bucketMemories, bucketMemScope, bucketMemContent}

// init creates the buckets of a new file, checks the schema version of an existing one, and
// migrates an older one. A read-only store only checks. Panics on damaged pages are ErrCorrupt.
func (s *Store) init() (err error) {
	defer recoverCorrupt(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	if s.opts.ReadOnly {
		return s.db.View(func(tx *bolt.Tx) error {
			meta := tx.Bucket(bucketMeta)
			if meta == nil {
				return fmt.Errorf("%w: not a mnemo file", errs.Corrupt)
			}
			for _, name := range schema1Buckets {
				if tx.Bucket(name) == nil {
					return fmt.Errorf("%w: no %s bucket", errs.Corrupt, name)
				}
			}
			_, err := checkSchema(meta.Get(schemaKey))
			return err
		})
	}
	var version byte
	err = s.db.Update(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			empty := true
			tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return fmt.Errorf("%w: holds bbolt buckets but is not a mnemo file", errs.Corrupt)
			}
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta = tx.Bucket(bucketMeta)
		v := meta.Get(schemaKey)
		if v == nil {
			version = SchemaVersion
			if s.opts.Embedder.Name != "" {
				if err := meta.Put(embedderKey, encodeEmbedder(s.opts.Embedder)); err != nil {
					return err
				}
			}
			return meta.Put(schemaKey, []byte{SchemaVersion})
		}
		var err error
		version, err = checkSchema(v)
		return err
	})
	if err != nil {
		return err
	}
	if version < SchemaVersion {
		return s.migrate(version)
	}
	return nil
}

var schemaKey = []byte("schema")

func checkSchema(v []byte) (byte, error) {
	switch {
	case len(v) != 1 || v[0] == 0:
		return 0, fmt.Errorf("%w: schema version record", errs.Corrupt)
	case v[0] > SchemaVersion:
		return 0, fmt.Errorf("%w: schema %d, this build reads up to %d", errs.Version, v[0], SchemaVersion)
	}
	return v[0], nil
}

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.opts.ReadOnly }

// Close stops the writer once it has committed what it was handed, and closes the file.
func (s *Store) Close() error {
	if s.writer != nil {
		s.writer.stop()
	}
	return s.db.Close()
}

// Path returns the file's path.
func (s *Store) Path() string { return s.db.Path() }

// view runs fn in a read transaction, turning a bbolt panic into ErrCorrupt and a closed database
// into ErrClosed.
func (s *Store) view(fn func(*bolt.Tx) error) (err error) {
	defer recoverCorrupt(&err)
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	err = s.db.View(fn)
	if errors.Is(err, bolterrs.ErrDatabaseNotOpen) {
		return errs.Closed
	}
	return err
}

// damaged logs a record that a listing skips.
func (s *Store) damaged(bucket, key []byte, err error) {
	s.opts.Logger.Error("mnemo: damaged record skipped", "bucket", string(bucket), "id", uuidString(key), "err", err)
}

// recoverCorrupt turns a panic from bbolt into an error wrapping ErrCorrupt. Callers also switch on
// debug.SetPanicOnFault for the call, so that a read through a damaged page pointer, which would
// otherwise fault in the memory-mapped file and kill the process, panics and is recovered too.
func recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: bbolt panicked: %v", errs.Corrupt, r)
	}
}
