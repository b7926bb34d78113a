package rules_test

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/pipeline/rules"
)

var sentenceCases = []struct {
	name string
	in   string
	want []string
}{
	{"empty", "", nil},
	{"whitespace only", " \t\n\n \r\n ", nil},
	{"one sentence without terminator", "I love hiking", []string{"I love hiking"}},
	{"plain", "I love hiking. My sister lives in Paris! Do you cook?",
		[]string{"I love hiking.", "My sister lives in Paris!", "Do you cook?"}},
	{"whitespace collapsed", "  I   love\thiking.   \t It is   fun.  ",
		[]string{"I love hiking.", "It is fun."}},
	{"titles", "Mr. Smith met Dr. Jones and Prof. Lee. Mrs. Smith and Ms. Chen stayed home.",
		[]string{"Mr. Smith met Dr. Jones and Prof. Lee.", "Mrs. Smith and Ms. Chen stayed home."}},
	{"titles in capitals", "MR. SMITH IS HERE. HE IS LATE.", []string{"MR. SMITH IS HERE.", "HE IS LATE."}},
	{"saint and junior", "We visited St. Louis with Martin Luther King Jr. in May.",
		[]string{"We visited St. Louis with Martin Luther King Jr. in May."}},
	{"lowercase title is a word", "I did one more rep. Then I stopped.", []string{"I did one more rep.", "Then I stopped."}},
	{"latin abbreviations", "Bring fruit, e.g. Apples or pears, i.e. Something fresh. Cats vs. Dogs is old.",
		[]string{"Bring fruit, e.g. Apples or pears, i.e. Something fresh.", "Cats vs. Dogs is old."}},
	{"e.g. before lowercase", "Use a tool, e.g. this one.", []string{"Use a tool, e.g. this one."}},
	{"etc. ends a sentence", "I packed socks, shirts, etc. Then I left.", []string{"I packed socks, shirts, etc.", "Then I left."}},
	{"etc. mid sentence", "Socks, shirts, etc. are packed.", []string{"Socks, shirts, etc. are packed."}},
	{"times", "I woke at 7 a.m. and ran. I slept at 11 p.m. Then I dreamt.",
		[]string{"I woke at 7 a.m. and ran.", "I slept at 11 p.m.", "Then I dreamt."}},
	{"dotted initials", "I moved to the U.S. Last year was hard. The U.S. economy grew.",
		[]string{"I moved to the U.S.", "Last year was hard.", "The U.S. economy grew."}},
	{"company", "She works at Acme Inc. in Berlin. He works at Foo Ltd. It is small.",
		[]string{"She works at Acme Inc. in Berlin.", "He works at Foo Ltd.", "It is small."}},
	{"number and month", "See No. 5 on Jan. 12. No. I will not.", []string{"See No. 5 on Jan. 12.", "No.", "I will not."}},
	{"initials", "J. R. R. Tolkien wrote it. I read it twice.", []string{"J. R. R. Tolkien wrote it.", "I read it twice."}},
	{"pronoun I is no initial", "Anna left before I. Then we ate.", []string{"Anna left before I.", "Then we ate."}},
	{"decimals", "Pi is 3.14 roughly. Go 1.26 is out.", []string{"Pi is 3.14 roughly.", "Go 1.26 is out."}},
	{"money", "It cost $4.50. That was cheap.", []string{"It cost $4.50.", "That was cheap."}},
	{"number after period", "I was born in 1990. 2020 was a good year.", []string{"I was born in 1990.", "2020 was a good year."}},
	{"urls and emails", "Visit https://example.com/a.b?x=1. Mail me at jo.doe@example.com. Read notes.md today.",
		[]string{"Visit https://example.com/a.b?x=1.", "Mail me at jo.doe@example.com.", "Read notes.md today."}},
	{"ellipsis before capital", "I waited... Then I left.", []string{"I waited...", "Then I left."}},
	{"ellipsis before I", "Well... I think so.", []string{"Well... I think so."}},
	{"ellipsis before lowercase", "I waited… and waited.", []string{"I waited… and waited."}},
	{"unicode ellipsis before capital", "Hmm… Maybe tomorrow.", []string{"Hmm…", "Maybe tomorrow."}},
	{"spaced ellipsis", "I waited . . . Then I left.", []string{"I waited . . .", "Then I left."}},
	{"multiple terminators", "Really?! You did it!!! Wow.", []string{"Really?!", "You did it!!!", "Wow."}},
	{"lowercase after question", "really? i didn't know", []string{"really?", "i didn't know"}},
	{"lowercase after period", "i went home. then i slept.", []string{"i went home. then i slept."}},
	{"quote keeps its period", `She said "I love it." Then she left.`, []string{`She said "I love it."`, "Then she left."}},
	{"curly quotes", "He said “Stop.” We stopped.", []string{"He said “Stop.”", "We stopped."}},
	{"quoted question mid sentence", `She asked "why?" and left.`, []string{`She asked "why?" and left.`}},
	{"quoted question then speaker", `I left. "Why?" she asked.`, []string{"I left.", `"Why?" she asked.`}},
	{"bracket keeps its period", "(It was great.) Next time we go again.", []string{"(It was great.)", "Next time we go again."}},
	{"opening quote after period", `I said no. "Fine," he said.`, []string{"I said no.", `"Fine," he said.`}},
	{"emoji stays with its sentence", "That's great! 😊 I love it.", []string{"That's great! 😊", "I love it."}},
	{"punctuation only", "?! 😊\n\n...", nil},
	{"leading punctuation joins", "... Then I left.", []string{"... Then I left."}},
	{"blank line", "First line without end\n\nsecond paragraph", []string{"First line without end", "second paragraph"}},
	{"crlf blank line", "One\r\n\r\nTwo", []string{"One", "Two"}},
	{"wrapped line", "I went to the\nstore and bought milk.", []string{"I went to the store and bought milk."}},
	{"heading", "Shopping\nMilk is out.", []string{"Shopping", "Milk is out."}},
	{"wrapped before capital after conjunction", "My friends Anna and\nBen came over.", []string{"My friends Anna and Ben came over."}},
	{"wrapped after comma", "Dear Mel,\nThanks for the book.", []string{"Dear Mel, Thanks for the book."}},
	{"terminated line joins", "Dr.\nSmith called.", []string{"Dr. Smith called."}},
	{"bulleted list", "Things I like:\n- hiking\n- Board games\n* cooking Thai food\n• jazz",
		[]string{"Things I like:", "hiking", "Board games", "cooking Thai food", "jazz"}},
	{"numbered list", "Plan:\n1. Buy milk\n2) Call mom. She is waiting.\n10. Sleep",
		[]string{"Plan:", "Buy milk", "Call mom.", "She is waiting.", "Sleep"}},
	{"list item continues", "- I bought a new\n  bike yesterday\n- Sold the old one",
		[]string{"I bought a new bike yesterday", "Sold the old one"}},
	{"check boxes", "- [ ] Buy milk\n- [x] Pay rent", []string{"Buy milk", "Pay rent"}},
	{"glued bullet", "•Milk\n•Eggs", []string{"Milk", "Eggs"}},
	{"dash is no bullet when glued", "-5 degrees today", []string{"-5 degrees today"}},
	{"year is no list number", "1990. That year I moved.", []string{"1990.", "That year I moved."}},
	{"empty list item", "-\n- Eggs", []string{"Eggs"}},
	{"ideographic", "我很好。你呢？谢谢！", []string{"我很好。", "你呢？", "谢谢！"}},
	{"ideographic with closing bracket", "「好。」他说", []string{"「好。」", "他说"}},
	{"paragraph separator", "One\u2029Two", []string{"One", "Two"}},
	{"invalid utf-8", "Caf\xe9 is open. Come in.", []string{"Caf\uFFFD is open.", "Come in."}},
}

func TestSentences(t *testing.T) {
	t.Parallel()
	for _, c := range sentenceCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if got := rules.Sentences(c.in); !slices.Equal(got, c.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", c.in, got, c.want)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	for _, c := range sentenceCases {
		f.Add(c.in)
	}
	f.Add("a. b. c... D!? \"E.\" (F.) G\n\n- h\n1. i\n\xff\xfe . . .")
	f.Fuzz(func(t *testing.T, in string) {
		got := rules.Sentences(in)
		if again := rules.Sentences(in); !slices.Equal(got, again) {
			t.Fatalf("not deterministic: %q then %q", got, again)
		}
		valid := strings.ToValidUTF8(in, "\uFFFD")
		rest := valid // the input after the words seen so far
		for _, s := range got {
			if s == "" {
				t.Fatalf("empty sentence in %q", got)
			}
			if !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
				t.Fatalf("sentence %q has no letter or digit", s)
			}
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
			words := strings.Fields(s)
			if strings.Join(words, " ") != s {
				t.Fatalf("sentence %q is not trimmed and collapsed", s)
			}
			for _, w := range words {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("word %q of %q is not in the input after the words before it; input %q", w, got, in)
				}
				rest = rest[i+len(w):]
			}
		}
	})
}

// TestSentencesLinear feeds inputs that would take hours with a quadratic algorithm.
func TestSentencesLinear(t *testing.T) {
	t.Parallel()
	const n = 200_000
	for _, in := range []string{
		strings.Repeat(". ", n),
		strings.Repeat("a.", n),
		strings.Repeat("... ", n),
		strings.Repeat("\n", n),
		strings.Repeat("- \n", n),
		strings.Repeat("😊 ", n),
		strings.Repeat("。", n),
		strings.Repeat("x", n) + strings.Repeat(" ,", n),
		strings.Repeat("Hi there\n", n),
	} {
		rules.Sentences(in)
	}
}

// benchText is about 10 KB of prose with abbreviations, numbers, quotes and an ellipsis.
var benchText = func() string {
	const para = `Mr. Smith met Dr. Jones at 9 a.m. on Jan. 5 in the U.S. office of Acme Inc. They talked ` +
		`about the budget, e.g. travel and rent, which was $4,250.75 last year. "It is too high," she ` +
		`said. He agreed... Then they left for lunch at https://example.com/menu.html. Was it good? ` +
		`Yes! J. R. R. Tolkien was mentioned, as was version 1.26 of Go. `
	return strings.Repeat(para, 10*1024/len(para)+1)
}()

func BenchmarkSentences(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		rules.Sentences(benchText)
	}
}
