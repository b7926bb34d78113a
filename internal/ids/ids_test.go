package ids

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestIDsSortAndRepeatWithASeed(t *testing.T) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	seeded := func() *Generator { return New(now, rand.NewChaCha8([32]byte{7})) }
	a, b := seeded(), seeded()
	var prev uuid.UUID
	for i := range 2000 {
		if i == 1000 {
			at = at.Add(-time.Hour) // a clock that goes back keeps the order too
		}
		if i == 1500 {
			at = at.Add(2 * time.Hour)
		}
		x, err := a.New()
		if err != nil {
			t.Fatal(err)
		}
		y, _ := b.New()
		if x != y {
			t.Fatalf("id %d: %s and %s from the same seed", i, x, y)
		}
		if x.Version() != 7 || x.Variant() != uuid.RFC4122 {
			t.Fatalf("id %s: version %d variant %v", x, x.Version(), x.Variant())
		}
		if i > 0 && bytes.Compare(prev[:], x[:]) >= 0 {
			t.Fatalf("id %d: %s does not sort after %s", i, x, prev)
		}
		prev = x
	}
}

func TestIDsCarry(t *testing.T) {
	// rand_b all ones: the next ID carries into rand_a, past the variant bits.
	g := New(func() time.Time { return time.UnixMilli(1) }, bytes.NewReader(append([]byte{0, 0}, bytes.Repeat([]byte{0xff}, 8)...)))
	first, _ := g.New()
	second, err := g.New()
	if err != nil || bytes.Compare(first[:], second[:]) >= 0 || second.Version() != 7 || second.Variant() != uuid.RFC4122 || second[7] != 1 {
		t.Fatalf("%s then %s (%v)", first, second, err)
	}
}
