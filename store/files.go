package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/errs"
)

// An added file's bytes are stored in bucketFiles under its run's ID, in records of FileChunk bytes,
// so that the run can be resumed (or the file read again) whatever happens to the file on disk. They
// are written before the run, a few records per transaction (StageFile), so that a large file never
// holds the writer for long nor sits in memory whole; the run that names them is created after.
// Bytes whose run was never created (the process died in between, or the add was refused) are
// deleted by the next Open (dropOrphanFiles).

// FileChunk is the size of the records an added file's bytes are stored in.
const FileChunk = 1 << 20

// fileChunksPerTx is how many records of a file one transaction writes.
const fileChunksPerTx = 4

func fileKey(run []byte, chunk int) []byte {
	return binary.BigEndian.AppendUint32(append(make([]byte, 0, 20), run...), uint32(chunk))
}

// StagedFile is what StageFile stored.
type StagedFile struct {
	Size   int64
	SHA256 [32]byte
}

// StageFile stores the bytes of r as the file of the run runID, which must not exist yet, and
// returns their size and SHA-256. It reads at most limit bytes: a longer r is refused with an error
// wrapping ErrInvalidInput, and what was written of it is deleted. On any error the caller should
// DropFile (StageFile does when it can; the next Open does otherwise).
func (s *Store) StageFile(runID string, r io.Reader, limit int64) (StagedFile, error) {
	key, err := idBytes("run id", runID)
	if err != nil {
		return StagedFile{}, err
	}
	h := sha256.New()
	var out StagedFile
	buf := make([]byte, FileChunk)
	chunk := 0
	for done := false; !done; {
		var records [][]byte
		for len(records) < fileChunksPerTx {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				records = append(records, bytes.Clone(buf[:n]))
				h.Write(buf[:n])
				out.Size += int64(n)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				done = true
				break
			}
			if err != nil {
				s.dropQuietly(runID)
				return StagedFile{}, fmt.Errorf("read the file: %w", err)
			}
		}
		if out.Size > limit {
			s.dropQuietly(runID)
			return StagedFile{}, errs.Field("file", "it grew past the limit of %d bytes while it was read", limit)
		}
		if len(records) == 0 {
			break
		}
		first := chunk
		err := s.writer.do(func(t *Tx) error {
			b := t.tx.Bucket(bucketFiles)
			for i, rec := range records {
				if err := b.Put(fileKey(key, first+i), rec); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			s.dropQuietly(runID)
			return StagedFile{}, err
		}
		chunk += len(records)
	}
	h.Sum(out.SHA256[:0])
	return out, nil
}

func (s *Store) dropQuietly(runID string) {
	if err := s.DropFile(runID); err != nil && !errors.Is(err, errs.Closed) {
		s.opts.Logger.Warn("mnemo: could not delete the bytes of a file not added; the next Open will", "run", runID, "err", err)
	}
}

// DropFile deletes the stored bytes of the run's file.
func (s *Store) DropFile(runID string) error {
	key, err := idBytes("run id", runID)
	if err != nil {
		return err
	}
	return s.writer.do(func(t *Tx) error { return deletePrefix(t.tx.Bucket(bucketFiles), key) })
}

// FileReader returns the stored bytes of the run's file, size bytes long, as an io.ReaderAt. Each
// ReadAt opens a read transaction of its own and copies the bytes out, so that a reader of a large
// file never holds a transaction across writes (a bbolt file that grows waits for its readers).
func (s *Store) FileReader(runID string, size int64) (io.ReaderAt, error) {
	key, err := idBytes("run id", runID)
	if err != nil {
		return nil, err
	}
	return &fileReader{s: s, key: key, size: size}, nil
}

type fileReader struct {
	s    *Store
	key  []byte
	size int64
}

// ReadAt reads len(p) bytes at off, or fewer and io.EOF at the end of the file. A record missing or
// shorter than it should be is ErrCorrupt.
func (f *fileReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	if off >= f.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), f.size-off)
	n := 0
	err := f.s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketFiles)
		if b == nil {
			return fmt.Errorf("%w: no files bucket", errs.Corrupt)
		}
		for int64(n) < want {
			pos := off + int64(n)
			chunk, at := int(pos/FileChunk), int(pos%FileChunk)
			rec := b.Get(fileKey(f.key, chunk))
			if at >= len(rec) {
				return fmt.Errorf("%w: file of run %s: record %d is missing or short", errs.Corrupt, uuidString(f.key), chunk)
			}
			n += copy(p[n:want], rec[at:])
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if int64(n) < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

// dropOrphanFiles deletes the stored bytes of files whose run does not exist: adds that were cut
// short, or refused, after their bytes were written. It runs at Open, before any add.
func (s *Store) dropOrphanFiles() error {
	var orphans [][]byte
	err := s.view(func(tx *bolt.Tx) error {
		runs, c := tx.Bucket(bucketRuns), tx.Bucket(bucketFiles).Cursor()
		for k, _ := c.First(); k != nil; {
			if len(k) != 20 {
				return fmt.Errorf("%w: file record key %x", errs.Corrupt, k)
			}
			run := bytes.Clone(k[:16])
			if runs.Get(run) == nil {
				orphans = append(orphans, run)
			}
			k, _ = c.Seek(fileKey(run, 1<<32-1))
			if k != nil && bytes.HasPrefix(k, run) {
				k, _ = c.Next()
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, run := range orphans {
		s.opts.Logger.Info("mnemo: deleting the bytes of a file whose add did not finish", "run", uuidString(run))
		if err := s.writer.do(func(t *Tx) error { return deletePrefix(t.tx.Bucket(bucketFiles), run) }); err != nil {
			return err
		}
	}
	return nil
}
