// Package ids makes the engine's run and batch IDs: version-7 UUIDs (RFC 9562) whose time is the
// engine's clock and whose other bits come from a source of randomness the engine is given, so that
// a test with a fake clock and a seeded source gets the same IDs every time.
package ids

import (
	"crypto/rand"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Generator makes version-7 UUIDs that sort strictly in the order they were made, even within one
// millisecond or when the clock stands still or goes back (as a fake clock does): such an ID is the
// previous one plus one, in its 74 random bits. It is safe for concurrent use.
type Generator struct {
	now  func() time.Time
	rand io.Reader

	mu   sync.Mutex
	last uuid.UUID
	ms   int64
}

// New returns a generator reading the time from now and random bits from r (crypto/rand when nil).
func New(now func() time.Time, r io.Reader) *Generator {
	if r == nil {
		r = rand.Reader
	}
	return &Generator{now: now, rand: r}
}

// New returns the next ID.
func (g *Generator) New() (uuid.UUID, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := g.now().UnixMilli()
	var id uuid.UUID
	if ms <= g.ms && g.ms != 0 {
		// Within the last ID's millisecond, or before it: one more than the last.
		id = g.last
		for i := 15; i >= 6; i-- {
			if i == 8 {
				if id[8]&0x3f != 0x3f {
					id[8]++
					break
				}
				id[8] &^= 0x3f // carry into rand_a
				continue
			}
			if i == 6 {
				if id[6]&0x0f != 0x0f {
					id[6]++
					break
				}
				return uuid.UUID{}, fmt.Errorf("ids: more than 2^74 IDs in one millisecond")
			}
			id[i]++
			if id[i] != 0 {
				break
			}
		}
		g.last = id
		return id, nil
	}
	if _, err := io.ReadFull(g.rand, id[6:]); err != nil {
		return uuid.UUID{}, fmt.Errorf("ids: read random bits: %w", err)
	}
	id[0], id[1], id[2], id[3], id[4], id[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // RFC 9562 variant
	g.ms, g.last = ms, id
	return id, nil
}
