package rules

import (
	"fmt"
	"strings"
	"testing"
)

// TestStatementCacheGenerations fills the cache past several generations: it never holds more than
// two generations' worth, a statement read again moves to the newer generation and stays, and a
// content said by another user is another statement.
func TestStatementCacheGenerations(t *testing.T) {
	c := newStatementCache()
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
		if n := c.Len(); n > 2*statementCacheGeneration {
			t.Fatalf("the cache holds %d statements, more than two generations", n)
		}
	}
	if c.Holds(c.key("Fact number 0.", "ann")) {
		t.Error("a statement not read for three generations is still cached")
	}
}

// TestStatementCacheBoundsKeys caches statements of thousands of distinct words: the generations
// fill by keys before they fill by statements.
func TestStatementCacheBoundsKeys(t *testing.T) {
	c := newStatementCache()
	var words []string
	for i := range 4000 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	body := strings.Join(words, " ") + "."
	for i := range 4 * statementCacheGenerationKeys / 4000 {
		c.get(fmt.Sprint(i, " ", body), "ann")
		if _, n := c.Size(); n > 2*statementCacheGenerationKeys {
			t.Fatalf("the cache holds statements of %d keys, more than two generations", n)
		}
	}
}
