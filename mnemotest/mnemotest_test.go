package mnemotest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/mnemotest"
	"github.com/mnemohq/mnemo/pipeline"
)

// A user's test, as the package doc shows it.
func TestTypicalUserTest(t *testing.T) {
	eng := mnemotest.New(t)
	eng.AddText("Alice prefers green tea. She lives in Lisbon.", &mnemo.AddOptions{UserID: "alice"})
	eng.Settle()
	eng.RequireMemories(&mnemo.ListOptions{UserID: "alice"}, "Alice prefers green tea.", "She lives in Lisbon.")
	eng.RequireSearch("what does alice drink?", &mnemo.SearchOptions{UserID: "alice"}, "green tea")
}

func TestSeedMakesIDsRepeat(t *testing.T) {
	ids := func() []string {
		eng := mnemotest.New(t, mnemotest.WithSeed(42))
		var out []string
		for _, s := range []string{"One fact.", "Another fact."} {
			run := eng.AddText(s, nil)
			done := eng.RequireRun(run.ID, mnemo.Completed)
			out = append(out, run.ID, done.MemoryIDs[0])
		}
		return out
	}
	a, b := ids(), ids()
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("the same seed gave %v, then %v", a, b)
	}
	other := mnemotest.New(t, mnemotest.WithSeed(43))
	if c := other.AddText("One fact.", nil); c.ID == a[0] {
		t.Fatalf("another seed gave the same run ID %s", c.ID)
	}
	other.Settle()
}

// The fake clock drives a buffer's time trigger: nothing fires until the test advances it.
func TestAdvanceFiresATimeTrigger(t *testing.T) {
	pipe := pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(buffer.Trigger{SinceFirst: time.Hour}), pipeline.Summarize("summary"), pipeline.Commit())
	eng := mnemotest.New(t, mnemotest.WithOptions(&mnemo.Options{Pipeline: pipe}))
	run := eng.AddText("Bob plays chess on Sundays.", &mnemo.AddOptions{UserID: "bob"})
	if parked := eng.Settle(); len(parked) != 1 || parked[0].ID != run.ID {
		t.Fatalf("parked %+v", parked)
	}
	eng.Advance(59 * time.Minute)
	if r, _ := eng.Runs.Get(context.Background(), run.ID); r.Status != mnemo.InBuffer {
		t.Fatalf("fired early: %s", r.Status)
	}
	eng.Advance(time.Minute)
	eng.RequireRun(run.ID, mnemo.Completed)
	eng.RequireSearch("chess", &mnemo.SearchOptions{UserID: "bob", Topics: []string{"summary"}}, "chess")
}

func TestExpiryFollowsTheFakeClock(t *testing.T) {
	eng := mnemotest.New(t)
	run := eng.AddText("The door code is 4512.", &mnemo.AddOptions{ExpiresAt: mnemotest.Start.Add(24 * time.Hour)})
	eng.RequireRun(run.ID, mnemo.Completed)
	eng.RequireMemories(nil, "The door code is 4512.")
	eng.Advance(25 * time.Hour)
	eng.RequireMemories(nil)
}

// fakeT records failures instead of failing, to test the helpers' messages.
type fakeT struct {
	testing.TB
	msgs    []string
	fatal   bool
	cleanup []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.msgs = append(f.msgs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	f.fatal = true
	panic(f)
}
func (f *fakeT) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }
func (f *fakeT) Failed() bool      { return len(f.msgs) > 0 }
func (f *fakeT) Cleanup(fn func()) { f.cleanup = append(f.cleanup, fn) }
func (f *fakeT) TempDir() string   { return f.TB.TempDir() }
func (f *fakeT) end() {
	for i := len(f.cleanup) - 1; i >= 0; i-- {
		f.cleanup[i]()
	}
}

// run calls fn with a fakeT, catching its Fatal, and returns what it reported.
func run(t *testing.T, fn func(ft *fakeT)) []string {
	ft := &fakeT{TB: t}
	func() {
		defer func() {
			if p := recover(); p != nil && p != any(ft) {
				panic(p)
			}
		}()
		fn(ft)
	}()
	ft.end()
	return ft.msgs
}

func TestFailureMessages(t *testing.T) {
	failing := pipeline.ExtractorFunc(func(ctx context.Context, req pipeline.ExtractRequest) ([]mnemo.Fact, error) {
		return nil, pipeline.Permanent(errors.New("the model is down"))
	})
	cases := []struct {
		name string
		fn   func(ft *fakeT)
		want string
	}{
		{"memories", func(ft *fakeT) {
			eng := mnemotest.New(ft)
			eng.RequireRun(eng.AddText("Carol owns a red bike.", nil).ID, mnemo.Completed)
			eng.RequireMemories(nil, "Carol owns a blue bike.")
		}, `missing:    ["Carol owns a blue bike."]`},
		{"run", func(ft *fakeT) {
			eng := mnemotest.New(ft, mnemotest.WithOptions(&mnemo.Options{Extractor: failing}))
			eng.RequireRun(eng.AddText("Anything.", nil).ID, mnemo.Completed)
		}, "is failed, want completed: input 0: extract: the model is down"},
		{"search", func(ft *fakeT) {
			eng := mnemotest.New(ft)
			eng.RequireRun(eng.AddText("Dave sails on Lake Geneva.", nil).ID, mnemo.Completed)
			eng.RequireSearch("sailing", nil, "mountains")
		}, `found no memory containing "mountains"`},
		{"unfinished", func(ft *fakeT) {
			pipe := pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
				pipeline.Buffer(buffer.Trigger{Count: 10}), pipeline.Summarize("s"), pipeline.Commit())
			eng := mnemotest.New(ft, mnemotest.WithOptions(&mnemo.Options{Pipeline: pipe}))
			eng.AddText("Erin runs marathons.", nil)
			eng.Settle()
		}, "the test ended with 1 runs unfinished"},
		{"add", func(ft *fakeT) {
			mnemotest.New(ft).AddText("  ", nil)
		}, "mnemotest: add: invalid input: contents[0]: empty"},
	}
	for _, c := range cases {
		msgs := run(t, c.fn)
		if len(msgs) == 0 || !strings.Contains(strings.Join(msgs, "\n"), c.want) {
			t.Errorf("%s: reported %q, want %q in it", c.name, msgs, c.want)
		}
	}
	// AllowUnfinished keeps the cleanup quiet.
	msgs := run(t, func(ft *fakeT) {
		pipe := pipeline.New(pipeline.Extract(), pipeline.Commit(), pipeline.Buffer(buffer.Trigger{Count: 10}), pipeline.Summarize("s"), pipeline.Commit())
		eng := mnemotest.New(ft, mnemotest.AllowUnfinished(), mnemotest.WithOptions(&mnemo.Options{Pipeline: pipe}))
		eng.AddText("Frank collects stamps.", nil)
		eng.Settle()
	})
	if len(msgs) != 0 {
		t.Fatalf("AllowUnfinished: %q", msgs)
	}
}
