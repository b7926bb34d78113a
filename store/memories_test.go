package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

// putMemories commits memories through a run update, as the commit step does.
func putMemories(t *testing.T, s *Store, ms ...memory.Memory) {
	t.Helper()
	r := mustCreate(t, s, newRun(t))
	_, err := s.UpdateRun(r.ID, 0, func(tx *Tx, run *status.Run) error {
		for _, m := range ms {
			nm := s.PrepareMemory(m, uuid.MustParse(m.ID), nil, ContentKey(Scope{m.Group, m.UserID}, m.Properties, m.Content), nil, r.ID, "")
			if change, err := tx.InsertMemory(&nm); err != nil || change != Created {
				return fmt.Errorf("insert %q: %v, %v", m.Content, change, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mem(content, group, user, topic string, props map[string]string) memory.Memory {
	return memory.Memory{
		ID: uuid.NewString(), Content: content, Group: group, UserID: user, Topic: topic, Properties: props,
		Sources: []memory.Source{{RunID: "r", Input: 1, MessageID: "m"}}, CreatedAt: t0, UpdatedAt: t0, Version: 1,
	}
}

func TestMemoryRoundTripAndDelete(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	m := mem("Alice likes tea.", "default", "Alice", "food", map[string]string{"c": "1"})
	m.Metadata = map[string]string{"k": "v"}
	m.EventTime = t0.Add(-48 * 3600e9)
	putMemories(t, s, m)
	got, err := s.Memory(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint(m) {
		t.Fatalf("stored %+v\nread   %+v", m, got)
	}
	if err := s.DeleteMemory(m.ID, "api", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Memory(m.ID); !errors.Is(err, errs.NotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.DeleteMemory(m.ID, "api", t0); !errors.Is(err, errs.NotFound) {
		t.Fatalf("second delete: %v", err)
	}
	page, err := s.ListMemories(MemoryFilter{Scope: Scope{"default", "alice"}}, "", 10)
	if err != nil || page.Total != 0 || len(page.Memories) != 0 {
		t.Fatalf("listing after delete: %+v, %v", page, err)
	}
	// The content key is free again: the same fact can be remembered anew.
	putMemories(t, s, mem("alice likes TEA", "default", "alice", "food", map[string]string{"c": "1"}))
}

func TestListMemoriesScopesFiltersAndPages(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	var alice []memory.Memory
	for i := range 23 {
		m := mem(fmt.Sprintf("fact %d", i), "default", "alice", []string{"food", "work"}[i%2], map[string]string{"conv": fmt.Sprint(i % 3)})
		alice = append(alice, m)
	}
	putMemories(t, s, alice...)
	putMemories(t, s,
		mem("fact 0", "default", "bob", "food", nil), // same content, other user: not a duplicate
		mem("fact 0", "other", "alice", "food", nil), // other group
		mem("group-level fact", "default", "", "", nil),
	)
	cases := []struct {
		name   string
		filter MemoryFilter
		keep   func(i int) bool
	}{
		{"scope", MemoryFilter{Scope: Scope{"default", "alice"}}, func(int) bool { return true }},
		{"scope, user in other case", MemoryFilter{Scope: Scope{"default", "ALICE"}}, func(int) bool { return true }},
		{"topic", MemoryFilter{Scope: Scope{"default", "alice"}, Topics: []string{"work"}}, func(i int) bool { return i%2 == 1 }},
		{"topics", MemoryFilter{Scope: Scope{"default", "alice"}, Topics: []string{"work", "food"}}, func(int) bool { return true }},
		{"property", MemoryFilter{Scope: Scope{"default", "alice"}, Properties: map[string]string{"conv": "2"}}, func(i int) bool { return i%3 == 2 }},
		{"property and topic", MemoryFilter{Scope: Scope{"default", "alice"}, Properties: map[string]string{"conv": "0"}, Topics: []string{"food"}},
			func(i int) bool { return i%3 == 0 && i%2 == 0 }},
		{"unknown property", MemoryFilter{Scope: Scope{"default", "alice"}, Properties: map[string]string{"nope": "0"}}, func(int) bool { return false }},
	}
	for _, c := range cases {
		var want []string
		for i, m := range alice {
			if c.keep(i) {
				want = append(want, m.ID)
			}
		}
		for _, limit := range []int{1, 4, 10, 100} {
			var got []string
			cursor := ""
			for pages := 0; ; pages++ {
				page, err := s.ListMemories(c.filter, cursor, limit)
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != len(want) {
					t.Fatalf("%s, limit %d: total %d, want %d", c.name, limit, page.Total, len(want))
				}
				if len(page.Memories) > limit || pages > 100 {
					t.Fatalf("%s: page of %d, limit %d", c.name, len(page.Memories), limit)
				}
				for _, m := range page.Memories {
					got = append(got, m.ID)
				}
				if page.Next == "" {
					break
				}
				cursor = page.Next
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, limit %d:\n got %v\nwant %v", c.name, limit, got, want)
			}
		}
	}
	for _, scope := range []Scope{{"default", "bob"}, {"other", "alice"}, {"default", ""}} {
		page, err := s.ListMemories(MemoryFilter{Scope: scope}, "", 10)
		if err != nil || page.Total != 1 || len(page.Memories) != 1 {
			t.Fatalf("scope %+v: %+v, %v", scope, page, err)
		}
		if page.Memories[0].Group != scope.Group || page.Memories[0].UserID != scope.UserID {
			t.Fatalf("scope %+v leaked %+v", scope, page.Memories[0])
		}
	}
	if _, err := s.ListMemories(MemoryFilter{Scope: Scope{"default", "alice"}}, "!!", 10); !errors.Is(err, errs.InvalidInput) {
		t.Fatalf("bad cursor: %v", err)
	}
}

func TestContentKeyNormalises(t *testing.T) {
	t.Parallel()
	scope := Scope{"default", "alice"}
	a := ContentKey(scope, map[string]string{"x": "1", "y": "2"}, "Alice likes  tea!")
	b := ContentKey(Scope{"default", "ALICE"}, map[string]string{"y": "2", "x": "1"}, "alice likes tea")
	if string(a) != string(b) {
		t.Fatal("equal facts in the same scope have different keys")
	}
	for _, other := range [][]byte{
		ContentKey(scope, map[string]string{"x": "1"}, "Alice likes tea"),
		ContentKey(Scope{"default", "bob"}, map[string]string{"x": "1", "y": "2"}, "Alice likes tea"),
		ContentKey(scope, map[string]string{"x": "1", "y": "2"}, "Alice likes coffee"),
		ContentKey(Scope{"defaul", "talice"}, map[string]string{"x": "1", "y": "2"}, "Alice likes tea"),
	} {
		if string(a) == string(other) {
			t.Fatal("different facts or scopes share a key")
		}
	}
	if got := NormalizeContent("  Hello,   WORLD! ça va? "); got != "hello world ça va" {
		t.Fatalf("NormalizeContent = %q", got)
	}
}

// TestListingPagesCarryTheirTotal pages through a filtered listing: every memory once, in order, the
// same total on every page (counted on the first, carried by the cursors), and a cursor of the
// earlier form (without a total) still accepted.
func TestListingPagesCarryTheirTotal(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	var ms []memory.Memory
	for i := range 250 {
		topic := []string{"a", "b"}[i%2]
		ms = append(ms, mem(fmt.Sprintf("fact %d", i), "g", "u", topic, nil))
	}
	putMemories(t, s, ms...)
	f := MemoryFilter{Scope: Scope{"g", "u"}, Topics: []string{"a"}}
	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := s.ListMemories(f, cursor, 40)
		if err != nil || page.Total != 125 {
			t.Fatalf("page %d: total %d, %v", pages, page.Total, err)
		}
		for _, m := range page.Memories {
			got = append(got, m.Content)
		}
		if pages == 1 { // the earlier form: the key suffix alone
			raw, _ := base64.RawURLEncoding.DecodeString(page.Next)
			page.Next = base64.RawURLEncoding.EncodeToString(raw[:24])
		}
		if cursor = page.Next; cursor == "" {
			break
		}
	}
	if len(got) != 125 || got[0] != "fact 0" || got[124] != "fact 248" {
		t.Fatalf("listed %d: %v ... %v", len(got), got[0], got[len(got)-1])
	}
	for _, bad := range []string{"!!", base64.RawURLEncoding.EncodeToString([]byte("short")), base64.RawURLEncoding.EncodeToString(make([]byte, 24+11))} {
		if _, err := s.ListMemories(f, bad, 10); !errors.Is(err, errs.InvalidInput) {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

// Two memories with one ID (a collision of derived IDs) never overwrite each other: the second
// insert fails, and the first memory is as it was.
func TestMemoryIDCollisionRefused(t *testing.T) {
	t.Parallel()
	s, _ := setup(t)
	first := mem("Alice likes tea.", "default", "alice", "", nil)
	putMemories(t, s, first)
	second := mem("Bob likes coffee.", "default", "bob", "", nil)
	second.ID = first.ID
	r := mustCreate(t, s, newRun(t))
	_, err := s.UpdateRun(r.ID, 0, func(tx *Tx, run *status.Run) error {
		nm := s.PrepareMemory(second, uuid.MustParse(second.ID), nil, ContentKey(Scope{"default", "bob"}, nil, second.Content), nil, r.ID, "")
		_, err := tx.InsertMemory(&nm)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "taken by another memory") {
		t.Fatalf("second insert: %v", err)
	}
	if got, err := s.Memory(first.ID); err != nil || got.Content != first.Content {
		t.Fatalf("first memory now %+v, %v", got, err)
	}
}
