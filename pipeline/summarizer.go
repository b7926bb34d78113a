package pipeline

import (
	"context"

	"github.com/mnemohq/mnemo/memory"
)

// Summarizer folds facts into the summary of a topic (see Summarize). The summarize step calls it
// with the topic's summary as stored now and the facts to add, and stores what it returns in place of
// the summary. Implementations must be safe for concurrent use. An error is retried with backoff
// unless it wraps ErrPermanent; in the end it fails the runs whose facts were being summarised.
type Summarizer interface {
	Summarize(ctx context.Context, req SummarizeRequest) (string, error)
}

// SummarizeRequest is one summary to bring up to date.
type SummarizeRequest struct {
	// Topic is the summarize step's topic.
	Topic string
	// The scope the summary belongs to.
	Group      string
	UserID     string
	Properties map[string]string
	// Previous is the summary as it is stored now; empty the first time.
	Previous string
	// Facts are the facts to fold in, oldest first (after a buffer: every item of the firing).
	Facts []memory.Fact
}

// SummarizerFunc adapts a function to the Summarizer interface.
type SummarizerFunc func(ctx context.Context, req SummarizeRequest) (string, error)

// Summarize calls f.
func (f SummarizerFunc) Summarize(ctx context.Context, req SummarizeRequest) (string, error) {
	return f(ctx, req)
}
