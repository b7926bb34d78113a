package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
)

// Chunk is one piece of a file, in file order.
type Chunk struct {
	// Index is the chunk's position: 0, 1, 2 ... in file order, the same for the same bytes.
	Index int
	// Text is the chunk's text (Text, Markdown, HTML, PDF): valid UTF-8, trimmed, never empty, at most
	// MaxChunk bytes, without NUL or other C0 controls but for \n and \t. It excludes Heading.
	Text string
	// Heading is the nearest heading above the chunk (Markdown, HTML: an h1-h6, or the <title>
	// before the first one), "" if none.
	Heading string
	// Page is the 1-based PDF page the chunk starts on; 0 for other formats.
	Page int
	// Messages is a window of consecutive messages of one conversation (Chat, ChatJSONL), in order,
	// each with non-empty Content.
	Messages []memory.Message
	// Conversation is the conversation's ID (or, lacking one, its title) when the export has one.
	Conversation string
}

const (
	// ChunkSize is the target size of a text chunk in bytes: paragraphs accumulate into a chunk
	// until the next would take it past ChunkSize.
	ChunkSize = 2000
	// MaxChunk is the largest a text chunk may be, in bytes. A single paragraph or fenced code block
	// up to MaxChunk stays whole in one chunk; a longer one is cut into pieces of at most ChunkSize,
	// at a paragraph break, then a sentence end, a line break, a space, and failing all of those
	// between two runes.
	MaxChunk = 8000
	// MaxChatWindow is the most messages in one chat chunk.
	MaxChatWindow = 200
	// MaxChatWindowBytes bounds a chat chunk's content: a window closes once its messages hold this
	// many bytes, so a chunk holds at most MaxChatWindowBytes plus one message.
	MaxChatWindowBytes = 64 << 10
	// MaxLine is the longest JSONL line, and the longest single HTML token (a tag with its
	// attributes, a text run between two tags, a script), in bytes. Longer is an InvalidInput error.
	MaxLine = 16 << 20
	// maxHeading bounds a chunk's Heading, in bytes.
	maxHeading = 512
)

// Split reads a file of format f from r (size bytes) and calls fn with each chunk, in file order.
//
// It streams: it holds a few chunks at a time (plus, for HTML, one token; for Chat, one
// conversation of a ChatGPT export or one message; for ChatJSONL, one line; for PDF, what the PDF
// library holds for one page and the cross-reference table), never the whole file.
//
// It stops and returns fn's error if fn returns one, and ctx.Err() if ctx ends. A malformed file
// is an error wrapping errs.InvalidInput that says where (line, byte offset or page); so is a
// panic in a third-party parser. A file with no text (an empty file, a PDF of scanned images)
// yields no chunk and a nil error. Errors reading r are returned wrapped, as they are.
func Split(ctx context.Context, r io.ReaderAt, size int64, f Format, fn func(Chunk) error) (err error) {
	switch {
	case ctx == nil:
		return errs.Field("ctx", "is nil")
	case r == nil:
		return errs.Field("file", "reader is nil")
	case size < 0:
		return errs.Field("file", "size %d is negative", size)
	case fn == nil:
		return errs.Field("fn", "is nil")
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c := &chunker{ctx: ctx, fn: fn}
	defer func() {
		if p := recover(); p != nil {
			if c.inFn {
				panic(p) // the caller's own panic: not ours to hide
			}
			err = malformed("unreadable %s file: parser failure: %v", f, p)
		}
	}()
	switch f {
	case Text, Markdown, HTML, Chat, ChatJSONL:
		rd, err := openText(r, size)
		if err != nil {
			return err
		}
		switch f {
		case Text:
			return splitText(rd, c)
		case Markdown:
			return splitMarkdown(r, size, c)
		case HTML:
			return splitHTML(rd, c)
		case Chat:
			return splitChat(rd, c)
		default:
			return splitChatJSONL(rd, c)
		}
	case PDF:
		return splitPDF(r, size, c)
	}
	return errs.Field("format", "unknown format %q", string(f))
}

// malformed returns an error wrapping errs.InvalidInput about the file's content.
func malformed(format string, args ...any) error {
	return errs.Field("file", format, args...)
}

// readErr wraps an error reading the file, keeping ctx errors and InvalidInput as they are.
func readErr(err error) error {
	if err == nil || errors.Is(err, errs.InvalidInput) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("read file: %w", err)
}

// chunker accumulates text into chunks and hands them to fn. Text arrives as paragraphs (write,
// then endPara) or whole blocks; headings start sections. It holds one chunk being built and one
// paragraph, each at most MaxChunk bytes (plus the line or token being appended).
type chunker struct {
	ctx   context.Context
	fn    func(Chunk) error
	index int
	inFn  bool // fn is running: a panic now is the caller's

	buf     strings.Builder // the chunk being built
	bufPage int             // the page buf started on
	heading string          // the heading of the section being read
	page    int             // the page being read (PDF)

	para    strings.Builder // the paragraph being built
	space   bool            // words: a space is due before the next word
	cut     bool            // the paragraph outgrew MaxChunk: it is cut into pieces of ChunkSize
	windows int             // chat windows emitted (for ctx checks)
}

// emit hands one chunk to fn, after checking ctx.
func (c *chunker) emit(ch Chunk) error {
	if err := c.ctx.Err(); err != nil {
		return err
	}
	ch.Index = c.index
	c.index++
	c.inFn = true
	err := c.fn(ch)
	c.inFn = false
	return err
}

// emitText emits s as a text chunk, if anything is left of it once cleaned.
func (c *chunker) emitText(s string, page int) error {
	s = strings.TrimSpace(clean(s))
	if s == "" {
		return nil
	}
	return c.emit(Chunk{Text: s, Heading: c.heading, Page: page})
}

// flush emits the chunk being built.
func (c *chunker) flush() error {
	if c.buf.Len() == 0 {
		return nil
	}
	s := c.buf.String()
	c.buf.Reset()
	return c.emitText(s, c.bufPage)
}

// block adds a complete block of text (a paragraph, a code block) to the chunk being built,
// flushing it first if the block would take it past ChunkSize. A block over MaxChunk is cut.
func (c *chunker) block(s string) error {
	s = strings.TrimSpace(s)
	for len(s) > MaxChunk {
		var piece string
		piece, s = cutOne(s, ChunkSize)
		if err := c.flush(); err != nil {
			return err
		}
		if err := c.emitText(piece, c.page); err != nil {
			return err
		}
	}
	if s == "" {
		return nil
	}
	if c.buf.Len() > 0 && c.buf.Len()+2+len(s) > ChunkSize {
		if err := c.flush(); err != nil {
			return err
		}
	}
	if c.buf.Len() == 0 {
		c.bufPage = c.page
	} else {
		c.buf.WriteString("\n\n")
	}
	c.buf.WriteString(s)
	return nil
}

// write appends s to the paragraph being built. A paragraph that outgrows MaxChunk is cut: its
// leading pieces are emitted, and the rest (at most ChunkSize) stays to be continued.
func (c *chunker) write(s string) error {
	c.para.WriteString(s)
	if c.para.Len() <= MaxChunk {
		return nil
	}
	return c.cutPara()
}

// cutPara emits the paragraph's leading pieces, leaving at most ChunkSize of it.
func (c *chunker) cutPara() error {
	c.cut = true
	rest := strings.TrimSpace(c.para.String())
	if err := c.flush(); err != nil {
		return err
	}
	for len(rest) > ChunkSize {
		var piece string
		piece, rest = cutOne(rest, ChunkSize)
		if err := c.emitText(piece, c.page); err != nil {
			return err
		}
	}
	c.para.Reset()
	c.para.WriteString(rest)
	return nil
}

// line appends s to the paragraph as a new line.
func (c *chunker) line(s string) error {
	if c.para.Len() > 0 {
		c.para.WriteByte('\n')
	}
	return c.write(s)
}

// words appends s to the paragraph with its whitespace collapsed to single spaces, a space
// carried over between calls.
func (c *chunker) words(s string) error {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsSpace(r) {
			c.space = true
			continue
		}
		if c.space && (c.para.Len() > 0 || b.Len() > 0) {
			b.WriteByte(' ')
		}
		c.space = false
		b.WriteRune(r)
	}
	return c.write(b.String())
}

// endPara ends the paragraph being built, adding it as a block.
func (c *chunker) endPara() error {
	c.space = false
	if c.cut && c.para.Len() > ChunkSize {
		if err := c.cutPara(); err != nil {
			return err
		}
	}
	c.cut = false
	if c.para.Len() == 0 {
		return nil
	}
	s := c.para.String()
	c.para.Reset()
	return c.block(s)
}

// section ends the chunk being built and starts a section under heading.
func (c *chunker) section(heading string) error {
	if err := c.endPara(); err != nil {
		return err
	}
	if err := c.flush(); err != nil {
		return err
	}
	c.heading = headingText(heading)
	return nil
}

// finish emits what is left.
func (c *chunker) finish() error {
	if err := c.endPara(); err != nil {
		return err
	}
	return c.flush()
}

// headingText cleans a heading: one line, whitespace collapsed, at most maxHeading bytes.
func headingText(s string) string {
	s = strings.Join(strings.Fields(clean(s)), " ")
	if len(s) > maxHeading {
		n := maxHeading
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = strings.TrimSpace(s[:n])
	}
	return s
}

// clean returns s as valid UTF-8 without NUL, other C0 controls but \n and \t, DEL, or \r.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if b := s[i]; b >= utf8.RuneSelf || b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// cutOne cuts the first piece of at most limit bytes off s (valid UTF-8, longer than limit), at the
// best boundary in the piece's second half: a paragraph break, a sentence end, a line break, a
// space; failing those, between two runes.
func cutOne(s string, limit int) (piece, rest string) {
	n := limit
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	if n == 0 { // cannot happen for valid UTF-8 and limit >= 4; be safe
		n = limit
	}
	w := s[:n]
	half := n / 2
	cut := -1
	if i := strings.LastIndex(w[half:], "\n\n"); i >= 0 {
		cut = half + i + 2
	}
	if cut < 0 {
		cut = lastSentenceEnd(w, half)
	}
	if cut < 0 {
		if i := strings.LastIndexByte(w[half:], '\n'); i >= 0 {
			cut = half + i + 1
		}
	}
	if cut < 0 {
		if i := strings.LastIndexAny(w[half:], " \t"); i >= 0 {
			cut = half + i + 1
		}
	}
	if cut < 0 {
		cut = n
	}
	return strings.TrimSpace(s[:cut]), strings.TrimSpace(s[cut:])
}

// lastSentenceEnd returns the index just past the last sentence end in w at or after from: '.',
// '!' or '?' followed by whitespace, or a CJK full stop. It returns -1 if there is none.
func lastSentenceEnd(w string, from int) int {
	for i := len(w) - 2; i >= from; i-- {
		switch w[i] {
		case '.', '!', '?':
			if c := w[i+1]; c == ' ' || c == '\n' || c == '\t' {
				return i + 2
			}
		}
	}
	for _, stop := range []string{"。", "！", "？"} {
		if i := strings.LastIndex(w[from:], stop); i >= 0 {
			return from + i + len(stop)
		}
	}
	return -1
}
