package gencache

import (
	"fmt"
	"testing"
)

// TestGenerations puts more than the cache holds, by count and then by weight: an entry read all
// along stays, one not read for three generations is gone, and the cache never holds more than two
// generations.
func TestGenerations(t *testing.T) {
	const entries, maxWeight = 64, 1000
	c := New[string, int](entries, maxWeight, func(w int) int { return w }, nil)
	c.Put("kept", 1)
	for _, weight := range []int{1, 100} { // 1: full by count first; 100: by weight
		for i := range 3 * entries {
			c.Put(fmt.Sprint(weight, "-", i), weight)
			if v, ok := c.Get("kept"); !ok || v != 1 {
				t.Fatalf("weight %d, after %d others: kept is %d, %v", weight, i, v, ok)
			}
			if n, w := c.Size(); n > 2*entries || w > 2*maxWeight || c.Len() != n {
				t.Fatalf("weight %d: %d entries of weight %d, more than two generations", weight, n, w)
			}
		}
		if c.Holds(fmt.Sprint(weight, "-0")) {
			t.Errorf("weight %d: an entry not read for three generations is still cached", weight)
		}
	}
}
