package rules

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/store"
)

// DefaultSummaryBytes is the size a Summarizer keeps a summary within when MaxBytes is 0.
const DefaultSummaryBytes = 4096

// Summarizer is the default pipeline.Summarizer: offline and deterministic. A summary is a list of
// facts, one per line, oldest first, of at most MaxBytes: each summarize adds the new facts at the
// end, a fact said again (the same words, case and punctuation aside) moves to the end instead of
// appearing twice, and the oldest facts drop off the front when the summary would grow past its
// bound. So a summary is the most recent distinct things said, within a fixed size: a running
// conversation summary. A single fact longer than the bound is cut, at a character boundary, with an
// ellipsis.
type Summarizer struct {
	// MaxBytes bounds a summary; 0 means DefaultSummaryBytes.
	MaxBytes int
}

var _ pipeline.Summarizer = Summarizer{}

// Summarize returns req.Previous with req.Facts folded in, as the type's documentation describes.
// It returns ctx.Err() if ctx is done, and no error otherwise.
func (s Summarizer) Summarize(ctx context.Context, req pipeline.SummarizeRequest) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	limit := s.MaxBytes
	if limit <= 0 {
		limit = DefaultSummaryBytes
	}
	var lines []string
	if req.Previous != "" {
		lines = strings.Split(req.Previous, "\n")
	}
	for _, f := range req.Facts {
		lines = append(lines, strings.Join(strings.Fields(f.Content), " "))
	}
	// Keep each fact's last saying only, walking from the newest.
	seen := make(map[string]bool, len(lines))
	kept := make([]string, 0, len(lines))
	size := 0
	for i := len(lines) - 1; i >= 0; i-- {
		line := lines[i]
		norm := store.NormalizeContent(line)
		if norm == "" || seen[norm] {
			continue
		}
		seen[norm] = true
		if len(kept) == 0 && len(line) > limit {
			line = cut(line, limit)
		}
		if size+len(line)+len(kept) > limit { // the newlines count too
			break
		}
		size += len(line)
		kept = append(kept, line)
	}
	for i, j := 0, len(kept)-1; i < j; i, j = i+1, j-1 {
		kept[i], kept[j] = kept[j], kept[i]
	}
	return strings.Join(kept, "\n"), nil
}

// cut shortens s to at most n bytes, ending with an ellipsis, at a character boundary.
func cut(s string, n int) string {
	const ellipsis = "…"
	if n <= len(ellipsis) {
		return ""
	}
	end := n - len(ellipsis)
	for end > 0 && !utf8.RuneStart(s[end]) {
		end--
	}
	return s[:end] + ellipsis
}
