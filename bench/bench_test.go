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
