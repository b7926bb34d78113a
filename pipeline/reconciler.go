package pipeline

import (
	"context"

	"github.com/mnemohq/mnemo/memory"
)

// Reconciler decides what each new fact does to the memories its scope holds already: add it,
// nothing (it is known), update a memory in place (it refines it), or supersede one (it contradicts
// it). The transform step asks it once per batch of facts, with the memories related to each fact,
// found through the scope's index (see RelatedLimit). Implementations must be deterministic for a
// given request if runs are to be replayable, and safe for concurrent use. An error is retried with
// backoff unless it wraps ErrPermanent; in the end it fails the run.
type Reconciler interface {
	Reconcile(ctx context.Context, req ReconcileRequest) ([]Decision, error)
}

// ReconcileRequest is one batch of facts of one scope to reconcile.
type ReconcileRequest struct {
	// The scope: every fact and related memory belongs to it. A fact's speaker is the prefix of its
	// content ("Bob: I run marathons."), or, without one, the user the scope belongs to.
	Group      string
	UserID     string
	Properties map[string]string
	// Facts are the new facts, in order, each with the memories related to it.
	Facts []Candidate
}

// Candidate is a new fact and the memories of its scope (and topic) related to it: memories sharing
// words (or Keyer keys) with it, neither superseded, deleted nor expired, most related first; before
// them, the related earlier facts of the same commit part, as the memories they are about to be
// (Version 1, the IDs they will have), which a decision may target like any other.
type Candidate struct {
	Fact    memory.Fact
	Related []memory.Memory
}

// Op is what a decision does.
type Op string

// The operations a Reconciler decides.
const (
	// OpAdd stores the fact as a new memory.
	OpAdd Op = "add"
	// OpNoop stores nothing: the memory Target already says it.
	OpNoop Op = "noop"
	// OpUpdate refines the memory Target in place: it takes Content (its version grows), keeps its
	// ID, and its history keeps the old content.
	OpUpdate Op = "update"
	// OpSupersede stores the fact as a new memory and marks the memory Target superseded by it: the
	// old memory stays readable by ID, hidden from listings, with a link to its successor.
	OpSupersede Op = "supersede"
)

// Decision is what a Reconciler decided for one fact.
type Decision struct {
	Op Op
	// Target is the ID of the related memory the decision is about (not for OpAdd).
	Target string
	// Content is the content an updated memory takes; empty means the fact's.
	Content string
	// Reason says why, in a few words ("same statement", "new details", "negation differs"); it is
	// kept in the memory's history.
	Reason string
}

// RelatedLimit is the most related memories a Candidate carries.
const RelatedLimit = 8
