// Command report runs mnemo's benchmarks beside their raw bbolt baselines in one process and prints
// a Markdown report: the machine, each measurement, the ratios, and whether each target is met.
//
//	go run ./bench/report            # prints the report
//	go run ./bench/report -check     # also exits 1 if a target is missed
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/bench"
)

type result struct {
	name string
	r    testing.BenchmarkResult
}

func (r result) nsPerOp() float64 { return float64(r.r.T.Nanoseconds()) / float64(r.r.N) }
func (r result) opsPerSec() float64 {
	return float64(r.r.N) / r.r.T.Seconds()
}

func run(name string, fn func(*testing.B)) result {
	fmt.Fprintf(os.Stderr, "running %s...\n", name)
	return result{name, testing.Benchmark(fn)}
}

func main() {
	check := flag.Bool("check", false, "exit 1 if a target is missed")
	testing.Init()
	flag.Parse()
	defer bench.Cleanup()

	get := run("Runs.Get", bench.RunsGet)
	rawGet := run("raw View+Get", bench.RawGet)
	add1 := run("Add, 1 caller", func(b *testing.B) { bench.Add(b, 1) })
	add64 := run("Add, 64 callers", func(b *testing.B) { bench.Add(b, 64) })
	raw1 := run("raw Update per put, 1 caller", func(b *testing.B) { bench.RawPut(b, 1) })
	raw64 := run("raw Update per put, 64 callers", func(b *testing.B) { bench.RawPut(b, 64) })

	fmt.Printf("## Benchmark report, %s\n\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("Machine: %s, %d logical CPUs (GOMAXPROCS %d), %s/%s, %s. Temp folder: %s.\n\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, runtime.Version(), os.TempDir())
	fmt.Println("| operation | n | ns/op | ops/s | B/op | allocs/op |")
	fmt.Println("|---|--:|--:|--:|--:|--:|")
	for _, r := range []result{get, rawGet, add1, add64, raw1, raw64} {
		fmt.Printf("| %s | %d | %.0f | %.0f | %d | %d |\n", r.name, r.r.N, r.nsPerOp(), r.opsPerSec(), r.r.AllocedBytesPerOp(), r.r.AllocsPerOp())
	}
	getRatio := get.nsPerOp() / rawGet.nsPerOp()
	addRatio := add64.opsPerSec() / raw1.opsPerSec()
	fmt.Println()
	fmt.Println("| target | measured | met |")
	fmt.Println("|---|--:|---|")
	fmt.Printf("| Runs.Get within 2x of raw View+Get | %.2fx | %s |\n", getRatio, yes(getRatio <= 2))
	fmt.Printf("| 64 concurrent Adds at least 4x raw one-put-per-Update (1 caller) | %.1fx | %s |\n", addRatio, yes(addRatio >= 4))
	fmt.Printf("| (for reference) 64 concurrent Adds vs raw one-put-per-Update with 64 callers | %.1fx | |\n", add64.opsPerSec()/raw64.opsPerSec())
	fmt.Printf("| (for reference) 1 caller Add vs raw one-put-per-Update, 1 caller | %.2fx | |\n", add1.opsPerSec()/raw1.opsPerSec())
	if *check && (getRatio > 2 || addRatio < 4) {
		os.Exit(1)
	}
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// cpuModel reads the CPU's name from /proc/cpuinfo where there is one.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if k, v, ok := strings.Cut(s.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
