package store

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/mnemohq/mnemo/internal/errs"
)

func TestStageFileReadsBackAndOrphansGo(t *testing.T) {
	t.Parallel()
	s, path := setup(t)
	data := make([]byte, 5*FileChunk+123) // 6 records, over two transactions
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	kept, orphan := newRun(t), newRun(t)
	staged, err := s.StageFile(kept.ID, bytes.NewReader(data), int64(len(data)))
	if err != nil || staged.Size != int64(len(data)) || staged.SHA256 != sha256.Sum256(data) {
		t.Fatalf("staged %+v, %v", staged, err)
	}
	mustCreate(t, s, kept)
	if _, err := s.StageFile(orphan.ID, bytes.NewReader(data[:10]), 10); err != nil {
		t.Fatal(err)
	}
	// Read back at every boundary, and past the end.
	ra, err := s.FileReader(kept.ID, staged.Size)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(io.NewSectionReader(ra, 0, staged.Size))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(data))
	}
	buf := make([]byte, 200)
	if n, err := ra.ReadAt(buf, int64(FileChunk)-100); n != 200 || err != nil || !bytes.Equal(buf, data[FileChunk-100:FileChunk+100]) {
		t.Fatalf("across a record: %d, %v", n, err)
	}
	if n, err := ra.ReadAt(buf, staged.Size-50); n != 50 || err != io.EOF {
		t.Fatalf("at the end: %d, %v", n, err)
	}

	// The orphan (no run) goes at the next Open; the kept file stays.
	s.Close()
	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	ra, _ = s2.FileReader(orphan.ID, 10)
	if _, err := ra.ReadAt(make([]byte, 10), 0); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("orphan still there: %v", err)
	}
	ra, _ = s2.FileReader(kept.ID, staged.Size)
	if n, err := ra.ReadAt(buf, 0); n != len(buf) || err != nil {
		t.Fatalf("kept file: %d, %v", n, err)
	}
}

func TestStageFileOverTheLimit(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	r := newRun(t)
	_, err := s.StageFile(r.ID, bytes.NewReader(make([]byte, 5*FileChunk)), 4*FileChunk)
	if !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("over the limit: %v", err)
	}
	ra, _ := s.FileReader(r.ID, 1)
	if _, err := ra.ReadAt(make([]byte, 1), 0); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("what was written of it stays: %v", err)
	}
}
