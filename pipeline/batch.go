package pipeline

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/store"
)

// batch is what flows from one step to the next and is checkpointed after each.
type batch struct {
	// Inputs is how many inputs the run had; Failures names those that failed.
	Inputs   int            `json:"inputs"`
	Facts    []memory.Fact  `json:"facts"`
	Failures []inputFailure `json:"failures,omitempty"`
	// norms holds each fact's normalised content (store.NormalizeContent), where transform computed
	// it; summary, set by a summarize step, says that the first fact is that summary. Neither is
	// checkpointed: a summary is committed by the stage that made it.
	norms     []string
	terms     [][]string // each fact's index terms, where reconcile computed them (for prepare)
	summary   *summaryPlan
	reconcile bool // the stage ran a transform step: its facts are reconciled before they commit
	// idBase is the index, among the facts its step commits, of the batch's first fact: 0 but for
	// a window of a file (see fileStage), whose memories' IDs must not repeat another window's.
	idBase int
}

// norm returns fact i's normalised content.
func (b *batch) norm(i int) string {
	if i < len(b.norms) {
		return b.norms[i]
	}
	return store.NormalizeContent(b.Facts[i].Content)
}

// termsOf returns fact i's index terms as st indexes memories, computed once per batch.
func (b *batch) termsOf(st *store.Store, i int) []string {
	if len(b.terms) != len(b.Facts) {
		b.terms = make([][]string, len(b.Facts))
	}
	if b.terms[i] == nil {
		b.terms[i] = st.Terms(b.Facts[i].Content)
	}
	return b.terms[i]
}

// inputFailure records an input the pipeline gave up on, so the run can end partial_success or
// failed with the reason rather than losing it silently.
type inputFailure struct {
	Input int    `json:"input"`
	Error string `json:"error"`
}

// errorText is the run's Error text for its failures.
func (b *batch) errorText() string {
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

// batchFormat is the first byte of an encoded batch; schema-1 checkpoints were JSON ('{'), and
// format 2 had no file, chunk or page in sources.
const (
	batchFormat2 byte = 2
	batchFormat  byte = 3
)

// encode returns the batch as a checkpoint of run runID (see writeFact).
func (b *batch) encode(runID string) []byte {
	size := 16
	for _, f := range b.Facts {
		size += len(f.Content) + len(f.Topic) + codec.TimeSize + 4 + 8*len(f.Sources)
	}
	e := codec.Encoder{B: make([]byte, 0, size)}
	e.Byte(batchFormat)
	e.Uint(uint64(b.Inputs))
	e.Uint(uint64(len(b.Facts)))
	for i := range b.Facts {
		writeFact(&e, &b.Facts[i], runID)
	}
	e.Uint(uint64(len(b.Failures)))
	for _, f := range b.Failures {
		e.Int(int64(f.Input))
		e.Str(f.Error)
	}
	return e.B
}

// decodeBatch reads a checkpoint of run runID, in either form.
func decodeBatch(data []byte, runID string) (*batch, error) {
	var b batch
	if len(data) > 0 && data[0] == '{' {
		if err := json.Unmarshal(data, &b); err != nil {
			return nil, fmt.Errorf("%w: checkpoint: %v", errs.Corrupt, err)
		}
		return &b, nil
	}
	d := codec.NewDecoder(data)
	format := d.Byte()
	if d.Err() == nil && format != batchFormat && format != batchFormat2 {
		return nil, fmt.Errorf("%w: checkpoint: unknown format %d", errs.Corrupt, format)
	}
	b.Inputs = int(d.Uint())
	if n := d.Length(); n > 0 {
		b.Facts = make([]memory.Fact, n)
		for i := range b.Facts {
			b.Facts[i] = readFact(&d, runID, format)
		}
	}
	if n := d.Length(); n > 0 {
		b.Failures = make([]inputFailure, n)
		for i := range b.Failures {
			b.Failures[i] = inputFailure{Input: int(d.Int()), Error: d.Str()}
		}
	}
	if err := d.End(); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return &b, nil
}

// writeFact encodes one fact. A source naming runID (nearly all of them) is written as an empty run
// ID, so that a large run's checkpoint does not repeat its ID for every fact.
func writeFact(e *codec.Encoder, f *memory.Fact, runID string) {
	e.Str(f.Content)
	e.Str(f.Topic)
	e.Time(f.EventTime)
	e.Uint(uint64(len(f.Sources)))
	for _, s := range f.Sources {
		if s.RunID == runID {
			e.Str("")
		} else {
			e.Str(s.RunID)
		}
		e.Int(int64(s.Input))
		e.Str(s.MessageID)
		e.Str(s.File)
		e.Int(int64(s.Chunk))
		e.Int(int64(s.Page))
	}
}

// readFact decodes a fact written by writeFact, in batch format format.
func readFact(d *codec.Decoder, runID string, format byte) memory.Fact {
	f := memory.Fact{Content: d.Str(), Topic: d.Str(), EventTime: d.Time()}
	if n := d.Length(); n > 0 {
		f.Sources = make([]memory.Source, n)
		for j := range f.Sources {
			s := memory.Source{RunID: d.Str(), Input: int(d.Int()), MessageID: d.Str()}
			if format != batchFormat2 {
				s.File, s.Chunk, s.Page = d.Str(), int(d.Int()), int(d.Int())
			}
			if s.RunID == "" {
				s.RunID = runID
			}
			f.Sources[j] = s
		}
	}
	return f
}
