package status_test

import (
	"errors"
	"testing"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

func TestStatusStrings(t *testing.T) {
	t.Parallel()
	want := map[status.Status]string{
		status.Queued: "queued", status.Running: "running", status.InBuffer: "in_buffer",
		status.Completed: "completed", status.Failed: "failed", status.PartialSuccess: "partial_success",
	}
	if len(status.All) != len(want) {
		t.Fatalf("All has %d statuses, want %d", len(status.All), len(want))
	}
	for _, s := range status.All {
		if string(s) != want[s] {
			t.Errorf("status %q, want %q", s, want[s])
		}
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if status.Status("done").Valid() {
		t.Error(`"done" is valid`)
	}
}

// TestTransitions checks every pair of statuses against the state machine of DESIGN.md: exactly the
// documented edges are legal, plus staying in a non-terminal status.
func TestTransitions(t *testing.T) {
	t.Parallel()
	legal := map[[2]status.Status]bool{
		{status.Queued, status.Running}:         true,
		{status.Running, status.InBuffer}:       true,
		{status.InBuffer, status.Running}:       true,
		{status.Running, status.Completed}:      true,
		{status.Running, status.PartialSuccess}: true,
		{status.Running, status.Failed}:         true,
		{status.Running, status.Queued}:         true,
		{status.Queued, status.Queued}:          true,
		{status.Running, status.Running}:        true,
		{status.InBuffer, status.InBuffer}:      true,
	}
	for _, from := range status.All {
		for _, to := range status.All {
			want := legal[[2]status.Status{from, to}]
			if got := status.CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
			err := status.CheckTransition(from, to)
			if want != (err == nil) {
				t.Errorf("CheckTransition(%s, %s) = %v", from, to, err)
			}
			if err != nil && (!errors.Is(err, status.ErrIllegalTransition) || !errors.Is(err, errs.Conflict)) {
				t.Errorf("CheckTransition(%s, %s) = %v, want ErrIllegalTransition wrapping ErrConflict", from, to, err)
			}
		}
	}
	if status.CanTransition("bogus", "bogus") {
		t.Error("an unknown status may stay in itself")
	}
}

func TestTerminal(t *testing.T) {
	t.Parallel()
	for _, s := range status.All {
		want := s == status.Completed || s == status.Failed || s == status.PartialSuccess
		if s.Terminal() != want {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
	}
}
