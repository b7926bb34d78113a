package files

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// Bounds on a PDF's page tree, so that a cyclic or absurd one ends in an error, not a hang.
const (
	maxPageDepth = 64 // nesting of the page tree, and length of a page's Parent chain
	// A page tree node takes some 30 bytes at least, so a file of n bytes has fewer than n/16.
	pdfBytesPerNode = 16
)

// splitPDF cuts a PDF's text into chunks, page by page, with github.com/ledongthuc/pdf: a page's
// paragraphs accumulate into chunks as a text's do, and a page's end ends its last chunk. A page's
// text is laid out from the positions of its glyphs: a wide vertical gap ends a paragraph.
func splitPDF(r io.ReaderAt, size int64, c *chunker) error {
	rd, err := openPDF(r, size)
	if err != nil {
		return err
	}
	w := &pageWalker{budget: size/pdfBytesPerNode + 16}
	root, err := safeValue(func() pdf.Value { return rd.Trailer().Key("Root").Key("Pages") })
	if err != nil {
		return malformed("PDF: unreadable page tree: %v", err)
	}
	if root.Kind() != pdf.Dict {
		return malformed("PDF has no page tree")
	}
	err = w.walk(root, 0, func(p pdf.Page) error {
		c.page++
		if err := c.ctx.Err(); err != nil {
			return err
		}
		text, err := pageText(p)
		if err != nil {
			return malformed("PDF: page %d: %v", c.page, err)
		}
		for _, para := range text {
			if err := c.write(clean(para)); err != nil {
				return err
			}
			if err := c.endPara(); err != nil {
				return err
			}
		}
		// A chunk never spans pages, so that the page its memories name is theirs.
		return c.flush()
	})
	if err != nil {
		return err
	}
	return c.finish()
}

// openPDF opens a PDF with the library, turning its errors and panics into InvalidInput errors.
func openPDF(r io.ReaderAt, size int64) (rd *pdf.Reader, err error) {
	defer func() {
		if p := recover(); p != nil {
			rd, err = nil, malformed("PDF is malformed: %v", p)
		}
	}()
	rd, err = pdf.NewReader(headerFix(r), size)
	switch {
	case err == nil:
		return rd, nil
	case errors.Is(err, pdf.ErrInvalidPassword):
		return nil, malformed("PDF is encrypted with a password")
	case strings.Contains(err.Error(), "encrypt"):
		return nil, malformed("PDF is encrypted: %v", err)
	}
	return nil, malformed("PDF is malformed: %v", err)
}

// headerFix presents the header of a PDF whose version the library does not know (%PDF-2.0, or
// no line end after the version) as %PDF-1.7: the library reads every version it knows the same.
func headerFix(r io.ReaderAt) io.ReaderAt {
	head := make([]byte, 9)
	if n, _ := r.ReadAt(head, 0); n < 9 || !bytes.HasPrefix(head, []byte("%PDF-")) {
		return r
	}
	if head[5] == '1' && head[6] == '.' && '0' <= head[7] && head[7] <= '7' && (head[8] == '\r' || head[8] == '\n') {
		return r
	}
	return &patchedReaderAt{r: r, patch: []byte("%PDF-1.7\n")}
}

// patchedReaderAt reads r with its first bytes replaced by patch.
type patchedReaderAt struct {
	r     io.ReaderAt
	patch []byte
}

func (p *patchedReaderAt) ReadAt(b []byte, off int64) (int, error) {
	n, err := p.r.ReadAt(b, off)
	for i := 0; i < n; i++ {
		if o := off + int64(i); o < int64(len(p.patch)) {
			b[i] = p.patch[o]
		} else {
			break
		}
	}
	return n, err
}

// safeValue evaluates f, turning a panic of the library into an error.
func safeValue(f func() pdf.Value) (v pdf.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return f(), nil
}

// pageWalker walks a page tree depth first, within a budget of nodes.
type pageWalker struct {
	budget int64
}

func (w *pageWalker) walk(v pdf.Value, depth int, fn func(pdf.Page) error) error {
	w.budget--
	if depth > maxPageDepth || w.budget < 0 {
		return malformed("PDF: page tree too deep, too large or cyclic")
	}
	typ, err := safeValue(func() pdf.Value { return v.Key("Type") })
	if err != nil {
		return malformed("PDF: unreadable page tree: %v", err)
	}
	kids, err := safeValue(func() pdf.Value { return v.Key("Kids") })
	if err != nil {
		return malformed("PDF: unreadable page tree: %v", err)
	}
	switch {
	case typ.Name() == "Page" || typ.Name() != "Pages" && kids.Kind() != pdf.Array && v.Kind() == pdf.Dict:
		return fn(pdf.Page{V: v})
	case kids.Kind() == pdf.Array:
		for i := 0; i < kids.Len(); i++ {
			kid, err := safeValue(func() pdf.Value { return kids.Index(i) })
			if err != nil {
				return malformed("PDF: unreadable page tree: %v", err)
			}
			if kid.Kind() != pdf.Dict {
				continue
			}
			if err := w.walk(kid, depth+1, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// pageText returns the paragraphs of a page's text.
func pageText(p pdf.Page) (paras []string, err error) {
	defer func() {
		if r := recover(); r != nil {
			paras, err = nil, fmt.Errorf("unreadable content: %v", r)
		}
	}()
	// The library follows a page's Parent chain without a bound: refuse a cyclic one first.
	v := p.V
	for depth := 0; !v.IsNull(); depth++ {
		if depth > maxPageDepth {
			return nil, errors.New("page tree too deep or cyclic")
		}
		v = v.Key("Parent")
	}
	return layout(p.Content().Text), nil
}

// layout joins a page's glyphs into paragraphs: a glyph on a new baseline starts a new line, one
// more than 1.6 lines below the last starts a new paragraph, and a horizontal gap wider than a
// fifth of the font size is a space.
func layout(texts []pdf.Text) []string {
	var (
		paras []string
		cur   strings.Builder
		space bool // a space is due before the next glyph
		have  bool
		lastY float64
		end   float64 // x where the last glyph ended
		fs    float64 // the last glyph's font size
	)
	for _, t := range texts {
		if strings.TrimSpace(t.S) == "" {
			space = true
			continue
		}
		size := math.Max(math.Abs(t.FontSize), 1)
		if have {
			lh := math.Max(size, fs)
			dy := math.Abs(t.Y - lastY)
			switch {
			case dy > 1.6*lh:
				paras = append(paras, cur.String())
				cur.Reset()
			case dy > 0.5*lh:
				cur.WriteByte('\n')
			case space || t.X-end > 0.2*size:
				cur.WriteByte(' ')
			}
		}
		space = false
		cur.WriteString(t.S)
		have, lastY, end, fs = true, t.Y, t.X+t.W, size
	}
	if cur.Len() > 0 {
		paras = append(paras, cur.String())
	}
	return paras
}
