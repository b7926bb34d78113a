// Package buffer holds what mnemo's buffer steps are made of: the Trigger that says when a buffer
// fires, and what a buffer looks like from outside (Info). A buffer step (pipeline.Buffer) parks each
// run that reaches it (status in_buffer) and accumulates its items per scope (group, user,
// properties); when a trigger fires, every run parked in that buffer resumes together and the steps
// after the buffer run once over all their items. The buffers live in the mnemo file (package
// store), so they survive a restart with their items and times.
package buffer

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

// Trigger says when a buffer fires: on whichever of its conditions comes first. A zero field is a
// condition not set; at least one must be.
type Trigger struct {
	// Count fires the buffer when it holds at least this many items.
	Count int
	// SinceFirst fires the buffer this long after its oldest item arrived.
	SinceFirst time.Duration
	// SinceLast fires the buffer when no item has arrived for this long (a conversation gone quiet).
	SinceLast time.Duration
}

// Validate reports whether t can ever fire: no negative field, and at least one set. Errors wrap
// ErrInvalidInput.
func (t Trigger) Validate() error {
	switch {
	case t.Count < 0:
		return fmt.Errorf("%w: buffer trigger: Count %d is negative", errs.InvalidInput, t.Count)
	case t.SinceFirst < 0:
		return fmt.Errorf("%w: buffer trigger: SinceFirst %v is negative", errs.InvalidInput, t.SinceFirst)
	case t.SinceLast < 0:
		return fmt.Errorf("%w: buffer trigger: SinceLast %v is negative", errs.InvalidInput, t.SinceLast)
	case t.Count == 0 && t.SinceFirst == 0 && t.SinceLast == 0:
		return fmt.Errorf("%w: buffer trigger: no condition set (Count, SinceFirst or SinceLast): the buffer would never fire", errs.InvalidInput)
	}
	return nil
}

// Full reports whether a buffer of items items has reached the count condition.
func (t Trigger) Full(items int) bool { return t.Count > 0 && items >= t.Count }

// Due returns when a buffer whose oldest item arrived at first and newest at last fires by time, and
// false if t has no time condition. (The count condition is Full's.)
func (t Trigger) Due(first, last time.Time) (time.Time, bool) {
	var due time.Time
	if t.SinceFirst > 0 {
		due = first.Add(t.SinceFirst)
	}
	if t.SinceLast > 0 {
		if d := last.Add(t.SinceLast); due.IsZero() || d.Before(due) {
			due = d
		}
	}
	return due, !due.IsZero()
}

// String describes t, as runs' step names and logs show it: "buffer(count 3, since first 1h0m0s)".
func (t Trigger) String() string {
	s := "buffer("
	sep := ""
	if t.Count > 0 {
		s += fmt.Sprintf("count %d", t.Count)
		sep = ", "
	}
	if t.SinceFirst > 0 {
		s += fmt.Sprintf("%ssince first %v", sep, t.SinceFirst)
		sep = ", "
	}
	if t.SinceLast > 0 {
		s += fmt.Sprintf("%ssince last %v", sep, t.SinceLast)
	}
	return s + ")"
}
