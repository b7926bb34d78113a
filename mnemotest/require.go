package mnemotest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mnemohq/mnemo"
)

// RequireRun waits for run id to reach status want (a terminal status, or in_buffer) and returns
// it. The test fails if it ends in another status (saying which, and the run's error), or does not
// get there within the timeout.
func (e *Engine) RequireRun(id string, want mnemo.Status) *mnemo.Run {
	e.t.Helper()
	ctx, cancel := e.Context()
	defer cancel()
	run, err := e.Runs.WaitFor(ctx, id, want)
	switch {
	case err == nil:
		return run
	case run != nil && run.ID != "":
		msg := fmt.Sprintf("mnemotest: run %s is %s, want %s", id, run.Status, want)
		if run.Error != "" {
			msg += ": " + run.Error
		}
		if ctx.Err() != nil {
			msg += fmt.Sprintf(" (waited %v)", e.timeout)
		}
		e.t.Fatal(msg)
	default:
		e.t.Fatalf("mnemotest: run %s: %v", id, err)
	}
	return nil
}

// ListAll returns every memory the listing opts selects (all its pages), failing the test on error.
func (e *Engine) ListAll(opts *mnemo.ListOptions) []mnemo.Memory {
	e.t.Helper()
	ctx, cancel := e.Context()
	defer cancel()
	var o mnemo.ListOptions
	if opts != nil {
		o = *opts
	}
	o.Limit, o.Cursor = mnemo.MaxListLimit, ""
	var out []mnemo.Memory
	for {
		page, err := e.Engine.Memories.List(ctx, &o)
		if err != nil {
			e.t.Fatalf("mnemotest: list memories: %v", err)
		}
		out = append(out, page.Memories...)
		if page.Next == "" {
			return out
		}
		o.Cursor = page.Next
	}
}

// RequireMemories fails the test unless the memories listing opts selects have exactly the contents
// want, in any order. The failure names the contents missing and those not wanted.
func (e *Engine) RequireMemories(opts *mnemo.ListOptions, want ...string) []mnemo.Memory {
	e.t.Helper()
	mems := e.ListAll(opts)
	got := make([]string, len(mems))
	for i, m := range mems {
		got[i] = m.Content
	}
	if missing, extra := diff(got, want); len(missing) > 0 || len(extra) > 0 {
		e.t.Fatalf("mnemotest: memories of %s:\n  missing:    %q\n  unexpected: %q\n  all:        %q", scope(opts), missing, extra, got)
	}
	return mems
}

// RequireSearch searches query and fails the test unless one of the first results' contents
// contains want (case-insensitively). It returns the results. The failure lists what was found.
func (e *Engine) RequireSearch(query string, opts *mnemo.SearchOptions, want string) []mnemo.Result {
	e.t.Helper()
	ctx, cancel := e.Context()
	defer cancel()
	res, err := e.Engine.Memories.Search(ctx, query, opts)
	if err != nil {
		e.t.Fatalf("mnemotest: search %q: %v", query, err)
	}
	for _, r := range res {
		if strings.Contains(strings.ToLower(r.Memory.Content), strings.ToLower(want)) {
			return res
		}
	}
	found := make([]string, len(res))
	for i, r := range res {
		found[i] = fmt.Sprintf("%.3f %q", r.Score, r.Memory.Content)
	}
	e.t.Fatalf("mnemotest: search %q found no memory containing %q among %d results:\n  %s", query, want, len(res), strings.Join(found, "\n  "))
	return nil
}

// diff returns the contents of want not in got, and those of got not in want, counting repeats.
func diff(got, want []string) (missing, extra []string) {
	left := slices.Clone(got)
	for _, w := range want {
		if i := slices.Index(left, w); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			missing = append(missing, w)
		}
	}
	return missing, left
}

func scope(o *mnemo.ListOptions) string {
	if o == nil {
		return "the default scope"
	}
	s := fmt.Sprintf("user %q, group %q", o.UserID, o.Group)
	if len(o.Properties) > 0 {
		s += fmt.Sprintf(", properties %v", o.Properties)
	}
	return s
}
