package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/buffer"
)

// Step is one stage of a pipeline. Steps are values made by Extract, Transform, Commit, Buffer and
// Summarize.
type Step interface {
	// Name is the step's name as runs record it: "extract", "transform", "commit", "buffer", or
	// "summarize:TOPIC".
	Name() string
	kind() stepKind
	validate() error
}

type stepKind int

const (
	kindExtract stepKind = iota + 1
	kindTransform
	kindCommit
	kindBuffer
	kindSummarize
)

type (
	extractStep   struct{}
	transformStep struct{}
	commitStep    struct{}
	bufferStep    struct{ trigger buffer.Trigger }
	summarizeStep struct{ topic string }
)

func (extractStep) Name() string        { return "extract" }
func (extractStep) kind() stepKind      { return kindExtract }
func (extractStep) validate() error     { return nil }
func (transformStep) Name() string      { return "transform" }
func (transformStep) kind() stepKind    { return kindTransform }
func (transformStep) validate() error   { return nil }
func (commitStep) Name() string         { return "commit" }
func (commitStep) kind() stepKind       { return kindCommit }
func (commitStep) validate() error      { return nil }
func (bufferStep) Name() string         { return "buffer" }
func (bufferStep) kind() stepKind       { return kindBuffer }
func (b bufferStep) validate() error    { return b.trigger.Validate() }
func (s summarizeStep) Name() string    { return "summarize:" + s.topic }
func (summarizeStep) kind() stepKind    { return kindSummarize }
func (s summarizeStep) validate() error { return checkTopic(s.topic) }

// Extract is the step that splits text and conversations into candidate facts with their sources,
// through the engine's Extractor. It must be a pipeline's first step.
func Extract() Step { return extractStep{} }

// Transform is the step that normalises candidate facts and drops exact and near duplicates within
// the run (a fact said twice keeps the sources of both). Pre-extracted input enters here.
func Transform() Step { return transformStep{} }

// Commit is the step that writes the facts as memories with the run's new state, as a compare-and-set
// on the run: in one transaction, or for a large run in parts of a bounded size (see
// Config.CommitPartSize), the run ending only with its last part. A fact whose content the scope
// already holds is a no-op. The steps between the previous stored output and a commit (transform,
// summarize) run just before it and are written with it, so a run costs two commits on its way: its
// extraction, and its commit.
func Commit() Step { return commitStep{} }

// Buffer is a step that parks each run reaching it (status in_buffer) and keeps its items, per
// scope (group, user and properties: items of scopes that differ in anything are in different
// buffers), until trigger fires: on a count of items, a time since the first item, or a time since
// the last, whichever comes first (or on Engine.Buffers.Flush). Then every run parked in that buffer
// resumes together, the steps after the buffer run once over all their items, and each run ends with
// that outcome and that firing's operations. Parked runs and items live in the file: they survive a
// restart, and the times are measured on the engine's Clock from the stored times of the items. A run
// that brings no items to a buffer does not wait: it goes on at once. Open refuses a trigger with no
// condition.
func Buffer(trigger buffer.Trigger) Step { return bufferStep{trigger: trigger} }

// Summarize is a step that folds its facts into one memory of the given topic per scope: a bounded
// topic, such as a running conversation summary or a user profile. The memory's ID derives from the
// topic and the scope, so each time the step runs it updates the same memory in place (created the
// first time, updated after), through the engine's Summarizer, which sees the memory's current
// content. After a Buffer it summarises a whole firing at once. A commit step after it stores the
// summary; Open refuses a pipeline without one, or a topic that is empty or not a valid label.
func Summarize(topic string) Step { return summarizeStep{topic: topic} }

// checkTopic checks a summary topic: a label, as the engine's limits define one.
func checkTopic(topic string) error {
	switch {
	case strings.TrimSpace(topic) == "":
		return errors.New("the topic is empty")
	case !utf8.ValidString(topic):
		return errors.New("the topic is not valid UTF-8")
	case len(topic) > 1024:
		return fmt.Errorf("the topic's %d bytes exceed the limit of 1024", len(topic))
	}
	return nil
}
