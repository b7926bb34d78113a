// Package pipeline defines the steps an add goes through and the executor whose goroutines take runs
// through them. A pipeline is an ordered list of steps; each input type enters at its own step
// (pre-extracted input skips extraction). Every stage's output is stored in the file, so a run
// interrupted by a crash or a Close resumes after the last one that finished.
package pipeline

import (
	"fmt"

	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// Pipeline is an ordered list of steps. It is immutable once made.
type Pipeline struct {
	steps []Step
}

// New returns a pipeline of the given steps. Open checks it (see Validate).
func New(steps ...Step) *Pipeline {
	return &Pipeline{steps: append([]Step(nil), steps...)}
}

// Default returns extract -> transform -> commit.
func Default() *Pipeline { return New(Extract(), Transform(), Commit()) }

// Len returns the number of steps.
func (p *Pipeline) Len() int { return len(p.steps) }

// Names returns the steps' names in order.
func (p *Pipeline) Names() []string {
	names := make([]string, len(p.steps))
	for i, s := range p.steps {
		names[i] = s.Name()
	}
	return names
}

// Validate reports whether the pipeline can run: it has steps, none of them nil, at most one extract
// step and only as the first, every buffer with a trigger that can fire, every summarize step with a
// topic, and a commit at the end so that nothing it produces is lost. Errors wrap ErrInvalidInput.
func (p *Pipeline) Validate() error {
	if p == nil || len(p.steps) == 0 {
		return errs.Field("steps", "the pipeline has no steps")
	}
	for i, s := range p.steps {
		if s == nil {
			return errs.Field(fmt.Sprintf("steps[%d]", i), "nil")
		}
		if s.kind() == kindExtract && i != 0 {
			return errs.Field(fmt.Sprintf("steps[%d]", i), "extract must be the first step")
		}
		if err := s.validate(); err != nil {
			return errs.Field(fmt.Sprintf("steps[%d]", i), "%s: %v", s.Name(), err)
		}
	}
	if p.steps[len(p.steps)-1].kind() != kindCommit {
		return errs.Field("steps", "the pipeline must end with a commit step, or what its last steps make is lost (a summarize or buffer step needs a commit after it)")
	}
	return nil
}

// StartingStep returns the index of the step at which input of type t enters: the extract step for
// text and conversations, the step after it for pre-extracted facts. It fails with ErrInvalidInput
// when the pipeline has no step for t.
func (p *Pipeline) StartingStep(t status.InputType) (int, error) {
	hasExtract := len(p.steps) > 0 && p.steps[0].kind() == kindExtract
	switch t {
	case status.InputPreExtracted:
		if hasExtract {
			return 1, nil
		}
		return 0, nil
	case status.InputString, status.InputConversation, status.InputFile:
		if hasExtract {
			return 0, nil
		}
		return 0, errs.Field("input", "input type %s needs an extract step, and the pipeline has none", t)
	}
	return 0, errs.Field("input", "input type %q is not supported", t)
}

// commitAt returns the index of the first commit step at or after step k. Validate guarantees one:
// a pipeline ends with a commit.
func (p *Pipeline) commitAt(k int) int {
	for i := k; i < len(p.steps); i++ {
		if p.steps[i].kind() == kindCommit {
			return i
		}
	}
	return len(p.steps) - 1
}

// Buffer returns the trigger of step i if it is a buffer step.
func (p *Pipeline) Buffer(i int) (buffer.Trigger, bool) {
	if i < 0 || i >= len(p.steps) {
		return buffer.Trigger{}, false
	}
	b, ok := p.steps[i].(bufferStep)
	return b.trigger, ok
}
