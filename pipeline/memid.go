package pipeline

import (
	"crypto/sha1"
	"encoding/binary"

	"github.com/google/uuid"
)

// memoryID derives the ID of the memory that fact number index of a run's commit step creates. The
// same run, step, index and content always give the same ID, so a commit replayed after a crash
// cannot create a twin. The ID is a version-7 UUID whose time is the run's (its first 48 bits are
// the run ID's), and whose other bits come from a SHA-1 of the rest: memories sort by when their run
// was added, so a commit's inserts land together at the end of the memories' B+tree instead of on
// random pages all over it.
func memoryID(run uuid.UUID, step, index int, content string) uuid.UUID {
	h := sha1.New()
	h.Write(run[:])
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(step))
	binary.BigEndian.PutUint64(buf[8:], uint64(index))
	h.Write(buf[:])
	h.Write([]byte(content))
	var sum [sha1.Size]byte
	h.Sum(sum[:0])
	var id uuid.UUID
	copy(id[:6], run[:6])
	copy(id[6:], sum[:10])
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // RFC 9562 variant
	return id
}
