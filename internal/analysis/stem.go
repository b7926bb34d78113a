package analysis

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/kljensen/snowball/english"
)

// stem returns the Porter2 stem of lower, a word in lower case, when it is made of Latin letters and
// apostrophes: the English stemmer means nothing to other scripts, and numbers ("4.5", "2nd") are
// kept as they are. The stemmer's stop word exception is off, so that every word is stemmed alike.
func stem(lower string) string {
	if strings.IndexFunc(lower, notStemRune) < 0 {
		return english.Stem(lower, true)
	}
	return lower
}

// notStemRune reports whether r keeps a word from being stemmed.
func notStemRune(r rune) bool {
	return r != '\'' && !unicode.Is(unicode.Latin, r)
}

// lexemeCacheGeneration bounds the tokens whose descriptions a generation of the cache holds, and
// lexemeCacheLen the length of a token that is cached. The cache keeps two generations: when the
// newer is full it becomes the older, and the older is dropped; a token found in the older moves to
// the newer. So the words in use stay, whatever else passed through (a cache that filled once and then
// only served what it held kept the numbers of one workload and described every word of the next
// anew), and hostile input (random tokens) cannot grow it: a description takes about 150 bytes with
// its entry, so the cache holds at most about 2.5 MiB.
const (
	lexemeCacheGeneration = 1 << 13
	lexemeCacheLen        = 32
)

// lexemeCache maps tokens, as written, to their Word (Clause aside), for any number of goroutines:
// a memory engine sees the same words again and again, and describing one (lower case, stem, value)
// costs a microsecond. It keeps gencache's two generations, but its reads take no lock (every word
// of every text looks here, where a gencache.Cache would make the goroutines queue on its mutex).
type lexemeCache struct {
	now, old atomic.Pointer[lexemeGeneration]
	mu       sync.Mutex // held to start a generation
}

// lexemeGeneration is one generation of the lexeme cache.
type lexemeGeneration struct {
	m    sync.Map // string -> Word
	size atomic.Int64
}

var lexemes = func() *lexemeCache {
	c := new(lexemeCache)
	c.now.Store(new(lexemeGeneration))
	return c
}()

func (c *lexemeCache) get(tok string) (Word, bool) {
	if v, ok := c.now.Load().m.Load(tok); ok {
		return v.(Word), true
	}
	if old := c.old.Load(); old != nil {
		if v, ok := old.m.Load(tok); ok {
			c.put(tok, v.(Word))
			return v.(Word), true
		}
	}
	return Word{}, false
}

func (c *lexemeCache) put(tok string, w Word) {
	if len(tok) > lexemeCacheLen {
		return
	}
	g := c.now.Load()
	if g.size.Load() >= lexemeCacheGeneration {
		c.mu.Lock()
		if g = c.now.Load(); g.size.Load() >= lexemeCacheGeneration {
			c.old.Store(g)
			g = new(lexemeGeneration)
			c.now.Store(g)
		}
		c.mu.Unlock()
	}
	if _, loaded := g.m.LoadOrStore(strings.Clone(tok), w); !loaded {
		g.size.Add(1)
	}
}
