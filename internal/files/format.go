package files

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/internal/errs"
)

// Format is a file's format, as detected from its content (and, where the content is ambiguous,
// its name).
type Format string

// The formats Split reads.
const (
	// Text is plain text in UTF-8 (a UTF-8 BOM is skipped; UTF-16 with a BOM is decoded).
	Text Format = "text"
	// Markdown is text with Markdown structure: headings start chunks.
	Markdown Format = "markdown"
	// HTML is a web page: its visible text is read.
	HTML Format = "html"
	// Chat is a JSON chat export: an array of messages, an object with "messages", or ChatGPT's
	// conversations.json. It becomes conversations.
	Chat Format = "chat"
	// ChatJSONL is a JSONL chat export: one message, or one conversation, per line.
	ChatJSONL Format = "chat_jsonl"
	// PDF is a PDF document with a text layer.
	PDF Format = "pdf"
)

// SniffSize is how many leading bytes of a file Detect looks at; it may be given fewer.
const SniffSize = 8 << 10

// magics are the signatures of binary formats Detect refuses, with what they are.
var magics = []struct {
	prefix string
	what   string
}{
	{"\x89PNG\r\n\x1a\n", "a PNG image"},
	{"\xff\xd8\xff", "a JPEG image"},
	{"GIF87a", "a GIF image"},
	{"GIF89a", "a GIF image"},
	{"BM", ""}, // too short to be sure; see binary below
	{"II*\x00", "a TIFF image"},
	{"MM\x00*", "a TIFF image"},
	{"PK\x03\x04", "a ZIP archive (or a DOCX, XLSX, PPTX, ODT or EPUB document, which are ZIP archives)"},
	{"PK\x05\x06", "an empty ZIP archive"},
	{"\x1f\x8b", "a gzip archive"},
	{"BZh", ""},
	{"\xfd7zXZ\x00", "an xz archive"},
	{"7z\xbc\xaf\x27\x1c", "a 7z archive"},
	{"Rar!\x1a\x07", "a RAR archive"},
	{"\x28\xb5\x2f\xfd", "a zstd archive"},
	{"\x7fELF", "an ELF executable"},
	{"MZ", ""},
	{"\xcf\xfa\xed\xfe", "a Mach-O executable"},
	{"\xce\xfa\xed\xfe", "a Mach-O executable"},
	{"\xca\xfe\xba\xbe", "a Java class file or Mach-O executable"},
	{"\x00asm", "a WebAssembly module"},
	{"SQLite format 3\x00", "an SQLite database"},
	{"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (DOC, XLS, PPT)"},
	{"{\\rtf", "an RTF document"},
	{"OggS", "an Ogg audio or video file"},
	{"ID3", "an MP3 audio file"},
	{"fLaC", "a FLAC audio file"},
	{"\x1aE\xdf\xa3", "a Matroska or WebM video"},
	{"wOFF", "a WOFF font"},
	{"wOF2", "a WOFF2 font"},
	{"%!PS", "a PostScript document"},
	{"\xff\xfe\x00\x00", "text in UTF-32, which is not supported"},
	{"\x00\x00\xfe\xff", "text in UTF-32, which is not supported"},
}

// Detect returns the format of a file from its first bytes (up to SniffSize; more are ignored) and
// its name. The content decides: %PDF- is PDF whatever the name; JSON shaped like a chat export
// is Chat, or ChatJSONL if it is a sequence of objects (or the name ends in .jsonl or .ndjson);
// a document starting with <!doctype html, <html, <head or <body is HTML, and so is text starting
// with '<' in a file named .html or .htm. Other text is Markdown if the name ends in .md,
// .markdown or .mdx, or, unless it ends in .txt, if the text has Markdown headings, code fences,
// links or front matter; otherwise Text.
//
// Binary content (a known signature, NUL bytes, invalid UTF-8), JSON that is not a chat export
// and an empty file are refused with an error wrapping errs.InvalidInput that says what the file
// looks like.
func Detect(head []byte, name string) (Format, error) {
	if len(head) > SniffSize {
		head = head[:SniffSize]
	}
	full := len(head) < SniffSize // head is the whole file
	if bytes.HasPrefix(head, []byte("%PDF-")) {
		return PDF, nil
	}
	if what := binary(head); what != "" {
		return "", unsupported("the file looks like %s", what)
	}
	var text string
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		text = string(head[3:])
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		text = decodeUTF16(head[2:], head[0] == 0xFE)
	default:
		if i := bytes.IndexByte(head, 0); i >= 0 {
			return "", unsupported("the file looks like binary data (a NUL byte at offset %d)", i)
		}
		valid := head
		if !full {
			valid = head[:len(head)-incompleteTail(head)]
		}
		if !utf8.Valid(valid) {
			off := 0
			for off < len(valid) {
				r, n := utf8.DecodeRune(valid[off:])
				if r == utf8.RuneError && n <= 1 {
					break
				}
				off += n
			}
			return "", unsupported("the file is binary or not UTF-8 text (invalid UTF-8 at byte %d)", off)
		}
		text = string(head)
	}
	if strings.TrimSpace(text) == "" {
		return "", errs.Field("file", "is empty")
	}
	ext := strings.ToLower(filepath.Ext(name))
	t := strings.TrimLeft(text, " \t\r\n")
	if t[0] == '{' || t[0] == '[' {
		f, err := detectJSON(t, ext, full)
		if f != "" || err != nil {
			return f, err
		}
	}
	if isHTML(t) || t[0] == '<' && (ext == ".html" || ext == ".htm" || ext == ".xhtml") {
		return HTML, nil
	}
	switch ext {
	case ".md", ".markdown", ".mdx", ".mkd", ".mdown":
		return Markdown, nil
	case ".txt", ".text":
		return Text, nil
	}
	if looksMarkdown(text) {
		return Markdown, nil
	}
	return Text, nil
}

// unsupported returns an InvalidInput error saying the format is not supported.
func unsupported(format string, args ...any) error {
	return errs.Field("file", "unsupported format: "+format, args...)
}

// binary names the binary format head starts with, or returns "".
func binary(head []byte) string {
	for _, m := range magics {
		if !bytes.HasPrefix(head, []byte(m.prefix)) {
			continue
		}
		switch m.prefix {
		case "BM": // a bitmap's header holds NUL bytes soon after
			if len(head) >= 14 && bytes.IndexByte(head[:14], 0) >= 0 {
				return "a BMP image"
			}
		case "BZh":
			if len(head) >= 4 && '1' <= head[3] && head[3] <= '9' {
				return "a bzip2 archive"
			}
		case "MZ":
			if bytes.IndexByte(head[:min(len(head), 64)], 0) >= 0 {
				return "a Windows executable"
			}
		default:
			return m.what
		}
	}
	if len(head) >= 12 && string(head[:4]) == "RIFF" {
		switch string(head[8:12]) {
		case "WEBP":
			return "a WebP image"
		case "WAVE":
			return "a WAV audio file"
		case "AVI ":
			return "an AVI video"
		}
	}
	if len(head) >= 12 && string(head[4:8]) == "ftyp" {
		return "an MP4, MOV or HEIC file"
	}
	return ""
}

// decodeUTF16 decodes b (UTF-16, without its BOM) to UTF-8, ignoring a final odd byte.
func decodeUTF16(b []byte, bigEndian bool) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
	}
	return string(utf16.Decode(u))
}

// isHTML reports whether t (trimmed on the left) starts an HTML document, past comments and an XML
// declaration.
func isHTML(t string) bool {
	for i := 0; i < 16; i++ {
		switch {
		case strings.HasPrefix(t, "<!--"):
			end := strings.Index(t, "-->")
			if end < 0 {
				return false
			}
			t = strings.TrimLeft(t[end+3:], " \t\r\n")
		case strings.HasPrefix(t, "<?"):
			end := strings.Index(t, "?>")
			if end < 0 {
				return false
			}
			t = strings.TrimLeft(t[end+2:], " \t\r\n")
		default:
			l := strings.ToLower(t[:min(len(t), 16)])
			for _, p := range []string{"<!doctype html", "<html", "<head", "<body"} {
				if strings.HasPrefix(l, p) && (len(l) == len(p) || strings.ContainsRune(" \t\r\n>/", rune(l[len(p)]))) {
					return true
				}
			}
			return false
		}
	}
	return false
}

// looksMarkdown reports whether text has Markdown structure: an ATX heading, a code fence, a link,
// front matter, or a setext heading.
func looksMarkdown(text string) bool {
	if strings.HasPrefix(text, "---\n") || strings.HasPrefix(text, "---\r\n") {
		return true
	}
	prev := ""
	for line := range strings.Lines(text) {
		line = strings.TrimRight(line, "\r\n")
		if _, ok := atxHeading(line); ok && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "#")) != "" {
			return true
		}
		if opensFence(line) != "" {
			return true
		}
		if strings.TrimSpace(prev) != "" && isSetextUnderline(line) && len(strings.TrimSpace(line)) >= 3 {
			return true
		}
		prev = line
	}
	return strings.Contains(text, "](http") || strings.Contains(text, "](/") || strings.Contains(text, "](./") ||
		strings.Contains(text, "](#")
}

// detectJSON classifies text starting with '{' or '[': a Chat or ChatJSONL format, an error for
// JSON that is not a chat export, or ("", nil) for text that is not JSON at all.
func detectJSON(t, ext string, full bool) (Format, error) {
	jsonl := ext == ".jsonl" || ext == ".ndjson"
	if !jsonValues(t, full) {
		return "", nil // text that starts with a bracket
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	keys, first, complete, err := sniffJSON(dec)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && err != io.EOF {
		return "", nil
	}
	more := false // a second value follows the first
	if complete {
		if tok, err := dec.Token(); err == nil {
			more = tok == json.Delim('{')
			if !more {
				return "", nil
			}
		} else if err != io.EOF && !errors.Is(err, io.ErrUnexpectedEOF) {
			return "", nil
		}
	}
	has := func(k ...string) bool {
		for _, x := range k {
			if slices.Contains(keys, x) {
				return true
			}
		}
		return false
	}
	message := has("role", "author") && has("content") || has("role") && !complete
	conversation := has("messages", "mapping")
	undecided := !complete && len(keys) == 0
	switch first {
	case '[':
		if message || conversation || undecided || len(keys) == 0 && complete {
			return Chat, nil
		}
		if !complete && !has("content") && allKnown(keys) {
			return Chat, nil
		}
		return "", notChat("an array of objects with keys " + list(keys))
	case '{':
		if more || jsonl {
			if message || has("messages", "mapping") || undecided {
				return ChatJSONL, nil
			}
			return "", notChat("JSON lines with keys " + list(keys))
		}
		if message && complete {
			return ChatJSONL, nil // a file of one message is a JSONL file of one line
		}
		if conversation || message || undecided || !complete && allKnown(keys) {
			return Chat, nil
		}
		return "", notChat("an object with keys " + list(keys))
	}
	return "", notChat("a JSON value that is neither an array nor an object")
}

// jsonValues reports whether t is a sequence of JSON values; if full is false, t may be cut short
// inside the last one.
func jsonValues(t string, full bool) bool {
	dec := json.NewDecoder(strings.NewReader(t))
	for {
		_, err := dec.Token()
		switch {
		case err == io.EOF:
			return true
		case err != nil:
			return !full && errors.Is(err, io.ErrUnexpectedEOF)
		}
	}
}

// conversationKeys are the keys a conversation of an export may have before its messages.
var conversationKeys = []string{"id", "conversation_id", "title", "create_time", "update_time",
	"name", "uuid", "created_at", "updated_at", "model", "metadata", "type"}

// allKnown reports whether every key is one a conversation may start with.
func allKnown(keys []string) bool {
	for _, k := range keys {
		if !slices.Contains(conversationKeys, k) {
			return false
		}
	}
	return true
}

// notChat returns the error for JSON that is not a chat export.
func notChat(found string) error {
	return unsupported("JSON that is not a chat export: expected an array of messages ({\"role\", \"content\"}) "+
		"or of conversations ({\"messages\"} or ChatGPT's {\"mapping\"}), an object with \"messages\", or JSONL "+
		"of messages; found %s", found)
}

// list formats keys for an error, sorted and bounded.
func list(keys []string) string {
	if len(keys) == 0 {
		return "(none)"
	}
	k := slices.Clone(keys)
	sort.Strings(k)
	if len(k) > 8 {
		k = append(k[:8], "...")
	}
	return fmt.Sprintf("%q", k)
}

// sniffJSON reads the first JSON value of dec and returns the keys of the object that decides its
// shape (the value itself if an object, its first element if an array of objects), the value's
// first byte, and whether the value was read to its end.
func sniffJSON(dec *json.Decoder) (keys []string, first byte, complete bool, err error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, 0, false, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil, 0, true, nil
	}
	first = byte(d)
	if d == '[' {
		if !dec.More() {
			_, err := dec.Token()
			return nil, first, err == nil, err
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, first, false, err
		}
		if tok != json.Delim('{') {
			// An array of something else: read it through to tell JSON from text.
			if err := skipRest(dec, tok); err != nil {
				return nil, first, false, err
			}
			return []string{"(an array of " + kind(tok) + ")"}, first, false, nil
		}
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys, first, false, err
		}
		if k, ok := tok.(string); ok {
			keys = append(keys, k)
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return keys, first, false, err
		}
	}
	if _, err := dec.Token(); err != nil { // the object's '}'
		return keys, first, false, err
	}
	if d == '[' {
		for dec.More() {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return keys, first, false, err
			}
		}
		if _, err := dec.Token(); err != nil { // ']'
			return keys, first, false, err
		}
	}
	return keys, first, true, nil
}

// skipRest reads past the rest of a value whose first token was tok.
func skipRest(dec *json.Decoder, tok json.Token) error {
	if d, ok := tok.(json.Delim); ok && (d == '[' || d == '{') {
		for depth := 1; depth > 0; {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			if d, ok := t.(json.Delim); ok {
				if d == '[' || d == '{' {
					depth++
				} else {
					depth--
				}
			}
		}
	}
	return nil
}

// kind names the JSON kind of a first token.
func kind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "arrays"
		}
		return "objects"
	case string:
		return "strings"
	case json.Number, float64:
		return "numbers"
	case bool:
		return "booleans"
	}
	return "nulls"
}
