package bench_test

import (
	"os"
	"testing"

	"github.com/mnemohq/mnemo/bench"
)

// TestMain removes the lookup fixture once the benchmarks are done.
func TestMain(m *testing.M) {
	code := m.Run()
	bench.Cleanup()
	os.Exit(code)
}
