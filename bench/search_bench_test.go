package bench_test

import (
	"testing"

	"github.com/mnemohq/mnemo/bench"
)

// BenchmarkSearch is one round of the Search benchmark per op: a scope grown to 100,000 memories,
// searched at 1k, 10k and 100k in every mode.
func BenchmarkSearch(b *testing.B) { bench.Search(b) }
