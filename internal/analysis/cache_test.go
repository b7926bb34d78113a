package analysis

import (
	"fmt"
	"strings"
	"testing"
)

// TestWordsCacheGenerations reads more texts than the cache holds: it never keeps more than two
// generations, a text read all along stays, and texts too long are not kept.
func TestWordsCacheGenerations(t *testing.T) {
	c := wordsCache{now: make(map[string][]Word)}
	const kept = "I live in Lisbon."
	c.put(kept, readWords(kept))
	for i := range 3 * wordsCacheGeneration {
		text := fmt.Sprintf("Fact number %d.", i)
		c.put(text, readWords(text))
		if i%(wordsCacheGeneration/2) == 0 {
			if _, ok := c.get(kept); !ok {
				t.Fatalf("after %d other texts, one read all along was dropped", i)
			}
		}
		if n := len(c.now) + len(c.old); n > 2*wordsCacheGeneration {
			t.Fatalf("the cache holds %d texts, more than two generations", n)
		}
	}
	if _, ok := c.get("Fact number 0."); ok {
		t.Error("a text not read for three generations is still cached")
	}
	long := strings.Repeat("word ", wordsCacheLen)
	c.put(long, readWords(long))
	if _, ok := c.get(long); ok {
		t.Error("a text longer than wordsCacheLen was cached")
	}
}
