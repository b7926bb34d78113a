package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

func TestDefaultPipeline(t *testing.T) {
	t.Parallel()
	p := Default()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.Names()); got != "[extract transform commit]" {
		t.Fatalf("names %s", got)
	}
	for typ, want := range map[status.InputType]int{status.InputString: 0, status.InputConversation: 0, status.InputPreExtracted: 1} {
		if got, err := p.StartingStep(typ); err != nil || got != want {
			t.Errorf("StartingStep(%s) = %d, %v; want %d", typ, got, err, want)
		}
	}
	if _, err := p.StartingStep("video"); !errors.Is(err, errs.InvalidInput) {
		t.Errorf("unknown type: %v", err)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		p    *Pipeline
		ok   bool
	}{
		{"nil", nil, false},
		{"empty", New(), false},
		{"nil step", New(Extract(), nil, Commit()), false},
		{"extract not first", New(Transform(), Extract(), Commit()), false},
		{"no final commit", New(Extract(), Transform()), false},
		{"commit only", New(Commit()), true},
		{"two commits", New(Extract(), Commit(), Transform(), Commit()), true},
	}
	for _, c := range cases {
		err := c.p.Validate()
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, errs.InvalidInput)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	noExtract := New(Transform(), Commit())
	if _, err := noExtract.StartingStep(status.InputString); !errors.Is(err, errs.InvalidInput) {
		t.Errorf("text without an extract step: %v", err)
	}
	if got, err := noExtract.StartingStep(status.InputPreExtracted); err != nil || got != 0 {
		t.Errorf("pre-extracted without an extract step: %d, %v", got, err)
	}
}

func TestTransformMergesDuplicates(t *testing.T) {
	t.Parallel()
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	src := func(i int) []memory.Source { return []memory.Source{{RunID: "r", Input: i}} }
	in := &batch{Inputs: 3, Failures: []inputFailure{{Input: 2, Error: "x"}}, Facts: []memory.Fact{
		{Content: "  Alice   likes tea. ", Sources: src(0), EventTime: t2},
		{Content: "alice likes TEA!", Sources: src(1), EventTime: t1}, // same after normalising
		{Content: "Tea likes Alice.", Sources: src(3)},                // same words, other order
		{Content: "Alice likes tea.", Topic: "food", Sources: src(4)}, // other topic: kept apart
		{Content: "?!", Sources: src(5)},                              // nothing to remember
		{Content: "Bob likes coffee.", Sources: src(6)},
		{Content: "Alice likes tea.", Sources: src(0), EventTime: t2}, // repeated source: not doubled
	}}
	out := transform(in)
	if out.Inputs != 3 || len(out.Failures) != 1 {
		t.Fatalf("failures or inputs lost: %+v", out)
	}
	want := []memory.Fact{
		{Content: "Alice likes tea.", Sources: []memory.Source{{RunID: "r", Input: 0}, {RunID: "r", Input: 1}, {RunID: "r", Input: 3}}, EventTime: t1},
		{Content: "Alice likes tea.", Topic: "food", Sources: src(4)},
		{Content: "Bob likes coffee.", Sources: src(6)},
	}
	if fmt.Sprint(out.Facts) != fmt.Sprint(want) {
		t.Fatalf("transform\n got %+v\nwant %+v", out.Facts, want)
	}
}

// TestTransformLinear merges 300,000 sayings of one fact, each from its own message: with a scan of
// the merged fact's sources per duplicate, as transform once did, that is 4.5e10 comparisons (minutes);
// with a set it is 300,000 lookups.
func TestTransformLinear(t *testing.T) {
	t.Parallel()
	const n = 300_000
	in := &batch{Inputs: n, Facts: make([]memory.Fact, n)}
	for i := range in.Facts {
		in.Facts[i] = memory.Fact{Content: "I enjoy hiking.", Sources: []memory.Source{{RunID: "r", Input: i}}}
	}
	out := transform(in)
	if len(out.Facts) != 1 || len(out.Facts[0].Sources) != n || out.Facts[0].Sources[n-1].Input != n-1 {
		t.Fatalf("%d facts, the first with %d sources", len(out.Facts), len(out.Facts[0].Sources))
	}
	if len(in.Facts[0].Sources) != 1 {
		t.Fatal("merging changed the input's first fact")
	}
}

func TestQueueIsFIFOAndStops(t *testing.T) {
	t.Parallel()
	q := newRunQueue()
	q.push("a", "b")
	q.push("c")
	stop := make(chan struct{})
	for _, want := range []string{"a", "b", "c"} {
		if got, ok := q.pop(stop); !ok || got != want {
			t.Fatalf("pop = %q, %v; want %q", got, ok, want)
		}
	}
	if len(q.ids) != 0 {
		t.Fatalf("%d IDs left after popping all", len(q.ids))
	}
	got := make(chan string)
	go func() {
		id, _ := q.pop(stop)
		got <- id
	}()
	q.push("d")
	if id := <-got; id != "d" {
		t.Fatalf("blocked pop got %q", id)
	}
	go func() {
		_, ok := q.pop(stop)
		if ok {
			got <- "unexpected"
			return
		}
		got <- ""
	}()
	close(stop)
	if id := <-got; id != "" {
		t.Fatal("pop after stop returned an ID")
	}
}

func TestMemoryIDsSortByFact(t *testing.T) {
	run := uuid.Must(uuid.NewV7())
	prev := memoryID(run, 2, 0, "x")
	for _, i := range []int{1, 2, 63, 64, 65, 1 << 12, 1<<20 + 5, 1<<24 - 1} {
		id := memoryID(run, 2, i, "some content")
		if bytes.Compare(prev[:], id[:]) >= 0 || id.Version() != 7 || id.Variant() != uuid.RFC4122 || !bytes.Equal(id[:6], run[:6]) {
			t.Fatalf("fact %d: %s after %s", i, id, prev)
		}
		if again := memoryID(run, 2, i, "some content"); again != id {
			t.Fatalf("fact %d: %s, then %s", i, id, again)
		}
		if other := memoryID(run, 3, i, "some content"); other == id {
			t.Fatalf("fact %d: steps 2 and 3 give %s", i, id)
		}
		prev = id
	}
	// Past 2^24 facts the index starts over: the IDs no longer sort, but stay distinct.
	if a, b := memoryID(run, 2, 5, "same"), memoryID(run, 2, 5+1<<24, "same"); a == b {
		t.Fatalf("facts 5 and 5+2^24: both %s", a)
	}
}
