package store

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/memory"
)

// TestRelatedIsBoundedAndScoped fills a scope with memories that share a common term, beside
// memories of other properties, topics and users with the same words. Lookups keep to their scope,
// properties and topic, rank by shared terms then recency, skip hidden memories, and read a bounded
// number of postings per term however many memories share it.
func TestRelatedIsBoundedAndScoped(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), "terms.db"), Options{Terms: strings.Fields})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	props := map[string]string{"c": "1"}
	newMem := func(content, user, topic string, props map[string]string) memory.Memory {
		m := mem(content, "default", user, topic, props)
		m.ID = uuid.Must(uuid.NewV7()).String() // time-ordered: the later, the newer
		return m
	}
	var ids []string
	var batch []memory.Memory
	for i := range 300 {
		m := newMem(fmt.Sprintf("common u%d", i), "alice", "", props)
		ids = append(ids, m.ID)
		batch = append(batch, m,
			newMem(fmt.Sprintf("common u%d other-props", i), "alice", "", map[string]string{"c": "2"}),
			newMem(fmt.Sprintf("common u%d other-topic", i), "alice", "food", props),
			newMem(fmt.Sprintf("common u%d other-user", i), "bob", "", props))
	}
	putMemories(t, s, batch...)

	scope := Scope{"default", "alice"}
	got, err := s.Related(scope, props, []RelatedQuery{
		{Terms: []string{"common", "u290"}, Limit: 4},
		{Terms: []string{"common"}, Limit: 1000},
		{Terms: []string{"u3"}, Limit: 8},
		{Terms: []string{"absent"}, Limit: 8},
		{Terms: []string{"u5"}, Limit: 0},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	names := func(ms []memory.Memory) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Content)
		}
		return out
	}
	if want := "[common u290 common u299 common u298 common u297]"; fmt.Sprint(names(got[0])) != want {
		t.Errorf("two terms: %q, want %s", names(got[0]), want)
	}
	if len(got[1]) != termKeep || got[1][0].ID != ids[299] || got[1][termKeep-1].ID != ids[300-termKeep] {
		t.Errorf("a term 300 memories share: %d memories (want the newest %d), first %q", len(got[1]), termKeep, names(got[1][:1]))
	}
	if fmt.Sprint(names(got[2])) != "[common u3]" || got[3] != nil || got[4] != nil {
		t.Errorf("a rare term %q, an absent one %q, no limit %q", names(got[2]), names(got[3]), names(got[4]))
	}

	// Hidden memories are not related: a deleted one, and an expired one.
	if err := s.DeleteMemory(ids[299], "api", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateMemory(&MemoryUpdate{ID: ids[298], Expect: -1, Content: "common u298", ExpiresAt: t0.Add(time.Minute), Now: t0}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Related(scope, props, []RelatedQuery{{Terms: []string{"common"}, Limit: 2}}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(names(got[0])) != "[common u297 common u296]" {
		t.Errorf("after a delete and an expiry: %q", names(got[0]))
	}
}

// TestHitCounter counts postings whose IDs collide in the table (equal low halves) and checks the
// selection of the best against a full sort.
func TestHitCounter(t *testing.T) {
	var h hitCounter
	for round := range 3 {
		h.reset(40)
		want := map[memID]int{}
		for i := range 40 {
			id := memID{hi: uint64(i % 7), lo: uint64(i%3) << 20} // many share a slot
			h.add(id)
			want[id]++
		}
		if len(h.found) != len(want) {
			t.Fatalf("round %d: %d memories counted, want %d", round, len(h.found), len(want))
		}
		for _, s := range h.found {
			if want[s.id] != s.hits {
				t.Errorf("round %d: %v counted %d times, want %d", round, s.id, s.hits, want[s.id])
			}
		}
		all := slices.Clone(h.found)
		slices.SortFunc(all, func(a, b scored) int {
			if a.better(&b) {
				return -1
			}
			if b.better(&a) {
				return 1
			}
			return 0
		})
		selectBest(h.found, 5)
		if !slices.Equal(h.found[:5], all[:5]) {
			t.Errorf("round %d: best %v, want %v", round, h.found[:5], all[:5])
		}
	}
}
