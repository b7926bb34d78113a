package mnemo

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// RunListOptions selects a page of runs. Unlike a memory listing it is not a scope: each empty field
// matches every run.
type RunListOptions struct {
	// Statuses, when given, keeps runs in one of them.
	Statuses   []Status
	UserID     string
	Group      string
	Properties map[string]string
	// Limit is the page size: DefaultListLimit when 0, at most MaxListLimit.
	Limit int
	// Cursor is the Next of the previous page; empty for the first.
	Cursor string
}

// RunPage is one page of runs, oldest first.
type RunPage struct {
	Runs []Run `json:"runs"`
	// Next is the cursor of the next page; empty on the last page.
	Next string `json:"next,omitempty"`
}

// RunService is the engine's runs: Engine.Runs.
type RunService struct{ e *Engine }

// Get returns the run with the given ID as it is now: one read of the file, no waiting. It returns
// an error wrapping ErrNotFound for an unknown ID.
func (s *RunService) Get(ctx context.Context, id string) (*Run, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	r := new(Run)
	if err := s.e.store.RunInto(id, r); err != nil {
		return nil, err
	}
	return r, nil
}

// get adapts the store to the hub's Getter.
func (s *RunService) get(_ context.Context, id string) (status.Run, error) { return s.e.store.Run(id) }

// Wait blocks until the run is completed, failed or partial_success and returns it, or returns
// ctx's error (with the run as last seen) when ctx ends first. Nothing polls: the commit that changes
// the run wakes the waiter. Close interrupts it with ErrClosed; PurgeUser of the run's user with
// ErrNotFound.
func (s *RunService) Wait(ctx context.Context, id string) (*Run, error) {
	return s.WaitFor(ctx, id)
}

// WaitFor blocks until the run reaches one of the given statuses (a terminal one when none are
// given) and returns it. A run that ends in another terminal status can never get there: WaitFor
// then returns it with an error wrapping ErrConflict.
func (s *RunService) WaitFor(ctx context.Context, id string, statuses ...Status) (*Run, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	for i, st := range statuses {
		if !st.Valid() {
			return nil, invalid(fmt.Sprintf("statuses[%d]", i), "unknown status %q", st)
		}
	}
	id = canonicalID(id)
	if s.e.opts.ReadOnly {
		return s.waitReadOnly(ctx, id, statuses)
	}
	r, err := s.e.hub.WaitFor(ctx, id, s.get, statuses...)
	if err != nil && r.ID == "" {
		return nil, err
	}
	return &r, err
}

// waitReadOnly answers a wait on a read-only engine, where no run can move: the run if it is in one
// of the statuses already, else an error wrapping ErrReadOnly.
func (s *RunService) waitReadOnly(ctx context.Context, id string, statuses []Status) (*Run, error) {
	r, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if (len(statuses) == 0 && r.Status.Terminal()) || slices.Contains(statuses, r.Status) {
		return r, nil
	}
	return r, fmt.Errorf("run %s is %s: %w: no worker moves it", id, r.Status, ErrReadOnly)
}

// Watch returns a channel that receives the run as it is now and then at every status change; it is
// closed after a terminal status, when ctx ends, at Close, or when PurgeUser removes the run. A
// reader that falls behind delays only itself. On a read-only engine it receives the run once and is
// closed. It returns an error wrapping ErrNotFound for an unknown ID.
func (s *RunService) Watch(ctx context.Context, id string) (<-chan Run, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	id = canonicalID(id)
	if s.e.opts.ReadOnly { // nothing will change: the run as it is, then the end
		r, err := s.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		ch := make(chan Run, 1)
		ch <- *r
		close(ch)
		return ch, nil
	}
	return s.e.hub.Watch(ctx, id, s.get)
}

// List returns a page of runs matching opts, oldest first.
func (s *RunService) List(ctx context.Context, opts *RunListOptions) (*RunPage, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	var o RunListOptions
	if opts != nil {
		o = *opts
	}
	if err := checkPage(&o.Limit); err != nil {
		return nil, err
	}
	for i, st := range o.Statuses {
		if !st.Valid() {
			return nil, invalid(fmt.Sprintf("statuses[%d]", i), "unknown status %q", st)
		}
	}
	if err := checkProperties("properties", o.Properties); err != nil {
		return nil, err
	}
	runs, next, err := s.e.store.ListRuns(store.RunFilter{
		Statuses: o.Statuses, Group: o.Group, UserID: o.UserID, Properties: o.Properties,
	}, o.Cursor, o.Limit)
	if err != nil {
		return nil, err
	}
	if runs == nil {
		runs = []Run{}
	}
	return &RunPage{Runs: runs, Next: next}, nil
}

// canonicalID is a run ID as the engine writes it (lower case), the form changes are published
// under; an ID that is not a UUID is left for the lookup to refuse.
func canonicalID(id string) string {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return u.String()
	}
	return id
}
