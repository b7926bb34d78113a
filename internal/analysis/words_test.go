package analysis_test

import (
	"slices"
	"testing"

	"github.com/mnemohq/mnemo/internal/analysis"
)

func TestTerms(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"Caroline: I went running in Boston.", []string{"went", "run", "boston"}},
		{"I run marathons every spring, and I RUN!", []string{"run", "marathon", "everi", "spring"}},
		{"I don't like tea.", []string{"like", "tea"}},
		{"It’s 4.5 km, 1,000 people, in 2023.", []string{"4.5", "km", "1,000", "peopl", "2023"}},
		{"Caroline's sister lives in Paris.", []string{"carolin", "sister", "live", "pari"}},
		{"I have two cats and 3rd place.", []string{"two", "cat", "3rd", "place"}},
		{"The meeting is on Monday.", []string{"meet", "monday"}},
		{"I may march in May.", []string{"march", "may"}},
		{"我很好", []string{"我", "很", "好"}},
		{"Привет, мир!", []string{"привет", "мир"}},
		{"Note: buy milk", []string{"note", "buy", "milk"}},
		{"I am. You are!", nil},
		{"", nil},
		{"😊 !!", nil},
	} {
		if got := analysis.Terms(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Terms(%q) = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestWordsNegation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string // the words that negate
	}{
		{"I don't like tea.", []string{"don't"}},
		{"I don’t like tea.", []string{"don't"}},
		{"I dont like tea.", []string{"dont"}},
		{"I never eat meat and I have no car.", []string{"never", "no"}},
		{"Nobody came; nothing happened.", []string{"nobody", "nothing"}},
		{"She isn't here, he won't come.", []string{"isn't", "won't"}},
		{"No, I live in Paris.", nil},
		{"No.", nil},
		{"I like tea.", nil},
		{"Notably, I know it.", nil},
	} {
		var got []string
		for _, w := range analysis.Words(c.in) {
			if w.Negation {
				got = append(got, w.Lower)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("negations of %q = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestWordsValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []string // the values, in order
	}{
		{"I have 2 cats.", []string{"2"}},
		{"I have two cats.", []string{"2"}},
		{"It cost 4.50 or 1,000.00 or 007.", []string{"4.5", "1000", "7"}},
		{"On May 5th, 2023 at 10:30.", []string{"may", "5", "2023", "10", "30"}},
		{"I may march in March.", []string{"march"}},
		{"The meeting is on Monday, not TUESDAY.", []string{"monday", "tuesday"}},
		{"I am twenty-five, she is twenty five, he is twenty, five.", []string{"25", "25", "25", "25", "20", "5"}},
		{"Go 1.26.1 and v2 and 10am.", []string{"1.26.1", "10"}},
		{"zero one", []string{"0", "1"}},
		{"I sat in the sun with Jan.", nil},
	} {
		var got []string
		for _, w := range analysis.Words(c.in) {
			if w.Value != "" {
				got = append(got, w.Value)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("values of %q = %q; want %q", c.in, got, c.want)
		}
	}
}

func TestWordsClauses(t *testing.T) {
	t.Parallel()
	var got []int32
	for _, w := range analysis.Words("I live in Paris, with my wife; we met at 10:30 (really) — yes") {
		got = append(got, w.Clause)
	}
	want := []int32{0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 5}
	if !slices.Equal(got, want) {
		t.Errorf("clauses %v; want %v", got, want)
	}
}

func TestWordsStem(t *testing.T) {
	t.Parallel()
	ws := analysis.Words("Living lives LIVED naïve 3rd Привет I'm")
	var stems []string
	var stops []bool
	for _, w := range ws {
		stems = append(stems, w.Stem)
		stops = append(stops, w.Stop)
	}
	if want := []string{"live", "live", "live", "naïv", "3rd", "привет", "i'm"}; !slices.Equal(stems, want) {
		t.Errorf("stems %q; want %q", stems, want)
	}
	if want := []bool{false, false, false, false, false, false, true}; !slices.Equal(stops, want) {
		t.Errorf("stops %v; want %v", stops, want)
	}
	if ws[6].Term() != "" || ws[0].Term() != "live" {
		t.Errorf("Term: %q, %q", ws[6].Term(), ws[0].Term())
	}
}
