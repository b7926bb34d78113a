package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
)

// median returns the median of vals (0 for none), leaving vals unchanged.
func median(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(vals))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// runRounds runs rounds of the benchmark name, saying on stderr how each went (summary's line) or
// that it failed.
func runRounds[T any](ctx context.Context, name string, rounds int, run func(context.Context) (T, error), summary func(T) string) ([]T, error) {
	var out []T
	for i := range rounds {
		fmt.Fprintf(os.Stderr, "round %d/%d: %s ... ", i+1, rounds, name)
		r, err := run(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, "failed")
			return nil, err
		}
		fmt.Fprintln(os.Stderr, summary(r))
		out = append(out, r)
	}
	return out, nil
}

// row is one measurement over the rounds, printed as its median and its range.
type row struct {
	label  string
	vals   []float64
	format func(float64) string
}

// printRows prints rows as a Markdown table of median and range over rounds.
func printRows(rows []row) {
	fmt.Println("| measurement | median | range over rounds |")
	fmt.Println("|---|--:|--:|")
	for _, r := range rows {
		lo, hi := slices.Min(r.vals), slices.Max(r.vals)
		fmt.Printf("| %s | %s | %s–%s |\n", r.label, r.format(median(r.vals)), r.format(lo), r.format(hi))
	}
	fmt.Println()
}

// target is one target and whether the measurement met it.
type target struct {
	what, measured string
	met            bool
}

// printTargets prints the targets as a Markdown table and returns how many were missed.
func printTargets(targets []target) int {
	missed := 0
	fmt.Println("| target | measured | met |")
	fmt.Println("|---|--:|---|")
	for _, t := range targets {
		fmt.Printf("| %s | %s | %s |\n", t.what, t.measured, yes(t.met))
		if !t.met {
			missed++
		}
	}
	fmt.Println()
	return missed
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// seconds formats a time given in seconds with a unit that suits it.
func seconds(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", s)
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", s)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.0f ms", s*1e3)
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", s*1e3)
	}
	return fmt.Sprintf("%.0f µs", s*1e6)
}

// count formats a number with thousands separators, rounded to a whole number.
func count(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// times formats a ratio.
func times(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0fx", v)
	}
	return fmt.Sprintf("%.2fx", v)
}

// mib formats a size in bytes as MiB.
func mib(v float64) string { return fmt.Sprintf("%.1f MiB", v/(1<<20)) }

// collect maps f over the rounds.
func collect[T any](rounds []T, f func(T) float64) []float64 {
	out := make([]float64, len(rounds))
	for i, r := range rounds {
		out[i] = f(r)
	}
	return out
}

// secs returns f's duration in seconds, for collect.
func secs[T any](f func(T) time.Duration) func(T) float64 {
	return func(r T) float64 { return f(r).Seconds() }
}
