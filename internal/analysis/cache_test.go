package analysis

import (
	"fmt"
	"strings"
	"testing"
)

// TestWordsCacheGenerations reads more texts than the cache holds: it never keeps more than two
// generations, a text read all along stays, and texts too long are not kept.
func TestWordsCacheGenerations(t *testing.T) {
	c := newWordsCache()
	const kept = "I live in Lisbon."
	c.Put(kept, readWords(kept))
	for i := range 3 * wordsCacheGeneration {
		text := fmt.Sprintf("Fact number %d.", i)
		c.Put(text, readWords(text))
		if i%(wordsCacheGeneration/2) == 0 {
			if _, ok := c.Get(kept); !ok {
				t.Fatalf("after %d other texts, one read all along was dropped", i)
			}
		}
		if n := c.Len(); n > 2*wordsCacheGeneration {
			t.Fatalf("the cache holds %d texts, more than two generations", n)
		}
	}
	if c.Holds("Fact number 0.") {
		t.Error("a text not read for three generations is still cached")
	}
	// Texts of many words: the generations fill by words before they fill by texts.
	many := strings.Repeat("a ", wordsCacheLen/2-8)
	for i := range 4 * wordsCacheGenerationWords / (wordsCacheLen / 2) {
		text := fmt.Sprint(many, i)
		c.Put(text, readWords(text))
		if _, n := c.Size(); n > 2*wordsCacheGenerationWords {
			t.Fatalf("the cache holds %d words, more than two generations", n)
		}
	}
	long := strings.Repeat("word ", wordsCacheLen)
	Words(long)
	if wordsOf.Holds(long) {
		t.Error("a text longer than wordsCacheLen was cached")
	}
}

// TestLexemeCacheGenerations describes more tokens than the lexeme cache holds: a word in use all
// along stays cached, the cache never holds more than two generations, and a token seen once long
// ago is described anew, the same.
func TestLexemeCacheGenerations(t *testing.T) {
	c := new(lexemeCache)
	c.now.Store(new(lexemeGeneration))
	size := func() int64 {
		n := c.now.Load().size.Load()
		if old := c.old.Load(); old != nil {
			n += old.size.Load()
		}
		return n
	}
	c.put("Tea", describe("Tea"))
	for i := range 3 * lexemeCacheGeneration {
		tok := fmt.Sprint(i)
		c.put(tok, describe(tok))
		if i%(lexemeCacheGeneration/2) == 0 {
			if w, ok := c.get("Tea"); !ok || w.Stem != "tea" {
				t.Fatalf("after %d other tokens, a word in use all along: %+v, %v", i, w, ok)
			}
		}
		if n := size(); n > 2*lexemeCacheGeneration {
			t.Fatalf("the cache holds %d tokens, more than two generations", n)
		}
	}
	if _, ok := c.get("0"); ok {
		t.Error("a token not seen for three generations is still cached")
	}
	long := strings.Repeat("x", lexemeCacheLen+1)
	c.put(long, describe(long))
	if _, ok := c.get(long); ok {
		t.Error("a token longer than lexemeCacheLen was cached")
	}
}
