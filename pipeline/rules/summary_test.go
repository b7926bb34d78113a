package rules_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

func facts(contents ...string) []memory.Fact {
	out := make([]memory.Fact, len(contents))
	for i, c := range contents {
		out[i] = memory.Fact{Content: c}
	}
	return out
}

func TestSummarizer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		max      int
		previous string
		facts    []memory.Fact
		want     string
	}{
		{"first", 0, "", facts("Ann: I live in Oslo.", "Ann: I   like tea."), "Ann: I live in Oslo.\nAnn: I like tea."},
		{"appends", 0, "Ann: I live in Oslo.", facts("Ann: I like tea."), "Ann: I live in Oslo.\nAnn: I like tea."},
		{"a repeat moves to the end", 0, "A is one.\nB is two.", facts("a is ONE!"), "B is two.\na is ONE!"},
		{"repeats within the new facts", 0, "", facts("X.", "Y.", "x"), "Y.\nx"},
		{"oldest drop off the front", 12, "aaaa\nbbbb", facts("cccc"), "bbbb\ncccc"},
		{"one fact longer than the bound is cut", 10, "", facts("abcdefghijklmnop"), "abcdefg…"},
		{"punctuation only is nothing", 0, "", facts("...", "Real."), "Real."},
		{"nothing new", 0, "Kept.", nil, "Kept."},
	} {
		got, err := rules.Summarizer{MaxBytes: tc.max}.Summarize(ctx, pipeline.SummarizeRequest{Previous: tc.previous, Facts: tc.facts})
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
		if tc.max > 0 && len(got) > tc.max {
			t.Errorf("%s: %d bytes over the bound %d", tc.name, len(got), tc.max)
		}
	}
	long := strings.Repeat("é", 10) // 20 bytes; cut must not split a character
	if got, _ := (rules.Summarizer{MaxBytes: 8}).Summarize(ctx, pipeline.SummarizeRequest{Facts: facts(long)}); got != "éé…" {
		t.Errorf("cut at a character boundary: %q", got)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := (rules.Summarizer{}).Summarize(canceled, pipeline.SummarizeRequest{Facts: facts("x")}); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}

// TestSummarizerBounded folds many facts in, a firing at a time: the summary never grows past its
// bound, and holds the latest facts.
func TestSummarizerBounded(t *testing.T) {
	t.Parallel()
	s := rules.Summarizer{MaxBytes: 200}
	summary := ""
	for i := range 100 {
		var err error
		summary, err = s.Summarize(context.Background(), pipeline.SummarizeRequest{Previous: summary,
			Facts: facts("Fact number " + strings.Repeat("x", i%7) + " said at firing " + string(rune('A'+i%26)) + ".")})
		if err != nil || len(summary) > 200 {
			t.Fatalf("firing %d: %d bytes, %v", i, len(summary), err)
		}
	}
	if !strings.HasSuffix(summary, "at firing V.") {
		t.Fatalf("the latest fact is not last: %q", summary)
	}
}
