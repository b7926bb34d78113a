package pipeline

import (
	"crypto/sha1"
	"encoding/binary"

	"github.com/google/uuid"
)

// memoryID derives the ID of the memory that fact number index of a run's commit step creates. The
// same run, step, index and content always give the same ID, so a commit replayed after a crash
// cannot create a twin. The ID is a version-7 UUID that sorts by its run and then by its fact:
//
//   - bits 0-47, the run ID's time (its first 48 bits);
//   - bits 52-63 and 66-77, the fact's index modulo 2^24 (big-endian, around the version and
//     variant: a run of more than 16 million facts starts over, and its IDs then sort less well);
//   - the remaining 50 bits, from a SHA-1 of the run (its whole ID), the step, the index and the
//     content, so that runs of the same millisecond do not collide (and a collision, were one to
//     happen, is refused by the store rather than overwriting a memory).
//
// So a commit's inserts land together at the end of the memories' B+tree (and of every index keyed
// by memory ID: vectors, histories, term postings per term) instead of on random pages all over it,
// and so do the windows of one large run, one after another: a window of a file run writes a few
// hundred pages, not thousands.
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
	i := uint32(index) & (1<<24 - 1)
	id[6] = 0x70 | byte(i>>20)&0x0f  // version 7, then index bits 23-20
	id[7] = byte(i >> 12)            // index bits 19-12
	id[8] = 0x80 | byte(i>>6)&0x3f   // RFC 9562 variant, then index bits 11-6
	id[9] = byte(i)<<2 | sum[0]&0x03 // index bits 5-0, then the hash
	copy(id[10:], sum[1:7])
	return id
}
