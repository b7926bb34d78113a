package mnemo_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/clock"
)

// TestSameConversationTwice adds one conversation twice: the second run creates nothing.
func TestSameConversationTwice(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	conv := mnemo.Conversation(
		mnemo.Message{ID: "1", Role: "user", Name: "Caroline", Content: "I went to a LGBTQ support group yesterday. It was powerful."},
		mnemo.Message{ID: "2", Role: "assistant", Name: "Melanie", Content: "I'm painting a sunrise over the lake for my kids."},
	)
	first := wait(t, eng, add(t, eng, conv, &mnemo.AddOptions{UserID: "caroline"}).ID)
	second := wait(t, eng, add(t, eng, conv, &mnemo.AddOptions{UserID: "caroline"}).ID)
	if first.MemoriesCreated != 2 || second.Status != mnemo.Completed || second.CommittedOperations.Len() != 0 {
		t.Fatalf("first run %+v\nsecond run %+v", first, second)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "caroline"}); len(got) != 2 {
		t.Fatalf("memories %q", got)
	}
}

// TestTextBesideConversationIsOneMemory adds "I run marathons." as text for bob, then a
// conversation where Bob says it: one memory.
func TestTextBesideConversationIsOneMemory(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	wait(t, eng, add(t, eng, mnemo.Text("I run marathons."), &mnemo.AddOptions{UserID: "bob"}).ID)
	r := wait(t, eng, add(t, eng, mnemo.Conversation(mnemo.Message{Role: "user", Name: "Bob", Content: "I run marathons!"}), &mnemo.AddOptions{UserID: "bob"}).ID)
	if r.CommittedOperations.Len() != 0 {
		t.Fatalf("the conversation's run committed %+v", r.CommittedOperations)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "bob"}); fmt.Sprint(got) != "[I run marathons.]" {
		t.Fatalf("memories %q", got)
	}
}

// TestReconcileHistory takes one memory through what reconciliation and the application do to
// memories: created by a run, refined in place by another, superseded by a third, its successor
// updated and deleted by the application, then purged. Operations, listings and histories agree,
// with the engine clock's times.
func TestReconcileHistory(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(editT0)
	eng, _ := setup(t, &mnemo.Options{Clock: clk})
	ctx := ctxT(t)
	opts := &mnemo.AddOptions{UserID: "alice"}

	r1 := wait(t, eng, add(t, eng, mnemo.Text("I live in Paris."), opts).ID)
	clk.Advance(time.Hour)
	r2 := wait(t, eng, add(t, eng, mnemo.Text("I live in Paris with my two cats."), opts).ID)
	paris := r1.MemoryIDs[0]
	if len(r2.CommittedOperations.Updated) != 1 || r2.CommittedOperations.Updated[0].MemoryID != paris || r2.MemoriesCreated != 0 {
		t.Fatalf("refining run %+v", r2)
	}
	clk.Advance(time.Hour)
	r3 := wait(t, eng, add(t, eng, mnemo.Text("I moved to Berlin."), opts).ID)
	ops := r3.CommittedOperations
	if len(ops.Created) != 1 || len(ops.Deleted) != 1 || ops.Deleted[0].MemoryID != paris || !ops.Deleted[0].CommittedAt.Equal(editT0.Add(2*time.Hour)) {
		t.Fatalf("superseding run %+v", r3)
	}
	berlin := ops.Created[0].MemoryID
	old, err := eng.Memories.Get(ctx, paris)
	if err != nil || old.SupersededBy != berlin || !old.SupersededAt.Equal(editT0.Add(2*time.Hour)) || old.Version != 3 {
		t.Fatalf("superseded memory %+v, %v", old, err)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "alice"}); fmt.Sprint(got) != "[I moved to Berlin.]" {
		t.Fatalf("listing %q", got)
	}
	all, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "alice", IncludeSuperseded: true})
	if err != nil || all.Total != 2 {
		t.Fatalf("listing with superseded ones: %+v, %v", all, err)
	}
	clk.Advance(time.Hour)
	if _, err := eng.Memories.Update(ctx, paris, "I live in Lyon.", nil); !errors.Is(err, mnemo.ErrConflict) {
		t.Fatalf("Update of a superseded memory: %v, want ErrConflict", err)
	}
	if _, err := eng.Memories.Update(ctx, berlin, "I moved to Berlin in March.", nil); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	if err := eng.Memories.Delete(ctx, berlin); err != nil {
		t.Fatal(err)
	}

	history := func(id string) string {
		t.Helper()
		hist, err := eng.Memories.History(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, c := range hist {
			by := map[string]string{r1.ID: "r1", r2.ID: "r2", r3.ID: "r3", mnemo.ChangeByAPI: "api"}[c.RunID]
			lines = append(lines, fmt.Sprintf("%s v%d by %s at +%v: %q -> %q", c.Operation, c.Version, by, c.At.Sub(editT0), c.OldContent, c.NewContent))
		}
		return strings.Join(lines, "\n")
	}
	wantParis := strings.Join([]string{
		`create v1 by r1 at +0s: "" -> "I live in Paris."`,
		`update v2 by r2 at +1h0m0s: "I live in Paris." -> "I live in Paris with my two cats."`,
		`supersede v3 by r3 at +2h0m0s: "I live in Paris with my two cats." -> "I moved to Berlin."`,
	}, "\n")
	if got := history(paris); got != wantParis {
		t.Fatalf("history of the superseded memory\n%s\nwant\n%s", got, wantParis)
	}
	wantBerlin := strings.Join([]string{
		`create v1 by r3 at +2h0m0s: "" -> "I moved to Berlin."`,
		`update v2 by api at +3h0m0s: "I moved to Berlin." -> "I moved to Berlin in March."`,
		`delete v2 by api at +4h0m0s: "I moved to Berlin in March." -> ""`,
	}, "\n")
	if got := history(berlin); got != wantBerlin {
		t.Fatalf("history of its successor\n%s\nwant\n%s", got, wantBerlin)
	}
	if err := eng.Memories.Purge(ctx, paris); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.History(ctx, paris); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("history after Purge: %v", err)
	}
	if _, err := eng.Memories.Get(ctx, paris); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("memory after Purge: %v", err)
	}
}

// TestReconcileKeepsToScope: a fact is reconciled only with memories of its own group, user,
// properties and topic, so the same statement elsewhere is a memory of its own.
func TestReconcileKeepsToScope(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	for _, o := range []*mnemo.AddOptions{
		{UserID: "alice", Properties: map[string]string{"conv": "1"}},
		{UserID: "alice", Properties: map[string]string{"conv": "2"}},
		{UserID: "alice"},
		{UserID: "bob"},
		{UserID: "alice", Group: "work"},
		{UserID: "alice", Properties: map[string]string{"conv": "1"}}, // the first scope again
	} {
		wait(t, eng, add(t, eng, mnemo.Text("I live in Paris."), o).ID)
		wait(t, eng, add(t, eng, mnemo.Text("I moved to Berlin."), o).ID)
	}
	for _, o := range []*mnemo.ListOptions{
		{UserID: "alice", Properties: map[string]string{"conv": "1"}},
		{UserID: "alice", Properties: map[string]string{"conv": "2"}},
		{UserID: "bob"},
		{UserID: "alice", Group: "work"},
	} {
		if got := contents(t, eng, o); fmt.Sprint(got) != "[I moved to Berlin.]" {
			t.Errorf("%+v: %q", o, got)
		}
	}
	// alice's scope without properties lists the memories of every property set: one per set.
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "alice"}); len(got) != 3 {
		t.Errorf("alice: %q", got)
	}
	// The first scope went to Paris, Berlin, Paris and Berlin: a chain of four memories, each
	// superseded by the next (a statement that was superseded is new again when it comes back).
	all, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "alice", Properties: map[string]string{"conv": "1"}, IncludeSuperseded: true})
	if err != nil || all.Total != 4 {
		t.Fatalf("the first scope with superseded memories: %+v, %v", all, err)
	}
	for i, m := range all.Memories {
		next := ""
		if i+1 < len(all.Memories) {
			next = all.Memories[i+1].ID
		}
		if want := []string{"I live in Paris.", "I moved to Berlin."}[i%2]; m.Content != want || m.SupersededBy != next {
			t.Errorf("memory %d of the chain: %+v", i, m)
		}
	}
}

// reconcilerFunc is a Reconciler written as a function, with the keys of rules.Reconciler (see
// pipeline.Keyer).
type reconcilerFunc func(context.Context, pipeline.ReconcileRequest) ([]pipeline.Decision, error)

func (reconcilerFunc) Keys(content string) []string { return rules.Reconciler{}.Keys(content) }

func (f reconcilerFunc) Reconcile(ctx context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
	return f(ctx, req)
}

// TestReconcileConflictReadsAgain: the application updates the memory a run is about to supersede,
// between the run's read and its write. The run's compare-and-set fails, it reads and reconciles
// again, and supersedes the memory as it is now: no change is lost.
func TestReconcileConflictReadsAgain(t *testing.T) {
	t.Parallel()
	var eng *mnemo.Engine
	var calls atomic.Int32
	rec := reconcilerFunc(func(ctx context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
		if calls.Add(1) == 2 { // the second run's first try: edit its related memory under it
			m := req.Facts[0].Related[0]
			if _, err := eng.Memories.Update(ctx, m.ID, "I live in Paris, near the Louvre.", nil); err != nil {
				return nil, err
			}
		}
		return rules.Reconciler{}.Reconcile(ctx, req)
	})
	eng, _ = setup(t, &mnemo.Options{Reconciler: rec})
	paris := wait(t, eng, add(t, eng, mnemo.Text("I live in Paris."), nil).ID).MemoryIDs[0]
	r := wait(t, eng, add(t, eng, mnemo.Text("I moved to Berlin."), nil).ID)
	if r.Status != mnemo.Completed || len(r.CommittedOperations.Deleted) != 1 || calls.Load() != 3 {
		t.Fatalf("run %+v after %d calls", r, calls.Load())
	}
	hist, err := eng.Memories.History(ctxT(t), paris)
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for _, c := range hist {
		ops = append(ops, fmt.Sprintf("%s %q", c.Operation, c.OldContent))
	}
	if want := `[create "" update "I live in Paris." supersede "I live in Paris, near the Louvre."]`; fmt.Sprint(ops) != want {
		t.Fatalf("history %s, want %s", ops, want)
	}
}

// TestReconcilerDecisionsAreChecked: a Reconciler that answers for the wrong number of facts, names a
// memory that is not related, or an unknown operation fails the run, saying so; nothing is written.
func TestReconcilerDecisionsAreChecked(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name      string
		decisions func(pipeline.ReconcileRequest) []pipeline.Decision
		want      string
	}{
		{"too few", func(pipeline.ReconcileRequest) []pipeline.Decision { return nil }, "0 decisions for 1 facts"},
		{"unrelated target", func(pipeline.ReconcileRequest) []pipeline.Decision {
			return []pipeline.Decision{{Op: pipeline.OpSupersede, Target: "01a2123b-bb42-7a8d-bac2-48dae75eff5d"}}
		}, "not one of its related memories"},
		{"unknown op", func(req pipeline.ReconcileRequest) []pipeline.Decision {
			return []pipeline.Decision{{Op: "merge", Target: req.Facts[0].Related[0].ID}}
		}, `unknown operation "merge"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var on atomic.Bool
			rec := reconcilerFunc(func(ctx context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
				if !on.Load() {
					return rules.Reconciler{}.Reconcile(ctx, req)
				}
				return c.decisions(req), nil
			})
			eng, _ := setup(t, &mnemo.Options{Reconciler: rec})
			wait(t, eng, add(t, eng, mnemo.Text("I live in Paris."), nil).ID)
			on.Store(true)
			r := wait(t, eng, add(t, eng, mnemo.Text("I moved to Berlin."), nil).ID)
			if r.Status != mnemo.Failed || !strings.Contains(r.Error, c.want) || r.CommittedOperations.Len() != 0 {
				t.Fatalf("run %+v, want failed with %q", r, c.want)
			}
			if got := contents(t, eng, nil); fmt.Sprint(got) != "[I live in Paris.]" {
				t.Fatalf("memories %q", got)
			}
		})
	}
}

// TestOneChangePerMemoryAndRun: two facts of one run that both refine a memory: the first updates it,
// the second, decided against the memory as it was, is added rather than overwriting the first.
func TestOneChangePerMemoryAndRun(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	id := wait(t, eng, add(t, eng, mnemo.Text("I run marathons."), nil).ID).MemoryIDs[0]
	r := wait(t, eng, add(t, eng, mnemo.Text("I run marathons every spring. I run marathons in Boston."), nil).ID)
	ops := r.CommittedOperations
	if len(ops.Updated) != 1 || ops.Updated[0].MemoryID != id || len(ops.Created) != 1 {
		t.Fatalf("operations %+v", ops)
	}
	if got := contents(t, eng, nil); fmt.Sprint(got) != "[I run marathons every spring. I run marathons in Boston.]" {
		t.Fatalf("memories %q", got)
	}
}

// TestOneRunReconcilesItsOwnFacts: facts of one run are reconciled with each other too, in order:
// a later sentence supersedes or refines an earlier one of the same input.
func TestOneRunReconcilesItsOwnFacts(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	r := wait(t, eng, add(t, eng, mnemo.Text("I live in Paris. I like tea. I moved to Berlin."), nil).ID)
	ops := r.CommittedOperations
	if len(ops.Created) != 3 || len(ops.Deleted) != 1 || ops.Deleted[0].MemoryID != ops.Created[0].MemoryID {
		t.Fatalf("operations %+v", ops)
	}
	if got := contents(t, eng, nil); fmt.Sprint(got) != "[I like tea. I moved to Berlin.]" {
		t.Fatalf("memories %q", got)
	}
	paris, err := eng.Memories.Get(ctx, ops.Deleted[0].MemoryID)
	if err != nil || paris.SupersededBy != ops.Created[2].MemoryID {
		t.Fatalf("the superseded memory: %+v, %v", paris, err)
	}

	conv := mnemo.Conversation(
		mnemo.Message{Role: "user", Name: "Ann", Content: "I run marathons."},
		mnemo.Message{Role: "assistant", Content: "Nice! Where?"},
		mnemo.Message{Role: "user", Name: "Ann", Content: "I run marathons every spring in Boston."},
	)
	r = wait(t, eng, add(t, eng, conv, &mnemo.AddOptions{UserID: "ann"}).ID)
	ops = r.CommittedOperations
	if len(ops.Created) != 1 || len(ops.Updated) != 1 || ops.Updated[0].MemoryID != ops.Created[0].MemoryID {
		t.Fatalf("conversation's operations %+v", ops)
	}
	m, err := eng.Memories.Get(ctx, ops.Created[0].MemoryID)
	if err != nil || m.Content != "Ann: I run marathons every spring in Boston." || m.Version != 2 || len(m.Sources) != 2 {
		t.Fatalf("the refined memory: %+v, %v", m, err)
	}
}
