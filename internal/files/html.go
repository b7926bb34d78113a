package files

import (
	"errors"
	"io"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// dropped holds the elements whose content is not text a reader sees.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true, atom.Svg: true,
	atom.Math: true, atom.Iframe: true, atom.Noembed: true, atom.Noframes: true, atom.Object: true,
	atom.Canvas: true, atom.Textarea: true, atom.Select: true,
}

// rawText holds the elements whose content the tokenizer reads as one text token up to the end
// tag, even when the start tag is written self-closing.
var rawText = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Noembed: true,
	atom.Noframes: true, atom.Textarea: true, atom.Title: true, atom.Xmp: true, atom.Plaintext: true,
}

// blocks holds the elements that end a paragraph where they start and end.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Br: true, atom.Hr: true, atom.Tr: true, atom.Table: true,
	atom.Thead: true, atom.Tbody: true, atom.Tfoot: true, atom.Caption: true, atom.Section: true,
	atom.Article: true, atom.Aside: true, atom.Header: true, atom.Footer: true, atom.Nav: true,
	atom.Main: true, atom.Blockquote: true, atom.Figure: true, atom.Figcaption: true,
	atom.Address: true, atom.Details: true, atom.Summary: true, atom.Form: true,
	atom.Fieldset: true, atom.Legend: true, atom.Body: true, atom.Html: true,
}

// headingEnds holds the elements that end an unclosed h1-h6 where they start.
var headingEnds = map[atom.Atom]bool{
	atom.P: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Table: true, atom.Pre: true,
	atom.Section: true, atom.Article: true, atom.Blockquote: true,
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// countingReader counts the bytes read through it, to say where an error is.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// htmlReader is the state of an HTML reading.
type htmlReader struct {
	c         *chunker
	skip      atom.Atom // the dropped element being skipped, 0 if none
	skipDepth int       // how many skip elements are open
	inHead    bool
	inTitle   bool
	title     strings.Builder
	inHeading bool
	heading   strings.Builder
	pre       int // open <pre> elements
}

// splitHTML cuts HTML into chunks of its visible text, streaming with the tokenizer.
func splitHTML(rd io.Reader, c *chunker) error {
	cr := &countingReader{r: rd}
	z := html.NewTokenizer(cr)
	z.SetMaxBuf(MaxLine)
	h := &htmlReader{c: c}
	for n := 0; ; n++ {
		if n%ctxEvery == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		tt := z.Next()
		var err error
		switch tt {
		case html.ErrorToken:
			switch err := z.Err(); {
			case err == io.EOF:
				if h.inHeading {
					if err := h.endHeading(); err != nil {
						return err
					}
				}
				return c.finish()
			case errors.Is(err, html.ErrBufferExceeded):
				return malformed("HTML token longer than %d bytes near byte %d", MaxLine, cr.n)
			default:
				return readErr(err)
			}
		case html.TextToken:
			err = h.text(string(z.Text()))
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			err = h.start(atom.Lookup(name), tt == html.SelfClosingTagToken)
		case html.EndTagToken:
			name, _ := z.TagName()
			err = h.end(atom.Lookup(name))
		}
		if err != nil {
			return err
		}
	}
}

func (h *htmlReader) text(s string) error {
	switch {
	case h.skip != 0:
		return nil
	case h.inTitle:
		if h.title.Len() < maxHeading {
			h.title.WriteString(s)
		}
		return nil
	case h.inHead:
		return nil
	case h.inHeading:
		h.heading.WriteString(s)
		if h.heading.Len() > maxHeading { // an unclosed heading: the rest is text
			return h.endHeading()
		}
		return nil
	case h.pre > 0:
		return h.c.write(clean(strings.ReplaceAll(s, "\r\n", "\n")))
	}
	return h.c.words(clean(s))
}

func (h *htmlReader) start(a atom.Atom, selfClosing bool) error {
	if h.skip != 0 {
		if a == h.skip && !selfClosing {
			h.skipDepth++
		}
		return nil
	}
	if dropped[a] {
		if !selfClosing || rawText[a] {
			h.skip, h.skipDepth = a, 1
		}
		return nil
	}
	switch {
	case a == atom.Head:
		h.inHead = true
	case a == atom.Title:
		h.inTitle = !selfClosing || rawText[a]
		h.title.Reset()
	case a == atom.Body:
		h.inHead = false
	case isHeading(a):
		if h.inHeading {
			if err := h.endHeading(); err != nil {
				return err
			}
		}
		h.inHead = false
		h.inHeading = !selfClosing
		h.heading.Reset()
		return h.c.endPara()
	case a == atom.Pre || a == atom.Xmp || a == atom.Plaintext:
		h.inHead = false
		if !selfClosing || a != atom.Pre {
			h.pre++
		}
		return h.c.endPara()
	case h.inHeading && headingEnds[a]:
		return h.endHeading()
	case h.inHeading && a == atom.Br:
		h.heading.WriteByte(' ')
	case blocks[a]:
		return h.c.endPara()
	case a == atom.Td || a == atom.Th:
		if h.inHeading {
			h.heading.WriteByte(' ')
		}
		h.c.space = true
	}
	return nil
}

func (h *htmlReader) end(a atom.Atom) error {
	if h.skip != 0 {
		if a == h.skip {
			h.skipDepth--
			if h.skipDepth == 0 {
				h.skip = 0
			}
		}
		return nil
	}
	switch {
	case a == atom.Head:
		h.inHead = false
	case a == atom.Title:
		if h.inTitle {
			h.inTitle = false
			// The title names the chunks before the first heading.
			if h.c.index == 0 && h.c.buf.Len() == 0 && h.c.para.Len() == 0 && h.c.heading == "" {
				h.c.heading = headingText(h.title.String())
			}
		}
	case isHeading(a):
		if h.inHeading {
			return h.endHeading()
		}
	case a == atom.Pre || a == atom.Xmp:
		if h.pre > 0 {
			h.pre--
		}
		return h.c.endPara()
	case blocks[a]:
		return h.c.endPara()
	case a == atom.Td || a == atom.Th:
		h.c.space = true
	}
	return nil
}

// endHeading ends the h1-h6 being read: it starts a section under its text.
func (h *htmlReader) endHeading() error {
	h.inHeading = false
	s := h.heading.String()
	h.heading.Reset()
	return h.c.section(s)
}
