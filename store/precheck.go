package store

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"

	"github.com/mnemohq/mnemo/internal/errs"
)

// The layout of a bbolt meta page (go.etcd.io/bbolt/internal/common: Page, Meta), in the machine's
// byte order: a 16-byte page header, then magic, version, page size and flags (4 bytes each), the
// root bucket (page, sequence), the freelist's page, the high-water page ID, the transaction ID and
// a checksum (8 bytes each), the checksum an FNV-1a hash of the fields before it.
const (
	metaOffset     = 16
	metaSumLen     = 56 // bytes of the meta the checksum covers
	boltMagic      = 0xED0CDAED
	boltNoFreelist = ^uint64(0)
)

type boltMeta struct {
	pageSize                 uint64
	root, freelist, pgid, tx uint64
}

// readBoltMeta decodes the meta page at the start of b; ok is false if it is not a valid one.
func readBoltMeta(b []byte) (m boltMeta, ok bool) {
	if len(b) < metaOffset+metaSumLen+8 {
		return m, false
	}
	b = b[metaOffset:]
	le := binary.NativeEndian
	h := fnv.New64a()
	h.Write(b[:metaSumLen])
	if le.Uint32(b) != boltMagic || le.Uint32(b[4:]) != 2 || h.Sum64() != le.Uint64(b[metaSumLen:]) {
		return m, false
	}
	return boltMeta{
		pageSize: uint64(le.Uint32(b[8:])), root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]),
		pgid: le.Uint64(b[40:]), tx: le.Uint64(b[48:]),
	}, true
}

// checkTruncated refuses, as ErrCorrupt, a bbolt file shorter than the pages its newest valid meta
// page says it holds, or whose meta names pages past its end. bbolt would map such a file and fault
// reading past its end while it opens it, and a panic there leaves the file mapped, and so locked,
// for the rest of the process: so this looks first. A file it cannot read, or an empty one (which
// bbolt makes a new database of), is left to bbolt.
func checkTruncated(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return nil
	}
	first := make([]byte, 4096)
	n, _ := io.ReadFull(f, first)
	m0, ok0 := readBoltMeta(first[:n])
	pageSize := uint64(os.Getpagesize())
	if ok0 {
		pageSize = m0.pageSize
	}
	second := make([]byte, metaOffset+metaSumLen+8)
	n, _ = f.ReadAt(second, int64(pageSize))
	m1, ok1 := readBoltMeta(second[:n])
	m := m0
	switch {
	case ok0 && ok1 && m1.tx > m0.tx, !ok0 && ok1:
		m = m1
	case !ok0 && !ok1:
		return nil // not a bbolt file, or both metas damaged: bbolt says which
	}
	if m.pageSize == 0 {
		return fmt.Errorf("%w: meta page gives a page size of 0", errs.Corrupt)
	}
	if need := m.pgid * m.pageSize; m.pgid > uint64(fi.Size()) || need > uint64(fi.Size()) {
		return fmt.Errorf("%w: the file is truncated: its pages need %d bytes, and it has %d", errs.Corrupt, need, fi.Size())
	}
	if m.root >= m.pgid || (m.freelist != boltNoFreelist && m.freelist >= m.pgid) {
		return fmt.Errorf("%w: meta page names pages past the end of the file", errs.Corrupt)
	}
	return nil
}
