package analysis_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/internal/analysis"
)

func FuzzTerms(f *testing.F) {
	for _, s := range []string{
		"Caroline: I don't like tea.", "It’s 4.5 km, 1,000 people, in 2023; 10:30", "twenty-five on May 5th",
		"我很好。Привет", "\xff\xfe'’ ::: a:b", "Note: x", "http://x.y: z", "0000.000,,,1", "naïve café",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		terms := analysis.Terms(s)
		if again := analysis.Terms(s); !slices.Equal(terms, again) {
			t.Fatalf("not deterministic: %q then %q", terms, again)
		}
		seen := make(map[string]bool)
		for _, term := range terms {
			if term == "" || seen[term] || !utf8.ValidString(term) {
				t.Fatalf("term %q: empty, repeated or invalid in %q", term, terms)
			}
			seen[term] = true
		}
		speaker, body := analysis.SplitSpeaker(s)
		if speaker != "" && !strings.Contains(s, speaker+":") {
			t.Fatalf("speaker %q is not before a colon in %q", speaker, s)
		}
		if !strings.HasSuffix(s, body) {
			t.Fatalf("body %q does not end %q", body, s)
		}
		for i, w := range analysis.Words(s) {
			if w.Lower == "" || w.Stem == "" || (w.Stop && w.Value != "") {
				t.Fatalf("word %d of %q: %+v", i, s, w)
			}
		}
	})
}

// TestTermsLinear reads inputs that would take minutes with a quadratic algorithm.
func TestTermsLinear(t *testing.T) {
	t.Parallel()
	const n = 100_000
	for _, in := range []string{
		strings.Repeat("a ", n),
		strings.Repeat("twenty-", n),
		strings.Repeat("1,", n),
		strings.Repeat("no, ", n),
		strings.Repeat("x", n) + ": y",
		strings.Repeat("我", n),
	} {
		analysis.Terms(in)
	}
}
