package bench_test

import (
	"testing"

	"github.com/mnemohq/mnemo/bench"
)

func BenchmarkRunsGet(b *testing.B) { bench.RunsGet(b) }
func BenchmarkRawGet(b *testing.B)  { bench.RawGet(b) }

func BenchmarkAdd1(b *testing.B)     { bench.Add(b, 1) }
func BenchmarkAdd64(b *testing.B)    { bench.Add(b, 64) }
func BenchmarkRawPut1(b *testing.B)  { bench.RawPut(b, 1) }
func BenchmarkRawPut64(b *testing.B) { bench.RawPut(b, 64) }

// The end-to-end benchmarks: one op is a whole round (hundreds of adds, a 6 MiB input, 10,000 runs
// parked and flushed, or a scope grown to 100,000 memories), so `go test -bench` usually runs each
// once; use -count for more.
func BenchmarkConversations(b *testing.B) { bench.Conversations(b) }
func BenchmarkTexts(b *testing.B)         { bench.Texts(b) }
func BenchmarkLatency(b *testing.B)       { bench.Latency(b) }
func BenchmarkBuffers(b *testing.B)       { bench.Buffers(b) }
func BenchmarkReconcile(b *testing.B)     { bench.Reconcile(b) }

func BenchmarkFile(b *testing.B) { bench.File(b) }
