package files_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
	"github.com/mnemohq/mnemo/memory"
)

func TestSplitText(t *testing.T) {
	t.Parallel()
	got := split(t, files.Text, "\xef\xbb\xbfFirst paragraph,\nsecond line.\r\n\r\n\n  Second\x00 paragraph.  \n")
	want := []files.Chunk{{Index: 0, Text: "First paragraph,\nsecond line.\n\nSecond paragraph."}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
}

func TestSplitTextSizes(t *testing.T) {
	t.Parallel()
	para := strings.Repeat("word ", 150) // 750 bytes
	got := split(t, files.Text, strings.Repeat(para+"\n\n", 6))
	// Two paragraphs (1502 bytes) fit in ChunkSize; a third does not.
	if len(got) != 3 {
		t.Fatalf("%d chunks, want 3: %q", len(got), texts(got))
	}
	for _, c := range got {
		if len(c.Text) > files.ChunkSize {
			t.Errorf("chunk %d has %d bytes", c.Index, len(c.Text))
		}
	}
	// A paragraph over MaxChunk is cut at sentence ends, then spaces, then between runes.
	sentences := strings.Repeat("This is one sentence. ", 500) // 11,000 bytes
	got = split(t, files.Text, sentences)
	for _, c := range got {
		if len(c.Text) > files.ChunkSize || !strings.HasSuffix(c.Text, "sentence.") {
			t.Fatalf("chunk %d (%d bytes) not cut at a sentence end: ...%q", c.Index, len(c.Text), c.Text[len(c.Text)-20:])
		}
	}
	if joined := strings.Join(texts(got), " "); joined != strings.TrimSpace(sentences) {
		t.Fatalf("text lost or changed in cutting")
	}
	runes := strings.Repeat("é", 9000) // one 18,000-byte word
	got = split(t, files.Text, runes)
	if joined := strings.Join(texts(got), ""); joined != runes {
		t.Fatalf("runes lost or cut: %d chunks", len(got))
	}
}

func TestSplitTextUTF16(t *testing.T) {
	t.Parallel()
	// "hé 😀\n\nok" in UTF-16LE with a BOM; the emoji is a surrogate pair.
	data := "\xff\xfeh\x00\xe9\x00 \x00\x3d\xd8\x00\xde\n\x00\n\x00o\x00k\x00"
	got := split(t, files.Text, data)
	if len(got) != 1 || got[0].Text != "hé 😀\n\nok" {
		t.Fatalf("got %q", texts(got))
	}
}

func TestSplitMarkdown(t *testing.T) {
	t.Parallel()
	md := `---
title: Notes
tags: [a, b]
---
Intro with a [link](https://example.com) and **bold**.

# Install ##

Run this:

` + "```sh\ngo get x\n\n# not a heading\n```" + `

Setext Title
============

Body under setext.

***

After the rule.
## Empty section
### Last
Final words.
`
	got := split(t, files.Markdown, md)
	want := []files.Chunk{
		{Index: 0, Text: "Intro with a link and bold."},
		{Index: 1, Heading: "Install", Text: "Run this:\n\n```sh\ngo get x\n\n# not a heading\n```"},
		{Index: 2, Heading: "Setext Title", Text: "Body under setext.\n\nAfter the rule."},
		{Index: 3, Heading: "Last", Text: "Final words."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestSplitMarkdownFences(t *testing.T) {
	t.Parallel()
	code := "```\n" + strings.Repeat("x := 1 // a line of code\n", 200) + "```" // 5,000 bytes
	md := "Before.\n\n" + code + "\n\nAfter.\n"
	got := split(t, files.Markdown, md)
	want := []string{"Before.", code, "After."}
	if !reflect.DeepEqual(texts(got), want) {
		t.Fatalf("code block split or merged: %d chunks of %v bytes", len(got), lens(got))
	}
	// A block over MaxChunk is cut, at line ends.
	long := "```\n" + strings.Repeat("y := 2\n", 2000) + "```"
	got = split(t, files.Markdown, long)
	if len(got) < 7 || strings.Join(texts(got), "\n") != long {
		t.Fatalf("long code block: %d chunks %v, text changed", len(got), lens(got))
	}
	// Unclosed front matter is text.
	got = split(t, files.Markdown, "---\nnot closed\n\nwords")
	if !reflect.DeepEqual(texts(got), []string{"not closed\n\nwords"}) {
		t.Fatalf("unclosed front matter: %q", texts(got))
	}
}

func lens(chunks []files.Chunk) []int {
	var n []int
	for _, c := range chunks {
		n = append(n, len(c.Text))
	}
	return n
}

func TestSplitHTML(t *testing.T) {
	t.Parallel()
	page := `<!DOCTYPE html>
<html><head><title>My &amp; Page</title>
<style>body { color: red }</style><script>var x = "<p>not text</p>";</script>
<meta charset="utf-8"></head>
<body><nav><ul><li>Home</li><li>About</li></ul></nav>
<p>Caf&eacute;   is
   <b>open</b>&nbsp;today.</p><noscript>Enable JS</noscript>
<svg><title>icon</title><text>drawn</text></svg>
<h2>Hours &lt;daily&gt;</h2>
<div>Nine<br>to five</div>
<table><tr><td>Mon</td><td>9-5</td></tr><tr><td>Tue</td><td>9-5</td></tr></table>
<pre>  keep
    spacing</pre>
<template><p>hidden</p></template>
<script/>after self-closing script</script>
<h3>Contact</h3><p>Call us.
</body></html>`
	got := split(t, files.HTML, page)
	want := []files.Chunk{
		{Index: 0, Heading: "My & Page", Text: "Home\n\nAbout\n\nCafé is open today."},
		{Index: 1, Heading: "Hours <daily>", Text: "Nine\n\nto five\n\nMon 9-5\n\nTue 9-5\n\nkeep\n    spacing"},
		{Index: 2, Heading: "Contact", Text: "Call us."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestSplitChatMessages(t *testing.T) {
	t.Parallel()
	data := `[
		{"role": "user", "name": "Alice", "id": "m1", "content": "I live in Lisbon.", "created_at": "2024-05-01T10:00:00Z"},
		{"role": "assistant", "content": "   "},
		{"role": "assistant", "id": 7, "content": "Nice city.", "timestamp": 1714557601},
		{"role": "user", "content": "Millis", "create_time": 1714557602500}
	]`
	got := split(t, files.Chat, data)
	want := []files.Chunk{{Messages: []memory.Message{
		{ID: "m1", Role: "user", Name: "Alice", Content: "I live in Lisbon.", CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{ID: "7", Role: "assistant", Content: "Nice city.", CreatedAt: time.Date(2024, 5, 1, 10, 0, 1, 0, time.UTC)},
		{Role: "user", Content: "Millis", CreatedAt: time.Date(2024, 5, 1, 10, 0, 2, 5e8, time.UTC)},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

func TestSplitChatOpenAI(t *testing.T) {
	t.Parallel()
	data := `{"id": "conv-1", "model": "gpt", "messages": [
		{"role": "system", "content": "Be brief."},
		{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "x"}}, {"type": "text", "text": "Second part."}]},
		{"role": "assistant", "content": null, "tool_calls": []},
		{"role": "assistant", "content": "A cat."}
	]}`
	got := split(t, files.Chat, data)
	want := []files.Chunk{{Conversation: "conv-1", Messages: []memory.Message{
		{Role: "system", Content: "Be brief."},
		{Role: "user", Content: "What is this?\nSecond part."},
		{Role: "assistant", Content: "A cat."},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

// chatGPTConversation returns a conversation of ChatGPT's export whose mapping lists its nodes out
// of order, with a branch not on the current path.
func chatGPTConversation(id, title string) string {
	return `{"title": "` + title + `", "create_time": 1712345678.123, "conversation_id": "` + id + `", "current_node": "n4",
	"mapping": {
		"n3": {"id": "n3", "parent": "n2", "children": ["n4"], "message": {"id": "m3", "author": {"role": "assistant", "name": null},
			"content": {"content_type": "text", "parts": ["Porto is lovely."]}, "create_time": 1712345690.654321}},
		"root": {"id": "root", "parent": null, "children": ["n1"], "message": null},
		"n1": {"id": "n1", "parent": "root", "children": ["n2"], "message": {"id": "m1", "author": {"role": "system"},
			"content": {"content_type": "text", "parts": [""]}, "create_time": null}},
		"n4": {"id": "n4", "parent": "n3", "children": [], "message": {"id": "m4", "author": {"role": "user"},
			"content": {"content_type": "multimodal_text", "parts": [{"content_type": "image_asset_pointer"}, "Thanks!"]}, "create_time": 1712345700}},
		"n2": {"id": "n2", "parent": "n1", "children": ["n3", "b1"], "message": {"id": "m2", "author": {"role": "user"},
			"content": {"content_type": "text", "parts": ["I moved to Porto."]}, "create_time": 1712345680.5}},
		"b1": {"id": "b1", "parent": "n2", "children": [], "message": {"id": "mb", "author": {"role": "assistant"},
			"content": {"content_type": "text", "parts": ["An abandoned branch."]}, "create_time": 1712345685}}
	}}`
}

func TestSplitChatGPTExport(t *testing.T) {
	t.Parallel()
	data := "[" + chatGPTConversation("c1", "Moving") + ",\n" + chatGPTConversation("", "Untitled") + "]"
	got := split(t, files.Chat, data)
	msgs := []memory.Message{
		{ID: "m2", Role: "user", Content: "I moved to Porto.", CreatedAt: time.Unix(1712345680, 500000000).UTC()},
		{ID: "m3", Role: "assistant", Content: "Porto is lovely.", CreatedAt: time.Unix(1712345690, 654321000).UTC()},
		{ID: "m4", Role: "user", Content: "Thanks!", CreatedAt: time.Unix(1712345700, 0).UTC()},
	}
	want := []files.Chunk{
		{Index: 0, Conversation: "c1", Messages: msgs},
		{Index: 1, Conversation: "Untitled", Messages: msgs},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	// Without current_node, messages follow create_time (the abandoned branch included).
	noCurrent := strings.Replace(chatGPTConversation("c2", "x"), `"current_node": "n4",`, "", 1)
	got = split(t, files.Chat, "["+noCurrent+"]")
	var contents []string
	for _, m := range got[0].Messages {
		contents = append(contents, m.Content)
	}
	if want := []string{"I moved to Porto.", "An abandoned branch.", "Porto is lovely.", "Thanks!"}; !reflect.DeepEqual(contents, want) {
		t.Fatalf("by create_time: %q, want %q", contents, want)
	}
}

func TestSplitChatWindows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("[")
	n := files.MaxChatWindow*2 + 5
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"role":"user","content":"message %d"}`, i)
	}
	b.WriteString("]")
	got := split(t, files.Chat, b.String())
	if len(got) != 3 || len(got[0].Messages) != files.MaxChatWindow || len(got[2].Messages) != 5 ||
		got[2].Messages[4].Content != fmt.Sprintf("message %d", n-1) {
		t.Fatalf("%d windows", len(got))
	}
}

func TestSplitChatJSONL(t *testing.T) {
	t.Parallel()
	messages := `{"role":"user","content":"Hello","created_at":"2024-05-01 10:00:00"}

{"role":"assistant","content":[{"type":"output_text","text":"Hi there"}]}
`
	got := split(t, files.ChatJSONL, messages)
	want := []files.Chunk{{Messages: []memory.Message{
		{Role: "user", Content: "Hello", CreatedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)},
		{Role: "assistant", Content: "Hi there"},
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("messages: got %#v\nwant %#v", got, want)
	}
	conversations := `{"messages":[{"role":"user","content":"A1"},{"role":"assistant","content":"A2"}]}
{"id":"b","messages":[{"role":"user","content":"B1"}]}`
	got = split(t, files.ChatJSONL, conversations)
	want = []files.Chunk{
		{Index: 0, Messages: []memory.Message{{Role: "user", Content: "A1"}, {Role: "assistant", Content: "A2"}}},
		{Index: 1, Conversation: "b", Messages: []memory.Message{{Role: "user", Content: "B1"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("conversations: got %#v\nwant %#v", got, want)
	}
}

func TestSplitMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    files.Format
		data string
		says string
	}{
		{"chat truncated", files.Chat, `[{"role":"user","content":"hi"}`, "truncated"},
		{"chat syntax", files.Chat, `[{"role":"user",,}]`, "syntax error at byte"},
		{"chat no role", files.Chat, `[{"content":"hi"}]`, "[0]: message without a role"},
		{"chat bad time", files.Chat, `[{"role":"user","content":"hi","created_at":"yesterday"}]`, "[0].created_at"},
		{"chat not chat", files.Chat, `{"name":"x"}`, "not a chat export"},
		{"jsonl syntax", files.ChatJSONL, "{\"role\":\"user\",\"content\":\"a\"}\n{oops}\n", "line 2"},
		{"pdf truncated", files.PDF, string(minimalPDF("Hello")[:300]), "PDF"},
		{"pdf cyclic page tree", files.PDF, strings.Replace(string(minimalPDF("x")), "/Kids [4 0 R]", "/Kids [2 0 R]", 1), "page tree"},
		{"pdf cyclic parent", files.PDF, strings.Replace(string(minimalPDF("x")), "/Parent 2 0 R", "/Parent 4 0 R", 1), "page 1"},
		{"pdf garbage", files.PDF, "%PDF-1.4\nnothing here\n%%EOF\n", "PDF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := trySplit(tt.f, []byte(tt.data))
			if !errors.Is(err, errs.InvalidInput) || !strings.Contains(err.Error(), tt.says) {
				t.Fatalf("got %v, want an InvalidInput error saying %q", err, tt.says)
			}
		})
	}
}

func TestSplitPDF(t *testing.T) {
	t.Parallel()
	data := minimalPDF("Hello page one", "Hello page two")
	if f, err := files.Detect(data, "scan.bin"); f != files.PDF || err != nil {
		t.Fatalf("Detect = %q, %v", f, err)
	}
	got := split(t, files.PDF, string(data))
	want := []files.Chunk{{Index: 0, Text: "Hello page one", Page: 1}, {Index: 1, Text: "Hello page two", Page: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v\nwant %#v", got, want)
	}
	// A chunk never spans pages, however short: the page its memories name is theirs.
	long := strings.Repeat("word ", 380)
	got = split(t, files.PDF, string(minimalPDF(long, long, "end")))
	if len(got) != 3 || got[0].Page != 1 || got[1].Page != 2 || got[2].Page != 3 || got[2].Text != "end" {
		t.Fatalf("pages: %d chunks %+v", len(got), pagesOf(got))
	}
	// PDF 2.0 headers are read too; a PDF without text yields nothing.
	v2 := append([]byte("%PDF-2.0"), minimalPDF("Two")[8:]...)
	if got := split(t, files.PDF, string(v2)); len(got) != 1 || got[0].Text != "Two" {
		t.Fatalf("PDF 2.0: %q", texts(got))
	}
	if got := split(t, files.PDF, string(minimalPDF(""))); len(got) != 0 {
		t.Fatalf("empty page: %q", texts(got))
	}
}

func pagesOf(chunks []files.Chunk) []int {
	var p []int
	for _, c := range chunks {
		p = append(p, c.Page)
	}
	return p
}

func TestSplitDeterministic(t *testing.T) {
	t.Parallel()
	inputs := map[files.Format]string{
		files.Text:     strings.Repeat("Some sentence here. ", 2000),
		files.Markdown: strings.Repeat("# H\n\npara "+strings.Repeat("x", 900)+"\n\n", 20),
		files.HTML:     strings.Repeat("<h1>T</h1><p>"+strings.Repeat("y ", 700)+"</p>", 20),
	}
	for f, data := range inputs {
		a, b := split(t, f, data), split(t, f, data)
		if !reflect.DeepEqual(a, b) || len(a) < 2 {
			t.Fatalf("%s: two splits differ (%d, %d chunks)", f, len(a), len(b))
		}
	}
}

func TestSplitStopsOnCallerError(t *testing.T) {
	t.Parallel()
	data := []byte(strings.Repeat("paragraph "+strings.Repeat("z", 1500)+"\n\n", 100))
	stop := errors.New("stop")
	calls := 0
	err := files.Split(context.Background(), strReader(data), int64(len(data)), files.Text, func(files.Chunk) error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("err %v after %d calls, want stop after 3", err, calls)
	}

	ctx, cancel := context.WithCancel(context.Background())
	calls = 0
	err = files.Split(ctx, strReader(data), int64(len(data)), files.Text, func(files.Chunk) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Fatalf("err %v after %d calls, want context.Canceled after 1", err, calls)
	}
}
