package rules_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/pipeline/rules"
)

func TestSentences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"   \n\t ", nil},
		{"One sentence", []string{"One sentence"}},
		{"First one. Second one.", []string{"First one.", "Second one."}},
		{"Is it? Yes! Good.", []string{"Is it?", "Yes!", "Good."}},
		{"Really?! No way.", []string{"Really?!", "No way."}},
		{"Mr. Smith met Dr. Jones at St. Mary's.", []string{"Mr. Smith met Dr. Jones at St. Mary's."}},
		{"Prof. Ada Lovelace wrote it. Then she left.", []string{"Prof. Ada Lovelace wrote it.", "Then she left."}},
		{"Use a fruit, e.g. Apples or pears. I.e. Fruit.", []string{"Use a fruit, e.g. Apples or pears.", "I.e. Fruit."}},
		{"J. R. R. Tolkien wrote it.", []string{"J. R. R. Tolkien wrote it."}},
		{"Pi is 3.14 roughly. Go 1.26 is out.", []string{"Pi is 3.14 roughly.", "Go 1.26 is out."}},
		{"It costs $4.50 today. Cheap.", []string{"It costs $4.50 today.", "Cheap."}},
		{"See example.com for details. Mail me at a.b@example.org now.", []string{"See example.com for details.", "Mail me at a.b@example.org now."}},
		{"Open notes.md and read. Then edit config.yaml.", []string{"Open notes.md and read.", "Then edit config.yaml."}},
		{"I visited example.com. It was down.", []string{"I visited example.com.", "It was down."}},
		{"The train leaves at 7:30 a.m. The bus at 8.", []string{"The train leaves at 7:30 a.m.", "The bus at 8."}},
		{"Meet at 9 a.m. tomorrow.", []string{"Meet at 9 a.m. tomorrow."}},
		{"We met on Jan. 5 in the U.S. It snowed.", []string{"We met on Jan. 5 in the U.S.", "It snowed."}},
		{"See item No. 5 here. The answer is no. We left.", []string{"See item No. 5 here.", "The answer is no.", "We left."}},
		{"Apples, pears, etc. Then lunch.", []string{"Apples, pears, etc.", "Then lunch."}},
		{"Apples, pears, etc. are fruit.", []string{"Apples, pears, etc. are fruit."}},
		{"I waited... Then I left.", []string{"I waited...", "Then I left."}},
		{"Well… I think so.", []string{"Well…", "I think so."}},
		{"I waited... and waited.", []string{"I waited... and waited."}},
		{`She said "I love it." Then she left.`, []string{`She said "I love it."`, "Then she left."}},
		{"He asked 'why?' and smiled.", []string{"He asked 'why?' and smiled."}},
		{"(It was great.) Next time, bring food.", []string{"(It was great.)", "Next time, bring food."}},
		{"She wrote “Done.” She slept.", []string{"She wrote “Done.”", "She slept."}},
		{"first line\ncontinues here.", []string{"first line continues here."}},
		{"Heading\nThe body starts here.", []string{"Heading", "The body starts here."}},
		{"Para one.\n\nPara two", []string{"Para one.", "Para two"}},
		{"no terminator\n\nstill separate", []string{"no terminator", "still separate"}},
		{"Groceries:\n- milk\n- eggs and\n  bread\n* tea", []string{"Groceries:", "milk", "eggs and bread", "tea"}},
		{"Steps:\n1. Boil water.\n2) Add tea", []string{"Steps:", "Boil water.", "Add tea"}},
		{"• one\n• two", []string{"one", "two"}},
		{"Spaces   inside\tare   collapsed .", []string{"Spaces inside are collapsed ."}},
		{"Windows\r\nline endings.", []string{"Windows line endings."}},
		{"... ?! ---", nil},
		{"Trailing space. ", []string{"Trailing space."}},
		{"Hello!!! How are you??", []string{"Hello!!!", "How are you??"}},
		{"I scored 10. 5 people watched.", []string{"I scored 10.", "5 people watched."}},
		{"这是中文。这是第二句。", []string{"这是中文。这是第二句。"}},
	}
	for _, c := range cases {
		if got := rules.Sentences(c.in); !slices.Equal(got, c.want) {
			t.Errorf("Sentences(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestSentencesInvalidUTF8(t *testing.T) {
	t.Parallel()
	got := rules.Sentences("Bad \xff byte. Next one.")
	want := []string{"Bad \uFFFD byte.", "Next one."}
	if !slices.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func FuzzSentences(f *testing.F) {
	for _, s := range []string{"Mr. Smith went. He left!", "e.g. this\n- item\n1) x", "3.14... “Q?” (A.)", "\xff.\xfe!", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := rules.Sentences(in)
		src := strings.Fields(strings.ToValidUTF8(in, "\uFFFD"))
		var words []string
		for _, s := range out {
			if s == "" || s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
				t.Fatalf("sentence %q is empty or not trimmed/collapsed", s)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("sentence %q is not valid UTF-8", s)
			}
			words = append(words, strings.Fields(s)...)
		}
		// Every output word comes from the input, in order (list markers may be dropped).
		j := 0
		for _, w := range words {
			for j < len(src) && !strings.HasSuffix(src[j], w) && src[j] != w {
				j++
			}
			if j == len(src) {
				t.Fatalf("word %q of %q is not in the input %q in order", w, out, in)
			}
			j++
		}
	})
}

func BenchmarkSentences(b *testing.B) {
	para := "Dr. Smith met Alice at 9 a.m. on Jan. 5. They talked about Go 1.26 and example.com! " +
		"Was it useful? She said \"Yes.\" Then they left... Apples, pears, etc. were served.\n"
	text := strings.Repeat(para, 10_240/len(para)+1)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		rules.Sentences(text)
	}
}
