// Package status is mnemo's run model: the statuses a run moves through, the edges between them, the
// Run record itself, and the hub that wakes waiters and watchers when a run changes.
//
// The state machine (docs in ../README.md draw it too):
//
//	queued  -> running          a worker takes the run
//	running -> in_buffer        the run reaches a buffer step
//	in_buffer -> running        the buffer's trigger fires, or Flush
//	running -> completed        every step finished and no input failed
//	running -> partial_success  some inputs failed, others were committed
//	running -> failed           nothing was committed; Run.Error says why
//	running -> queued           the process died; the run is recovered at the next Open
//
// No other edge is legal, and the store refuses any change that would take one.
package status

import "fmt"

// Status is where a run stands. Its values are the strings hosted memory services use.
type Status string

// The six statuses of a run.
const (
	Queued         Status = "queued"
	Running        Status = "running"
	InBuffer       Status = "in_buffer"
	Completed      Status = "completed"
	Failed         Status = "failed"
	PartialSuccess Status = "partial_success"
)

// All lists every status, in the order of a run's life.
var All = []Status{Queued, Running, InBuffer, Completed, Failed, PartialSuccess}

// edges holds the legal transitions, from -> set of to.
var edges = map[Status][]Status{
	Queued:   {Running},
	Running:  {InBuffer, Completed, PartialSuccess, Failed, Queued},
	InBuffer: {Running},
}

// Valid reports whether s is one of the six statuses.
func (s Status) Valid() bool {
	for _, v := range All {
		if s == v {
			return true
		}
	}
	return false
}

// Terminal reports whether a run in status s is finished for good.
func (s Status) Terminal() bool {
	return s == Completed || s == Failed || s == PartialSuccess
}

// CanTransition reports whether a run may move from one status to another. Staying in the same
// non-terminal status is not a transition and is always allowed (a running run advancing a step).
func CanTransition(from, to Status) bool {
	if from == to {
		return !from.Terminal() && from.Valid()
	}
	for _, s := range edges[from] {
		if s == to {
			return true
		}
	}
	return false
}

// CheckTransition returns an error wrapping ErrIllegalTransition when CanTransition(from, to) is false.
func CheckTransition(from, to Status) error {
	if CanTransition(from, to) {
		return nil
	}
	return fmt.Errorf("%w: %s -> %s", ErrIllegalTransition, from, to)
}
