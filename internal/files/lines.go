package files

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf16"
	"unicode/utf8"
)

// BOMs Split and Detect recognise at the start of a text file.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// openText returns a reader of the file's text as UTF-8: a UTF-8 BOM skipped, UTF-16 with a BOM
// decoded.
func openText(r io.ReaderAt, size int64) (io.Reader, error) {
	head := make([]byte, 3)
	n, err := r.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, readErr(err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		return io.NewSectionReader(r, 3, size-3), nil
	case bytes.HasPrefix(head, bomUTF16LE):
		return &utf16Reader{r: bufio.NewReaderSize(io.NewSectionReader(r, 2, size-2), 32<<10)}, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return &utf16Reader{r: bufio.NewReaderSize(io.NewSectionReader(r, 2, size-2), 32<<10), be: true}, nil
	}
	return io.NewSectionReader(r, 0, size), nil
}

// utf16Reader decodes UTF-16 from r into UTF-8. Unpaired surrogates and a final odd byte become
// U+FFFD.
type utf16Reader struct {
	r   *bufio.Reader
	be  bool
	out []byte // decoded, not yet returned
	hi  rune   // a high surrogate waiting for its pair, or 0
	err error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill decodes up to 4 KiB of units into u.out.
func (u *utf16Reader) fill() {
	u.out = u.out[:0]
	var unit [2]byte
	for range 2048 {
		n, err := io.ReadFull(u.r, unit[:])
		if err != nil {
			if n == 1 || u.hi != 0 {
				u.out = utf8.AppendRune(u.out, utf8.RuneError)
				u.hi = 0
			}
			u.err = io.EOF
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				u.err = err
			}
			return
		}
		v := rune(unit[0]) | rune(unit[1])<<8
		if u.be {
			v = rune(unit[1]) | rune(unit[0])<<8
		}
		if u.hi != 0 {
			if 0xDC00 <= v && v <= 0xDFFF {
				u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.hi, v))
				u.hi = 0
				continue
			}
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.hi = 0
		}
		if 0xD800 <= v && v < 0xDC00 {
			u.hi = v
			continue
		}
		u.out = utf8.AppendRune(u.out, v) // a lone low surrogate becomes U+FFFD
	}
}

// lineBuf is the size of a lineReader's buffer: the longest fragment of a line it returns.
const lineBuf = 64 << 10

// lineReader reads a text file line by line, cleaned; a line longer than lineBuf comes in
// fragments, cut between runes.
type lineReader struct {
	br    *bufio.Reader
	carry []byte // the start of a rune cut by the previous fragment
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, lineBuf)}
}

// next returns the next line, or fragment of a line, without its line ending; more reports that
// the line goes on in the next fragment. err is io.EOF at the end of the file.
func (l *lineReader) next() (s string, more bool, err error) {
	b, err := l.br.ReadSlice('\n')
	switch err {
	case nil:
	case bufio.ErrBufferFull:
		more, err = true, nil
	case io.EOF:
		if len(b) == 0 && len(l.carry) == 0 {
			return "", false, io.EOF
		}
		err = nil
	default:
		return "", false, readErr(err)
	}
	if len(l.carry) > 0 {
		b = append(append([]byte(nil), l.carry...), b...)
		l.carry = l.carry[:0]
	}
	if more {
		if k := incompleteTail(b); k > 0 {
			l.carry = append(l.carry, b[len(b)-k:]...)
			b = b[:len(b)-k]
		}
	} else {
		b = bytes.TrimSuffix(b, []byte("\n"))
		b = bytes.TrimSuffix(b, []byte("\r"))
	}
	return clean(string(b)), more, nil
}

// incompleteTail returns how many bytes at the end of b are the start of a rune cut short.
func incompleteTail(b []byte) int {
	for k := 1; k <= 3 && k <= len(b); k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if utf8.FullRune(b[len(b)-k:]) {
				return 0
			}
			return k
		}
	}
	return 0
}
