package rules

import (
	"crypto/sha256"
	"sync"
)

// statementCacheSize bounds the statements kept between requests. A scope's memories come up as
// related again and again (each new fact of a user meets the same few), so reading each once saves
// most of a Reconciler's work. A statement of a typical fact takes about 1.5 KiB, so the cache holds
// about 25 MiB when full; it then starts over.
const statementCacheSize = 16384

// statementCacheLen is the longest content cached by its text: a longer one is cached by its SHA-256,
// so that the cache holds at most statementCacheSize x statementCacheLen bytes of content.
const statementCacheLen = 2048

// statements caches the statements the Reconcilers have read, by content and user. A statement is
// never changed once read, so one may serve any number of goroutines.
var statements = statementCache{m: make(map[statementKey]*statement)}

type statementKey struct{ content, user string }

type statementCache struct {
	mu sync.Mutex
	m  map[statementKey]*statement
}

// get returns the statement of content said by user, reading it if it is not cached.
func (c *statementCache) get(content, user string) *statement {
	k := statementKey{content, user}
	if len(content) > statementCacheLen {
		sum := sha256.Sum256([]byte(content))
		k.content = "\x00" + string(sum[:])
	}
	c.mu.Lock()
	s, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return s
	}
	s = newStatement(content, user)
	c.mu.Lock()
	if len(c.m) >= statementCacheSize {
		clear(c.m)
	}
	c.m[k] = s
	c.mu.Unlock()
	return s
}
