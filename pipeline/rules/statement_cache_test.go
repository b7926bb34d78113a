package rules

import (
	"fmt"
	"testing"
)

// TestStatementCacheGenerations fills the cache past several generations: it never holds more than
// two generations' worth, a statement read again moves to the newer generation and stays, and a
// content said by another user is another statement.
func TestStatementCacheGenerations(t *testing.T) {
	c := statementCache{now: make(map[statementKey]*statement), seeds: statements.seeds}
	const kept = "I live in Lisbon."
	first := c.get(kept, "ann")
	if c.get(kept, "ann") != first {
		t.Fatal("a statement read twice was read anew")
	}
	if other := c.get(kept, "bob"); other == first {
		t.Fatal("another user's statement of the same content is the same statement")
	}
	for i := range 3 * statementCacheGeneration {
		c.get(fmt.Sprintf("Fact number %d.", i), "ann")
		if i%(statementCacheGeneration/2) == 0 && c.get(kept, "ann") != first {
			t.Fatalf("after %d other statements, one read all along was dropped", i)
		}
		if n := len(c.now) + len(c.old); n > 2*statementCacheGeneration {
			t.Fatalf("the cache holds %d statements, more than two generations", n)
		}
	}
	if c.get("Fact number 0.", "ann") == nil {
		t.Fatal("a statement dropped from the cache was not read again")
	}
}
