package mnemo_test

import (
	"errors"
	"fmt"
	"strings"
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
	if first.MemoriesCreated != 3 || second.Status != mnemo.Completed || second.CommittedOperations.Len() != 0 {
		t.Fatalf("first run %+v\nsecond run %+v", first, second)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "caroline"}); len(got) != 3 {
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
