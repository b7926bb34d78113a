// Package pipeline defines the steps an add goes through and the executor whose worker goroutines run
// them. A pipeline is an ordered list of steps; each input type enters at its own step (pre-extracted
// input skips extraction). Every step's output is checkpointed in the file, so a run interrupted by a
// crash or a Close resumes at the step after the last one that finished.
package pipeline

import (
	"fmt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// Step is one stage of a pipeline. Steps are values made by Extract, Transform and Commit.
type Step interface {
	// Name is the step's name as runs record it ("extract", "transform", "commit").
	Name() string
	kind() stepKind
}

type stepKind int

const (
	kindExtract stepKind = iota + 1
	kindTransform
	kindCommit
)

type extractStep struct{}
type transformStep struct{}
type commitStep struct{}

func (extractStep) Name() string     { return "extract" }
func (extractStep) kind() stepKind   { return kindExtract }
func (transformStep) Name() string   { return "transform" }
func (transformStep) kind() stepKind { return kindTransform }
func (commitStep) Name() string      { return "commit" }
func (commitStep) kind() stepKind    { return kindCommit }

// Extract is the step that splits text and conversations into candidate facts with their sources,
// through the engine's Extractor. It must be a pipeline's first step.
func Extract() Step { return extractStep{} }

// Transform is the step that normalises candidate facts and drops exact and near duplicates within
// the run (a fact said twice keeps the sources of both). Pre-extracted input enters here.
func Transform() Step { return transformStep{} }

// Commit is the step that writes the facts as memories with the run's new state, as a compare-and-set
// on the run: in one transaction, or for a large run in parts of a bounded size (see
// Config.CommitPartSize), the run ending only with its last part. A fact whose content the scope
// already holds is a no-op. The steps between the previous checkpoint and a commit (transform) run
// just before it and are written with it, so a run costs two commits on its way: its extraction,
// and its commit.
func Commit() Step { return commitStep{} }

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
// step and only as the first, and ends with a commit so that nothing it produces is lost. Errors wrap
// ErrInvalidInput.
func (p *Pipeline) Validate() error {
	if p == nil || len(p.steps) == 0 {
		return fmt.Errorf("%w: pipeline has no steps", errs.InvalidInput)
	}
	for i, s := range p.steps {
		switch {
		case s == nil:
			return fmt.Errorf("%w: pipeline step %d is nil", errs.InvalidInput, i)
		case s.kind() == kindExtract && i != 0:
			return fmt.Errorf("%w: pipeline step %d: extract must be the first step", errs.InvalidInput, i)
		}
	}
	if p.steps[len(p.steps)-1].kind() != kindCommit {
		return fmt.Errorf("%w: pipeline must end with a commit step", errs.InvalidInput)
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
	case status.InputString, status.InputConversation:
		if hasExtract {
			return 0, nil
		}
		return 0, fmt.Errorf("%w: input type %s needs an extract step, and the pipeline has none", errs.InvalidInput, t)
	}
	return 0, fmt.Errorf("%w: input type %q is not supported", errs.InvalidInput, t)
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
