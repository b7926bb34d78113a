package files_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
	"github.com/mnemohq/mnemo/internal/files/pdftest"
)

// split returns the chunks of data read as format f, failing the test on an error.
func split(t testing.TB, f files.Format, data string) []files.Chunk {
	t.Helper()
	chunks, err := trySplit(f, []byte(data))
	if err != nil {
		t.Fatalf("Split(%s): %v", f, err)
	}
	return chunks
}

// trySplit returns the chunks of data read as format f, and Split's error, checking the
// properties every chunk has.
func trySplit(f files.Format, data []byte) ([]files.Chunk, error) {
	var chunks []files.Chunk
	err := files.Split(context.Background(), bytes.NewReader(data), int64(len(data)), f, func(c files.Chunk) error {
		if err := checkChunk(c, len(chunks), f); err != nil {
			return err
		}
		chunks = append(chunks, c)
		return nil
	})
	return chunks, err
}

// errBadChunk marks a chunk that breaks a property every chunk must have.
var errBadChunk = errors.New("bad chunk")

// checkChunk checks the properties every chunk has.
func checkChunk(c files.Chunk, index int, f files.Format) error {
	if c.Index != index {
		return fmt.Errorf("%w: Index %d, want %d", errBadChunk, c.Index, index)
	}
	switch f {
	case files.Chat, files.ChatJSONL:
		if len(c.Messages) == 0 || len(c.Messages) > files.MaxChatWindow || c.Text != "" {
			return fmt.Errorf("%w: %d messages, text %q", errBadChunk, len(c.Messages), c.Text)
		}
		for _, m := range c.Messages {
			if strings.TrimSpace(m.Content) == "" || !utf8.ValidString(m.Content) || !utf8.ValidString(m.Role) ||
				!utf8.ValidString(m.Name) || !utf8.ValidString(m.ID) {
				return fmt.Errorf("%w: message %+v", errBadChunk, m)
			}
		}
	default:
		if c.Text == "" || c.Text != strings.TrimSpace(c.Text) || !utf8.ValidString(c.Text) || len(c.Text) > files.MaxChunk {
			return fmt.Errorf("%w: text %q (%d bytes)", errBadChunk, c.Text, len(c.Text))
		}
		if strings.ContainsFunc(c.Text, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f }) {
			return fmt.Errorf("%w: control character in %q", errBadChunk, c.Text)
		}
		if !utf8.ValidString(c.Heading) || len(c.Messages) > 0 {
			return fmt.Errorf("%w: heading %q, %d messages", errBadChunk, c.Heading, len(c.Messages))
		}
		if (f == files.PDF) != (c.Page > 0) {
			return fmt.Errorf("%w: page %d for %s", errBadChunk, c.Page, f)
		}
	}
	return nil
}

// checkSplitErr fails unless err is nil or wraps errs.InvalidInput.
func checkSplitErr(t *testing.T, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("error %v does not wrap InvalidInput", err)
	}
}

// texts returns the Text of each chunk.
func texts(chunks []files.Chunk) []string {
	var s []string
	for _, c := range chunks {
		s = append(s, c.Text)
	}
	return s
}

// minimalPDF makes a PDF of one page per text (see pdftest.Minimal).
func minimalPDF(pages ...string) []byte { return pdftest.Minimal(pages...) }

// strReader returns an io.ReaderAt of data.
func strReader(data []byte) *bytes.Reader { return bytes.NewReader(data) }
