package status_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/status"
)

func TestRunJSONUsesEmptyListsNotNull(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(status.Run{ID: "r", Status: status.Queued})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"run_id":"r"`, `"created":[]`, `"updated":[]`, `"deleted":[]`, `"memory_ids":[]`, `"steps":[]`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	for _, absent := range []string{"null", "started_at", "completed_at"} {
		if strings.Contains(s, absent) {
			t.Errorf("JSON %s contains %s", s, absent)
		}
	}
}

func TestRunCloneIsDeep(t *testing.T) {
	t.Parallel()
	r := status.Run{
		Properties: map[string]string{"k": "v"}, Metadata: map[string]string{"m": "1"},
		Steps: []string{"extract"}, MemoryIDs: []string{"a"},
		CommittedOperations: status.Operations{Created: []status.Operation{{MemoryID: "a", CommittedAt: time.Unix(1, 0)}}},
	}
	c := r.Clone()
	c.Properties["k"] = "changed"
	c.Metadata["m"] = "changed"
	c.Steps[0] = "changed"
	c.MemoryIDs[0] = "changed"
	c.CommittedOperations.Created[0].MemoryID = "changed"
	if r.Properties["k"] != "v" || r.Metadata["m"] != "1" || r.Steps[0] != "extract" || r.MemoryIDs[0] != "a" ||
		r.CommittedOperations.Created[0].MemoryID != "a" {
		t.Fatalf("clone shares state with the original: %+v", r)
	}
	if r.CommittedOperations.Len() != 1 {
		t.Fatalf("Len = %d", r.CommittedOperations.Len())
	}
}

func TestDeriveCreated(t *testing.T) {
	t.Parallel()
	r := status.Run{MemoriesCreated: 7, MemoryIDs: []string{"stale"}}
	r.DeriveCreated()
	if r.MemoriesCreated != 0 || r.MemoryIDs != nil {
		t.Fatalf("no operations: %d %v", r.MemoriesCreated, r.MemoryIDs)
	}
	r.CommittedOperations.Created = []status.Operation{{MemoryID: "a"}, {MemoryID: "b"}}
	r.DeriveCreated()
	if r.MemoriesCreated != 2 || len(r.MemoryIDs) != 2 || r.MemoryIDs[0] != "a" || r.MemoryIDs[1] != "b" {
		t.Fatalf("two operations: %d %v", r.MemoriesCreated, r.MemoryIDs)
	}
}
