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

// lexemeCacheWords bounds the tokens whose descriptions are cached, and lexemeCacheLen the length of
// a token that is: the most frequent few thousand words make most of a language's running text, a
// description takes about 150 bytes with its entry (so the cache holds at most about 2.5 MiB), and
// the bound keeps hostile input (random tokens) from growing the cache without end.
const (
	lexemeCacheWords = 1 << 14
	lexemeCacheLen   = 32
)

// lexemeCache maps tokens, as written, to their Word (Clause aside), for any number of goroutines:
// a memory engine sees the same words again and again, and describing one (lower case, stem, value)
// costs a microsecond. It fills up to lexemeCacheWords and then only serves what it holds.
type lexemeCache struct {
	m    sync.Map // string -> Word
	size atomic.Int64
}

var lexemes lexemeCache

func (c *lexemeCache) get(tok string) (Word, bool) {
	v, ok := c.m.Load(tok)
	if !ok {
		return Word{}, false
	}
	return v.(Word), true
}

func (c *lexemeCache) put(tok string, w Word) {
	if len(tok) > lexemeCacheLen || c.size.Load() >= lexemeCacheWords {
		return
	}
	if _, loaded := c.m.LoadOrStore(strings.Clone(tok), w); !loaded {
		c.size.Add(1)
	}
}
