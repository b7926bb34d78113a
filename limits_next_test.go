//go:build mnemo_next

// This file uses Options.CommitPartSize, which the engine does not have yet; the tag keeps the
// package building until it does. Run it with -tags mnemo_next.

package mnemo_test

import (
	"fmt"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestLargeRunCommitsInParts adds a run of 1,050 items to an engine that commits at most 100
// memories per transaction, 10 of whose items the scope holds already: the run must commit in parts
// and end exactly as one transaction would have ended it, every new memory once, in item order, and
// the held ones not twice.
func TestLargeRunCommitsInParts(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{CommitPartSize: 100})
	item := func(i int) mnemo.Item {
		return mnemo.Item{Content: fmt.Sprintf("Ledger line %d balances account %d.", i, 3*i)}
	}
	var held []mnemo.Item
	for i := 500; i < 510; i++ {
		held = append(held, item(i))
	}
	if r := wait(t, eng, add(t, eng, mnemo.PreExtracted(held...), &mnemo.AddOptions{UserID: "parts"}).ID); r.Status != mnemo.Completed {
		t.Fatalf("first run ended %s (%s)", r.Status, r.Error)
	}
	const n = 1050
	items := make([]mnemo.Item, n)
	for i := range items {
		items[i] = item(i)
	}
	done := wait(t, eng, add(t, eng, mnemo.PreExtracted(items...), &mnemo.AddOptions{UserID: "parts"}).ID)
	if done.Status != mnemo.Completed || done.MemoriesCreated != n-len(held) || len(done.CommittedOperations.Created) != n-len(held) {
		t.Fatalf("run ended %s with %d memories created (%s); want completed with %d", done.Status, done.MemoriesCreated, done.Error, n-len(held))
	}
	all, total := listAll(t, eng, mnemo.ListOptions{UserID: "parts"})
	if total != n || len(all) != n {
		t.Fatalf("the scope lists %d memories (total %d); want %d", len(all), total, n)
	}
	seen := map[string]bool{}
	for _, m := range all {
		if seen[m.Content] {
			t.Fatalf("memory %q is listed twice", m.Content)
		}
		seen[m.Content] = true
	}
	// The held memories come first, then the run's in item order.
	for i, m := range all[len(held):] {
		j := i
		if i >= 500 {
			j = i + len(held)
		}
		if want := item(j).Content; m.Content != want {
			t.Fatalf("memory %d of the run is %q; want %q (item order)", i, m.Content, want)
		}
	}
}
