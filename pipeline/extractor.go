package pipeline

import (
	"context"
	"errors"

	"github.com/mnemohq/mnemo/memory"
)

// Extractor turns one input into candidate facts. The extract step calls it once per text of a string
// input and once per conversation. Implementations must be safe for concurrent use: workers call
// Extract in parallel for different runs.
//
// An error is treated as transient and retried with backoff, unless it wraps ErrPermanent (see
// Permanent), in which case the input is marked failed at once. Either way the run ends failed or
// partial_success with the error in Run.Error; nothing is dropped silently.
type Extractor interface {
	Extract(ctx context.Context, req ExtractRequest) ([]memory.Fact, error)
}

// ExtractRequest is one input handed to an Extractor. Exactly one of Text and Messages is set.
type ExtractRequest struct {
	RunID  string
	UserID string
	// Input is the index of Text among the add's contents; 0 for a conversation, whose facts name
	// their messages' indexes in Source.Input instead.
	Input int
	// Text is one content of a string input.
	Text string
	// Messages is the whole conversation of a conversation input, so that an extractor sees context.
	Messages []memory.Message
	// Heading is, for a chunk of a file, the heading it sits under (Markdown, HTML): context for
	// an extractor that can use it (a model), not content to extract from. Empty otherwise.
	Heading string
}

// Cheap is implemented by an Extractor whose extraction costs little to repeat: no model call, no
// network, a few microseconds a fact (the offline rules.Extractor). Such an extraction is not
// checkpointed on its own when the run's facts fit one commit part: the run is extracted,
// transformed and committed in one write, queued to completed, and costs one commit on its way
// instead of two. A crash before that write repeats the extraction, which is cheap. Cheap reporting
// false is as good as not implementing it.
type Cheap interface {
	Cheap() bool
}

func isCheap(x Extractor) bool {
	c, ok := x.(Cheap)
	return ok && c.Cheap()
}

// ExtractorFunc adapts a function to the Extractor interface.
type ExtractorFunc func(ctx context.Context, req ExtractRequest) ([]memory.Fact, error)

// Extract calls f.
func (f ExtractorFunc) Extract(ctx context.Context, req ExtractRequest) ([]memory.Fact, error) {
	return f(ctx, req)
}

// ErrPermanent marks an error that retrying will not cure.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that the pipeline does not retry it.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string   { return e.err.Error() }
func (e *permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }
