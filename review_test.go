package mnemo_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// TestWaitAcceptsAnyCase waits on a run by its ID in upper case (as macOS uuidgen and .NET print
// UUIDs): the wait wakes when the run ends, as with the ID as Add returned it.
func TestWaitAcceptsAnyCase(t *testing.T) {
	t.Parallel()
	g := newGate()
	eng, _ := setup(t, &mnemo.Options{Extractor: g})
	r := add(t, eng, mnemo.Text("Shouted IDs still wake."), nil)
	upper := strings.ToUpper(r.ID)
	watch, err := eng.Runs.Watch(ctxT(t), upper)
	if err != nil {
		t.Fatal(err)
	}
	<-g.entered
	g.release <- struct{}{}
	done, err := eng.Runs.Wait(ctxT(t), upper)
	if err != nil || done.Status != mnemo.Completed {
		t.Fatalf("Wait with an upper-case ID: %+v, %v", done, err)
	}
	var last mnemo.Run
	for r := range watch {
		last = r
	}
	if last.Status != mnemo.Completed {
		t.Fatalf("Watch with an upper-case ID ended at %s", last.Status)
	}
}

// TestExtractorSliceIsTheExtractors returns the same slice from an extractor for every run, as a
// cache or a test double would: the pipeline must not write into it, so each run's memory names
// its own run, and (under -race) no run races another over it.
func TestExtractorSliceIsTheExtractors(t *testing.T) {
	t.Parallel()
	canned := []mnemo.Fact{{Content: "The sky is blue."}}
	var mu sync.Mutex
	ex := pipeline.ExtractorFunc(func(context.Context, mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		mu.Lock()
		defer mu.Unlock()
		return canned, nil
	})
	eng, _ := setup(t, &mnemo.Options{Extractor: ex, Workers: 8})
	var runs []*mnemo.Run
	for _, user := range []string{"a", "b", "c", "d", "e", "f"} {
		runs = append(runs, add(t, eng, mnemo.Text("anything"), &mnemo.AddOptions{UserID: user}))
	}
	for _, r := range runs {
		done := wait(t, eng, r.ID)
		m, err := eng.Memories.Get(ctxT(t), done.MemoryIDs[0])
		if err != nil || len(m.Sources) != 1 || m.Sources[0].RunID != r.ID {
			t.Fatalf("memory of run %s: %+v, %v", r.ID, m, err)
		}
	}
	if len(canned[0].Sources) != 0 {
		t.Fatalf("the extractor's slice was written into: %+v", canned)
	}
}
