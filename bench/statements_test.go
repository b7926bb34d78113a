package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/mnemohq/mnemo/internal/analysis"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// TestStatementPhrases checks that every phrase of the Reconcile benchmark's statements is two index
// terms found in no other phrase, neither a number, a date nor a negation.
func TestStatementPhrases(t *testing.T) {
	t.Parallel()
	owner := make(map[string]string)
	for _, list := range statementSlots {
		if len(list) != 20 {
			t.Fatalf("a slot of %d phrases, want 20 (StatementSpace is 20^5)", len(list))
		}
		for _, p := range list {
			for _, w := range analysis.Words(p) {
				if w.Value != "" || w.Negation {
					t.Errorf("%q: %q is a number, a date or a negation", p, w.Lower)
				}
			}
			ts := analysis.Terms(p)
			if len(ts) != 2 {
				t.Errorf("%q: terms %q, want two", p, ts)
			}
			for _, term := range ts {
				if other, ok := owner[term]; ok {
					t.Errorf("%q and %q share the term %q", other, p, term)
				}
				owner[term] = p
			}
		}
	}
}

// TestMakeStatement checks that the statements the Reconcile benchmark uses are distinct, and, on a
// sample, that each has StatementKeys terms and makes no claim in a predicate family.
func TestMakeStatement(t *testing.T) {
	t.Parallel()
	n := ReconcileStatements
	seen := make(map[string]int, n)
	for i := range n {
		s := MakeStatement(i)
		if j, ok := seen[s]; ok {
			t.Fatalf("statements %d and %d are both %q", j, i, s)
		}
		seen[s] = i
	}
	// Consecutive statements differ in every slot, so the first thousands hold every phrase beside
	// most phrases of the next slot.
	for i := range 2000 {
		s := MakeStatement(i)
		if ts := analysis.Terms(s); len(ts) != StatementKeys {
			t.Fatalf("statement %d, %q: terms %q, want %d", i, s, ts, StatementKeys)
		}
		if keys := (rules.Reconciler{}).Keys(s); len(keys) > 0 {
			t.Fatalf("statement %d, %q: claims %q, want none", i, s, keys)
		}
	}
}

// TestStatementsAreAdds checks that the default reconciler adds a statement beside the statements
// closest to it, those one or two slots apart, which share eight or six of its ten terms, and
// beside others: for a statement with each phrase of each slot.
func TestStatementsAreAdds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var r rules.Reconciler
	for slot, list := range statementSlots {
		for p := range list {
			phrases := statementPhrases(31*slot + p)
			phrases[slot] = p
			fact := statement(phrases)
			var related []memory.Memory
			near := func(ph [len(statementSlots)]int) {
				related = append(related, memory.Memory{ID: fmt.Sprintf("m%d", len(related)), Content: statement(ph)})
			}
			for s := range statementSlots {
				for _, d := range []int{1, 7} {
					ph := phrases
					ph[s] = (ph[s] + d) % 20
					near(ph) // one slot apart
					ph[(s+1)%len(ph)] = (ph[(s+1)%len(ph)] + 3) % 20
					near(ph) // two slots apart
				}
			}
			for k := 1; k <= 8; k++ {
				related = append(related, memory.Memory{ID: fmt.Sprintf("r%d", k), Content: MakeStatement(k * 7919)})
			}
			// Each related memory alone, so that none hides another's decision, then all together.
			req := pipeline.ReconcileRequest{UserID: "u", Facts: make([]pipeline.Candidate, len(related)+1)}
			for k, m := range related {
				req.Facts[k] = pipeline.Candidate{Fact: memory.Fact{Content: fact}, Related: []memory.Memory{m}}
			}
			req.Facts[len(related)] = pipeline.Candidate{Fact: memory.Fact{Content: fact}, Related: related}
			ds, err := r.Reconcile(ctx, req)
			if err != nil {
				t.Fatal(err)
			}
			for k, d := range ds {
				if d.Op != pipeline.OpAdd {
					t.Fatalf("%q beside %q: %s (%s), want add", fact, req.Facts[k].Related[0].Content, d.Op, d.Reason)
				}
			}
		}
	}
}
