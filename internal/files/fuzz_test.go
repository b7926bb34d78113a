package files_test

import (
	"errors"
	"testing"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
)

// fuzzSplit checks, for any input, that Split does not panic, that every chunk has the properties
// checkChunk checks, and that an error wraps errs.InvalidInput.
func fuzzSplit(f *testing.F, format files.Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := trySplit(format, data)
		if errors.Is(err, errBadChunk) {
			t.Fatal(err)
		}
		if err != nil && !errors.Is(err, errs.InvalidInput) {
			t.Fatalf("error %v does not wrap InvalidInput", err)
		}
	})
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{"hello", "# T\n", "<html>", "%PDF-1.4", `[{"role":"user","content":"x"}]`,
		"{\"role\":\"a\",\"content\":\"b\"}\n{}", "\xff\xfeh\x00", "\x89PNG\r\n\x1a\n", "[1] x"} {
		f.Add([]byte(s), "a.txt")
	}
	f.Fuzz(func(t *testing.T, head []byte, name string) {
		got, err := files.Detect(head, name)
		if err != nil {
			if got != "" || !errors.Is(err, errs.InvalidInput) {
				t.Fatalf("Detect = %q, %v", got, err)
			}
			return
		}
		switch got {
		case files.Text, files.Markdown, files.HTML, files.Chat, files.ChatJSONL, files.PDF:
		default:
			t.Fatalf("Detect = %q", got)
		}
		// Whatever Detect says, Split of the same bytes must hold to its contract.
		if _, err := trySplit(got, head); errors.Is(err, errBadChunk) {
			t.Fatal(err)
		} else if err != nil && !errors.Is(err, errs.InvalidInput) {
			t.Fatalf("Split(%s): %v does not wrap InvalidInput", got, err)
		}
	})
}

func FuzzSplitText(f *testing.F) {
	fuzzSplit(f, files.Text, "a\n\nb", "\xef\xbb\xbfx\x00y\r\n", "\xff\xfe\x3d\xd8\x00\xde", "Sentence one. Two! Three?")
}

func FuzzSplitMarkdown(f *testing.F) {
	fuzzSplit(f, files.Markdown, "---\na: b\n---\n# H #\n\ntext [l](u) **b**\n\n```\ncode\n```\nSetext\n===\n",
		"+++\nx\n+++\n~~~~\nunclosed", "![a](b)[c](d", "* * *\n- item\n")
}

func FuzzSplitHTML(f *testing.F) {
	fuzzSplit(f, files.HTML, "<html><head><title>T</title><script>x</script></head><body><h1>H</h1><p>a&amp;b</p><pre> x\n y</pre></body></html>",
		"<h2>unclosed <p>text", "<svg><svg></svg>t</svg>u", "<script/>x</script>y", "<table><tr><td>a<td>b</table>")
}

func FuzzSplitChat(f *testing.F) {
	fuzzSplit(f, files.Chat, `[{"role":"user","content":"hi","created_at":"2024-01-01T00:00:00Z"}]`,
		`{"id":"c","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]}`,
		"["+chatGPTConversation("c1", "t")+"]", `{"title":"x","mapping":{"a":{"parent":"a","message":null}},"current_node":"a"}`,
		`[{"role":"user","content":"x","create_time":1e300}]`)
}

func FuzzSplitChatJSONL(f *testing.F) {
	fuzzSplit(f, files.ChatJSONL, "{\"role\":\"user\",\"content\":\"a\"}\n{\"role\":\"assistant\",\"content\":\"b\"}\n",
		`{"messages":[{"role":"user","content":"x"}]}`, "\n\n{}\n")
}

func FuzzSplitPDF(f *testing.F) {
	fuzzSplit(f, files.PDF, string(minimalPDF("Hello page one", "Hello page two")), string(minimalPDF("x")[:200]),
		"%PDF-1.4\n%%EOF\n")
}
