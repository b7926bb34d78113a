package rules

import (
	"encoding/binary"
	"hash/maphash"

	"github.com/mnemohq/mnemo/internal/gencache"
)

// statementCacheGeneration bounds the statements kept between requests. A scope's memories come
// up as related again and again (each new fact of a user meets the same few), so reading each once
// saves most of a Reconciler's work. The cache keeps two generations: when the newer holds this many
// statements it becomes the older, and the older is dropped; a statement found in the older moves to
// the newer. A statement of a typical fact takes about 600 bytes, so the cache holds at most 12,288
// of them, about 7 MiB. A round of 600 conversations of 60 users keeps meeting about 10,000
// memories: this size reads 11,000 statements in it, against 9,760 at most and 15,700 for
// generations of 4,096.
const statementCacheGeneration = 6144

// statementCacheGenerationKeys bounds the keys of the statements a generation holds: a statement of
// 64 KiB of distinct words has thousands, and a cache of such statements would otherwise hold
// gigabytes. A typical statement has about twelve, so this bound starts a generation early only for
// long ones.
const statementCacheGenerationKeys = 1 << 17

// statements caches the statements the Reconcilers have read, by content and user. A statement is
// never changed once read, so one may serve any number of goroutines.
var statements = newStatementCache()

// statementCache is the cache of statements, by a key of their content and user.
type statementCache struct {
	*gencache.Cache[statementKey, *statement]
	seeds [2]maphash.Seed
}

// newStatementCache returns an empty cache of the bounds above; a statement's weight is its keys.
func newStatementCache() *statementCache {
	return &statementCache{
		Cache: gencache.New[statementKey](statementCacheGeneration, statementCacheGenerationKeys, func(s *statement) int { return len(s.keys) }, nil),
		seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
	}
}

// statementKey identifies a content and a user by two hashes of them, with independent seeds: the
// cache keeps neither string, and two pairs share a key with a chance of 2^-128.
type statementKey [2]uint64

// key returns the key of content said by user.
func (c *statementCache) key(content, user string) statementKey {
	var k statementKey
	for i, seed := range c.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(user))) // no user's end is another's start
		h.Write(n[:])
		h.WriteString(user)
		h.WriteString(content)
		k[i] = h.Sum64()
	}
	return k
}

// get returns the statement of content said by user, reading it if it is not cached.
func (c *statementCache) get(content, user string) *statement {
	k := c.key(content, user)
	if s, ok := c.Get(k); ok {
		return s
	}
	s := newStatement(content, user)
	c.Put(k, s)
	return s
}
