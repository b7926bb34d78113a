package pipeline

import (
	"fmt"
	"strings"

	"github.com/mnemohq/mnemo/memory"
)

// batch is what flows from one step to the next and is checkpointed after each.
type batch struct {
	// Inputs is how many inputs the run had; Failures names those that failed.
	Inputs   int            `json:"inputs"`
	Facts    []memory.Fact  `json:"facts"`
	Failures []inputFailure `json:"failures,omitempty"`
}

// inputFailure records an input the pipeline gave up on, so the run can end partial_success or
// failed with the reason rather than losing it silently.
type inputFailure struct {
	Input int    `json:"input"`
	Error string `json:"error"`
}

// summary is the run's Error text for its failures.
func (b *batch) summary() string {
	parts := make([]string, len(b.Failures))
	for i, f := range b.Failures {
		parts[i] = fmt.Sprintf("input %d: %s", f.Input, f.Error)
	}
	return strings.Join(parts, "; ")
}

// fromPayload turns pre-extracted items into the batch the step after extraction expects.
func fromPayload(runID string, p *Payload) *batch {
	b := &batch{Inputs: len(p.Items), Facts: make([]memory.Fact, len(p.Items))}
	for i, it := range p.Items {
		b.Facts[i] = memory.Fact{Content: it.Content, Topic: it.Topic, Sources: []memory.Source{{RunID: runID, Input: i}}}
	}
	return b
}
