package files

import (
	"io"
	"strings"
)

// ctxEvery is how many lines or tokens Split reads between two checks of ctx.
const ctxEvery = 1024

// splitText cuts plain text into chunks of blank-line separated paragraphs.
func splitText(rd io.Reader, c *chunker) error {
	cont := false // the previous fragment's line goes on
	err := c.fragments(newLineReader(rd), func(s string, more bool) error {
		var err error
		switch {
		case cont:
			err = c.write(s)
		case strings.TrimSpace(s) == "":
			err = c.endPara()
		default:
			err = c.line(s)
		}
		cont = more
		return err
	})
	if err != nil {
		return err
	}
	return c.finish()
}

// fragments calls fn with each fragment of lr's lines (see lineReader.next: more says the line goes
// on in the next fragment) until the end, checking ctx every ctxEvery fragments.
func (c *chunker) fragments(lr *lineReader, fn func(s string, more bool) error) error {
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		s, more, err := lr.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(s, more); err != nil {
			return err
		}
	}
}

// Front matter bounds: a block that opens like front matter but is not closed within these is
// read as Markdown.
const (
	maxFrontMatterLines = 1000
	maxFrontMatterBytes = 64 << 10
)

// splitMarkdown cuts Markdown into chunks: a heading starts a chunk and names it, a fenced code
// block stays whole (up to MaxChunk), paragraphs accumulate. Front matter is dropped.
func splitMarkdown(r io.ReaderAt, size int64, c *chunker) error {
	rd, err := openText(r, size)
	if err != nil {
		return err
	}
	lr := newLineReader(rd)
	skipped, err := skipFrontMatter(lr)
	if err != nil {
		return err
	}
	if !skipped { // not front matter after all (or none): read again from the start
		if rd, err = openText(r, size); err != nil {
			return err
		}
		lr = newLineReader(rd)
	}
	return (&markdown{c: c}).read(lr)
}

// skipFrontMatter reads a front matter block (--- YAML --- or +++ TOML +++) at the start of the
// file, reporting whether it found a whole one. If it did not, lr has read past some lines.
func skipFrontMatter(lr *lineReader) (bool, error) {
	first, more, err := lr.next()
	if err == io.EOF || err == nil && (more || strings.TrimRight(first, " \t") != "---" && strings.TrimRight(first, " \t") != "+++") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	open := strings.TrimRight(first, " \t")
	read := 0
	for n := 0; n < maxFrontMatterLines && read < maxFrontMatterBytes; n++ {
		s, more, err := lr.next()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		read += len(s) + 1
		if more {
			continue
		}
		s = strings.TrimRight(s, " \t")
		if s == open || open == "---" && s == "..." {
			return true, nil
		}
	}
	return false, nil
}

// markdown is the state of a Markdown reading.
type markdown struct {
	c     *chunker
	fence string // the open code fence ("```", "~~~~"), "" outside code
	// skipLine: the current line is a heading whose further fragments are dropped.
	skipLine bool
	plain    bool // the paragraph being built holds plain lines only (a setext heading candidate)
}

func (m *markdown) read(lr *lineReader) error {
	c := m.c
	cont := false
	err := c.fragments(lr, func(s string, more bool) error {
		defer func() { cont = more }()
		if cont {
			if m.skipLine {
				return nil
			}
			if m.fence == "" {
				s = inline(s)
			}
			return c.write(s)
		}
		m.skipLine = false
		return m.line(s, more)
	})
	if err != nil {
		return err
	}
	return c.finish()
}

// line handles one line (or the first fragment of one).
func (m *markdown) line(s string, more bool) error {
	c := m.c
	if m.fence != "" {
		if err := c.line(s); err != nil {
			return err
		}
		if closesFence(s, m.fence) {
			m.fence = ""
			return c.endPara()
		}
		return nil
	}
	if f := opensFence(s); f != "" {
		if err := c.endPara(); err != nil {
			return err
		}
		m.fence, m.plain = f, false
		return c.line(s)
	}
	if strings.TrimSpace(s) == "" {
		m.plain = false
		return c.endPara()
	}
	if h, ok := atxHeading(s); ok {
		m.skipLine, m.plain = more, false
		return c.section(h)
	}
	if !more && m.plain && c.para.Len() > 0 && isSetextUnderline(s) {
		h := c.para.String()
		c.para.Reset()
		c.cut = false
		m.plain = false
		return c.section(h)
	}
	if !more && isThematicBreak(s) {
		m.plain = false
		return c.endPara()
	}
	if c.para.Len() == 0 {
		m.plain = true
	}
	return c.line(inline(s))
}

// opensFence returns the fence s opens (its run of ` or ~), or "".
func opensFence(s string) string {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 || len(t) < 3 || t[0] != '`' && t[0] != '~' {
		return ""
	}
	n := 0
	for n < len(t) && t[n] == t[0] {
		n++
	}
	if n < 3 || t[0] == '`' && strings.Contains(t[n:], "`") {
		return ""
	}
	return t[:n]
}

// closesFence reports whether s closes the code block opened by fence.
func closesFence(s, fence string) bool {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return false
	}
	n := 0
	for n < len(t) && t[n] == fence[0] {
		n++
	}
	return n >= len(fence) && strings.TrimSpace(t[n:]) == ""
}

// atxHeading returns the text of an ATX heading line ("## Title ##" -> "Title").
func atxHeading(s string) (string, bool) {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return "", false
	}
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n < len(t) && t[n] != ' ' && t[n] != '\t' {
		return "", false
	}
	h := strings.TrimSpace(t[n:])
	if trimmed := strings.TrimRight(h, "#"); trimmed == "" {
		h = ""
	} else if len(trimmed) < len(h) && (strings.HasSuffix(trimmed, " ") || strings.HasSuffix(trimmed, "\t")) {
		h = strings.TrimSpace(trimmed)
	}
	return inline(h), true
}

// isSetextUnderline reports whether s is a line of = or - (a setext heading's underline).
func isSetextUnderline(s string) bool {
	t := strings.TrimLeft(s, " ")
	if len(s)-len(t) > 3 {
		return false
	}
	t = strings.TrimRight(t, " \t")
	return t != "" && (strings.Trim(t, "=") == "" || strings.Trim(t, "-") == "")
}

// isThematicBreak reports whether s is a horizontal rule: three or more of -, * or _.
func isThematicBreak(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || t[0] != '-' && t[0] != '*' && t[0] != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case t[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// Bounds of the link syntax inline recognises, so that a line of brackets costs linear time.
const (
	maxLinkText = 500
	maxLinkURL  = 2000
)

// inline makes a line of Markdown easier to read: [text](url) and ![alt](url) become text and
// alt, and ** bold markers go.
func inline(s string) string {
	if strings.Contains(s, "**") {
		s = strings.ReplaceAll(s, "**", "")
	}
	if !strings.Contains(s, "](") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		start := i
		if s[i] == '!' && i+1 < len(s) && s[i+1] == '[' {
			i++
		}
		if s[i] == '[' {
			if j := indexWithin(s[i+1:], ']', maxLinkText); j >= 0 {
				close := i + 1 + j
				if close+1 < len(s) && s[close+1] == '(' {
					if k := indexWithin(s[close+2:], ')', maxLinkURL); k >= 0 {
						b.WriteString(s[i+1 : close])
						i = close + 2 + k + 1
						continue
					}
				}
			}
		}
		b.WriteByte(s[start])
		i = start + 1
	}
	return b.String()
}

// indexWithin is strings.IndexByte limited to the first max bytes of s.
func indexWithin(s string, c byte, max int) int {
	if len(s) > max {
		s = s[:max]
	}
	return strings.IndexByte(s, c)
}
