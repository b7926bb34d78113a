package files_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	chatgpt := `[{"title":"Trip","create_time":1712345678.5,"mapping":{}}]`
	tests := []struct {
		name, file, head string
		want             files.Format
	}{
		{"plain text", "notes", "Just some words.\n\nAnother paragraph.", files.Text},
		{"markdown by extension", "notes.md", "Just some words.", files.Markdown},
		{"markdown by heading", "notes", "# Title\n\nWords.", files.Markdown},
		{"markdown by fence", "notes", "Words\n```go\nx\n```\n", files.Markdown},
		{"markdown by front matter", "x", "---\ntitle: x\n---\nWords", files.Markdown},
		{"txt stays text", "notes.txt", "# not a heading here\n", files.Text},
		{"utf-8 bom", "a", "\xef\xbb\xbfhello", files.Text},
		{"utf-16le bom", "a", "\xff\xfeh\x00i\x00", files.Text},
		{"utf-16be bom html", "a", "\xfe\xff\x00<\x00h\x00t\x00m\x00l\x00>", files.HTML},
		{"html doctype", "page", "  <!DOCTYPE html><html><body>x</body></html>", files.HTML},
		{"html after comment", "page", "<!-- saved --><html>x</html>", files.HTML},
		{"html fragment by extension", "page.html", "<p>hello</p>", files.HTML},
		{"angle bracket text", "notes", "<3 you", files.Text},
		{"pdf", "doc.pdf", "%PDF-1.7\n...", files.PDF},
		{"pdf named txt", "doc.txt", "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", files.PDF},
		{"messages array", "chat.json", `[{"role":"user","content":"hi"}]`, files.Chat},
		{"empty array", "chat.json", `[]`, files.Chat},
		{"openai object", "chat.json", `{"model":"x","messages":[{"role":"user","content":"hi"}]}`, files.Chat},
		{"chatgpt export", "conversations.json", chatgpt, files.Chat},
		{"chatgpt export truncated", "conversations.json", `[{"title":"Trip","create_time":1712345678.5,"mapping":{"a":{"id":"a","message":{"content":{"parts":["` + strings.Repeat("x", files.SniffSize), files.Chat},
		{"jsonl messages", "chat", "{\"role\":\"user\",\"content\":\"hi\"}\n{\"role\":\"assistant\",\"content\":\"yo\"}\n", files.ChatJSONL},
		{"jsonl conversations", "train.jsonl", `{"messages":[{"role":"user","content":"hi"}]}` + "\n", files.ChatJSONL},
		{"jsonl one message", "x.json", `{"role":"user","content":"hi"}`, files.ChatJSONL},
		{"bracket text", "notes", "[TOC]\n\nSome words", files.Text},
		{"footnote text", "notes", "[1] A footnote.", files.Text},
		{"markdown link first", "notes", "[home](https://example.com) is here", files.Markdown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := files.Detect([]byte(tt.head), tt.file)
			if err != nil || got != tt.want {
				t.Fatalf("Detect(%.40q, %q) = %q, %v; want %q", tt.head, tt.file, got, err, tt.want)
			}
		})
	}
}

func TestDetectRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, head, says string
	}{
		{"png", "a.txt", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"},
		{"jpeg", "a.md", "\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image"},
		{"zip", "a.docx", "PK\x03\x04\x14\x00\x06\x00", "ZIP archive"},
		{"gzip", "a.txt", "\x1f\x8b\x08\x00\x00\x00", "gzip archive"},
		{"elf", "a", "\x7fELF\x02\x01\x01\x00", "ELF executable"},
		{"nul bytes", "a.txt", "hello\x00world", "NUL byte at offset 5"},
		{"invalid utf-8", "a.txt", "caf\xe9 au lait", "invalid UTF-8 at byte 3"},
		{"json object", "a.json", `{"name":"x","version":"1.0"}`, "JSON that is not a chat export"},
		{"json array of numbers", "a.json", `[1, 2, 3]`, "JSON that is not a chat export"},
		{"json array of other objects", "a.json", `[{"sku":"x","price":3}]`, `found an array of objects with keys ["price" "sku"]`},
		{"empty", "a.txt", " \n\t", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := files.Detect([]byte(tt.head), tt.file)
			if !errors.Is(err, errs.InvalidInput) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("Detect(%q) = %q, %v; want an InvalidInput error saying %q", tt.head, got, err, tt.says)
			}
		})
	}
}
