package mnemo_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// mixedBatch is two good items around a bad one (an empty text) and one whose document ID is taken.
func mixedBatch() []mnemo.AddRequest {
	return []mnemo.AddRequest{
		{Input: mnemo.Text("Alice drinks green tea."), Options: mnemo.AddOptions{UserID: "alice"}},
		{Input: mnemo.Text("   "), Options: mnemo.AddOptions{UserID: "alice"}},
		{Input: mnemo.Text("Bob plays chess on Sundays."), Options: mnemo.AddOptions{UserID: "bob", DocumentID: "doc-1"}},
		{Input: mnemo.Text("Bob plays go too."), Options: mnemo.AddOptions{UserID: "bob", DocumentID: "doc-1"}},
	}
}

func TestAddBatchWithoutFailFastAcceptsTheValidItems(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	b, err := eng.Memories.AddBatch(ctx, mixedBatch(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 4 || b.ID == "" {
		t.Fatalf("batch %+v", b)
	}
	var fe *mnemo.FieldError
	if it := b.Items[1]; it.RunID != "" || !errors.As(it.Err, &fe) || fe.Field != "items[1].contents[0]" {
		t.Fatalf("item 1: %+v (%v)", it, it.Err)
	}
	if it := b.Items[3]; it.RunID != "" || !errors.Is(it.Err, mnemo.ErrConflict) || !strings.Contains(it.Err.Error(), b.Items[2].RunID) {
		t.Fatalf("item 3 should conflict with item 2's run %s: %+v (%v)", b.Items[2].RunID, it, it.Err)
	}
	for _, i := range []int{0, 2} {
		if b.Items[i].RunID == "" || b.Items[i].Err != nil {
			t.Fatalf("item %d: %+v", i, b.Items[i])
		}
	}
	done, err := eng.Batches.Wait(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != mnemo.PartialSuccess {
		t.Fatalf("status %s, want partial_success (two items refused)", done.Status)
	}
	for _, i := range []int{0, 2} {
		if done.Items[i].Status != mnemo.Completed {
			t.Fatalf("item %d: %+v", i, done.Items[i])
		}
	}
	// The refused items read back with their sentinels.
	if !errors.Is(done.Items[1].Err, mnemo.ErrInvalidInput) || !errors.Is(done.Items[3].Err, mnemo.ErrConflict) || done.Items[1].Status != mnemo.Failed {
		t.Fatalf("items read back: %+v", done.Items)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "bob"}); len(got) != 1 || got[0] != "Bob plays chess on Sundays." {
		t.Fatalf("bob's memories %q", got)
	}
}

func TestAddBatchFailFastAcceptsNothing(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	_, err := eng.Memories.AddBatch(ctx, mixedBatch(), &mnemo.BatchOptions{FailFast: true})
	var fe *mnemo.FieldError
	if !errors.As(err, &fe) || fe.Field != "items[1].contents[0]" {
		t.Fatalf("err %v, want a FieldError on items[1].contents[0]", err)
	}
	// A batch whose only fault is a document ID taken by an earlier item of its own.
	reqs := mixedBatch()
	reqs = append(reqs[:1], reqs[2:]...)
	_, err = eng.Memories.AddBatch(ctx, reqs, &mnemo.BatchOptions{FailFast: true})
	if !errors.Is(err, mnemo.ErrConflict) || !strings.Contains(err.Error(), "items[2]") {
		t.Fatalf("err %v, want ErrConflict naming items[2]", err)
	}
	page, err := eng.Runs.List(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Runs) != 0 {
		t.Fatalf("%d runs accepted by refused batches", len(page.Runs))
	}
	// Nothing was claimed: the document ID is free.
	if _, err := eng.Memories.Add(ctx, mnemo.Text("x y z."), &mnemo.AddOptions{UserID: "bob", DocumentID: "doc-1"}); err != nil {
		t.Fatal(err)
	}
}

func TestAddBatchStatuses(t *testing.T) {
	t.Parallel()
	failing := pipeline.ExtractorFunc(func(ctx context.Context, req pipeline.ExtractRequest) ([]mnemo.Fact, error) {
		if strings.Contains(req.Text, "fail") {
			return nil, pipeline.Permanent(errors.New("cannot"))
		}
		return []mnemo.Fact{{Content: req.Text}}, nil
	})
	eng, _ := setup(t, &mnemo.Options{Extractor: failing})
	ctx := ctxT(t)
	batch := func(texts ...string) *mnemo.Batch {
		t.Helper()
		var reqs []mnemo.AddRequest
		for _, s := range texts {
			reqs = append(reqs, mnemo.AddRequest{Input: mnemo.Text(s)})
		}
		b, err := eng.Memories.AddBatch(ctx, reqs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if b, err = eng.Batches.Wait(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := batch("one", "two"); b.Status != mnemo.Completed {
		t.Fatalf("all good: %s", b.Status)
	}
	if b := batch("one", "fail"); b.Status != mnemo.PartialSuccess || b.Items[1].Status != mnemo.Failed || b.Items[1].Err != nil {
		t.Fatalf("one failing run: %+v", b)
	}
	if b := batch("fail", "fail too"); b.Status != mnemo.Failed {
		t.Fatalf("all failing: %s", b.Status)
	}
	got, err := eng.Batches.Get(ctx, batch("three").ID)
	if err != nil || got.Status != mnemo.Completed || len(got.Items) != 1 {
		t.Fatalf("get: %+v, %v", got, err)
	}
	if _, err := eng.Batches.Get(ctx, "0190a8a0-0000-7000-8000-000000000000"); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("unknown batch: %v", err)
	}
	if _, err := eng.Batches.Get(ctx, "nope"); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Fatalf("malformed batch ID: %v", err)
	}
}

func TestAddBatchBadArguments(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	if _, err := eng.Memories.AddBatch(ctx, nil, nil); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Fatalf("empty batch: %v", err)
	}
	many := make([]mnemo.AddRequest, mnemo.MaxBatchItems+1)
	for i := range many {
		many[i] = mnemo.AddRequest{Input: mnemo.Text("x")}
	}
	if _, err := eng.Memories.AddBatch(ctx, many, nil); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Fatalf("too many items: %v", err)
	}
	b, err := eng.Memories.AddBatch(ctx, []mnemo.AddRequest{{Input: nil}}, nil)
	if err != nil || b.Items[0].Err == nil || b.Status != mnemo.Failed {
		t.Fatalf("a batch of one nil input: %+v, %v", b, err)
	}
	var nilCtx context.Context
	if _, err := eng.Memories.AddBatch(nilCtx, many[:1], nil); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Fatalf("nil context: %v", err)
	}
	eng.Close()
	if _, err := eng.Memories.AddBatch(ctx, many[:1], nil); !errors.Is(err, mnemo.ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
}

// TestDocumentIDOneWinnerUnderConcurrency races 16 adders of one document ID, through Add and
// through AddBatch: exactly one is accepted, and every other conflict names its run.
func TestDocumentIDOneWinnerUnderConcurrency(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	const adders = 16
	var mu sync.Mutex
	var won []string
	var conflicts []error
	var wg sync.WaitGroup
	for i := range adders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			opts := mnemo.AddOptions{UserID: "u", DocumentID: "the-doc"}
			var id string
			var err error
			if i%2 == 0 {
				var r *mnemo.Run
				if r, err = eng.Memories.Add(ctx, mnemo.Text("Same document."), &opts); err == nil {
					id = r.ID
				}
			} else {
				var b *mnemo.Batch
				if b, err = eng.Memories.AddBatch(ctx, []mnemo.AddRequest{{Input: mnemo.Text("Same document."), Options: opts}}, nil); err == nil {
					id, err = b.Items[0].RunID, b.Items[0].Err
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				conflicts = append(conflicts, err)
			} else {
				won = append(won, id)
			}
		}()
	}
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d adders won: %v", len(won), won)
	}
	for _, err := range conflicts {
		if !errors.Is(err, mnemo.ErrConflict) || !strings.Contains(err.Error(), won[0]) {
			t.Fatalf("loser's error %v should be a conflict naming %s", err, won[0])
		}
	}
}
