// Package gencache is a bounded cache of two generations, for the caches of text analysis: new
// entries go to the newer generation; when it is full (by count, or by the weight of what it
// holds), it becomes the older and the older is dropped; an entry found in the older moves to the
// newer. So the entries in use stay, whatever else passed through, and the cache never holds more
// than two generations, whatever the input.
package gencache

import "sync"

// Cache is a cache of two generations, safe for concurrent use. The zero Cache is not usable: see
// New.
type Cache[K comparable, V any] struct {
	mu       sync.Mutex
	now, old map[K]V // the newer generation and the older
	weight   int     // the weight of the newer generation

	entries, maxWeight int
	weigh              func(V) int
	keep               func(K) K
}

// New returns a cache whose generations hold at most entries entries and maxWeight of weight, as
// weigh tells each value's. keep, if not nil, makes the key a cache stores from the caller's (a
// copy of a string that may share a larger one's bytes, say).
func New[K comparable, V any](entries, maxWeight int, weigh func(V) int, keep func(K) K) *Cache[K, V] {
	return &Cache[K, V]{now: make(map[K]V), entries: entries, maxWeight: maxWeight, weigh: weigh, keep: keep}
}

// Get returns the value of k, if it is cached, and moves it to the newer generation.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.now[k]
	if !ok {
		if v, ok = c.old[k]; ok {
			c.add(k, v)
		}
	}
	return v, ok
}

// Put caches v as k's value.
func (c *Cache[K, V]) Put(k K, v V) {
	c.mu.Lock()
	c.add(k, v)
	c.mu.Unlock()
}

// Holds reports whether k is cached, in either generation, without moving it.
func (c *Cache[K, V]) Holds(k K) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, now := c.now[k]
	_, old := c.old[k]
	return now || old
}

// Len returns how many entries the cache holds.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.now) + len(c.old)
}

// Size returns how many entries the cache holds and their weight, which it counts.
func (c *Cache[K, V]) Size() (entries, weight int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, g := range []map[K]V{c.now, c.old} {
		for _, v := range g {
			entries++
			weight += c.weigh(v)
		}
	}
	return entries, weight
}

// add adds k's value to the newer generation, starting a new one if it is full. c.mu must be held.
func (c *Cache[K, V]) add(k K, v V) {
	w := c.weigh(v)
	if len(c.now) >= c.entries || c.weight+w > c.maxWeight {
		c.old, c.now, c.weight = c.now, make(map[K]V, c.entries), 0
	}
	if c.keep != nil {
		k = c.keep(k)
	}
	c.now[k] = v
	c.weight += w
}
