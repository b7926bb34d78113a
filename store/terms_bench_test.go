package store

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/memory"
)

// BenchmarkRelated measures one fact's lookup in a scope of 5,000 memories that share most of their
// words, as the one-sentence adds of the Add benchmark do: every common term has more postings
// than a lookup reads.
func BenchmarkRelated(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "related.db"), Options{Terms: strings.Fields})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	t := &testing.T{}
	var batch []memory.Memory
	for i := range 5000 {
		m := mem(fmt.Sprintf("benchmark fact %d user prefers option %d", i, i%13), "default", "alice", "", nil)
		m.ID = uuid.Must(uuid.NewV7()).String()
		batch = append(batch, m)
		if len(batch) == 500 {
			putMemories(t, s, batch...)
			batch = batch[:0]
		}
	}
	if t.Failed() {
		b.Fatal("fill failed")
	}
	q := []RelatedQuery{{Terms: strings.Fields("benchmark fact 5001 user prefers option 8"), Limit: 8}}
	b.ReportAllocs()
	for b.Loop() {
		got, err := s.Related(Scope{"default", "alice"}, nil, q, t0)
		if err != nil || len(got[0]) != 8 {
			b.Fatalf("%d related, %v", len(got[0]), err)
		}
	}
}
