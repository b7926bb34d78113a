package pipeline

import (
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

// localScan bounds, per term, the earlier facts of a commit part that a fact's lookup reads, as
// the store's term index bounds its postings: a part's lookups cost O(facts x terms), whatever words
// its facts share.
const localScan = 64

// partIndex relates the facts of one commit part to the earlier facts of the same part, which are not
// in the store yet: "I live in Paris." and, later in the same conversation, "I moved to Berlin."
// Each earlier fact stands for the memory it will create (its ID is known before the write), so the
// Reconciler decides about it as about a stored memory.
type partIndex struct {
	run      *status.Run
	runUUID  uuid.UUID
	step     int
	now      time.Time
	postings map[string][]int // term -> indexes into facts, in order
	facts    []memory.Memory  // the earlier facts, as the memories they will be
	byID     map[string]int   // memory ID -> fact index within the part
}

// newPartIndex returns the index of a part of n facts.
func newPartIndex(r *status.Run, runUUID uuid.UUID, step int, now time.Time, n int) *partIndex {
	return &partIndex{run: r, runUUID: runUUID, step: step, now: now, postings: make(map[string][]int, 8*n),
		facts: make([]memory.Memory, 0, n), byID: make(map[string]int, n)}
}

// related returns up to limit earlier facts of the part, of topic, that share the most of terms, the
// later first among equals.
func (p *partIndex) related(terms []string, topic string, limit int) []memory.Memory {
	hits := map[int]int{}
	for _, t := range terms {
		ps := p.postings[t]
		for _, j := range ps[max(0, len(ps)-localScan):] {
			if p.facts[j].Topic == topic {
				hits[j]++
			}
		}
	}
	js := make([]int, 0, len(hits))
	for j := range hits {
		js = append(js, j)
	}
	sort.Slice(js, func(a, b int) bool {
		if hits[js[a]] != hits[js[b]] {
			return hits[js[a]] > hits[js[b]]
		}
		return js[a] > js[b]
	})
	out := make([]memory.Memory, 0, min(limit, len(js)))
	for _, j := range js[:min(limit, len(js))] {
		out = append(out, p.facts[j])
	}
	return out
}

// add indexes fact number index of the run's step (its position in the batch), the part's next.
func (p *partIndex) add(index int, f *memory.Fact, terms []string) {
	j := len(p.facts)
	id := memoryID(p.runUUID, p.step, index, f.Content).String()
	r := p.run
	p.facts = append(p.facts, memory.Memory{
		ID: id, Content: f.Content, Topic: f.Topic, Group: r.Group, UserID: r.UserID, Properties: r.Properties,
		Sources: f.Sources, CreatedAt: p.now, UpdatedAt: p.now, EventTime: f.EventTime, Version: 1, ExpiresAt: r.ExpiresAt,
	})
	p.byID[id] = j
	for _, t := range terms {
		p.postings[t] = append(p.postings[t], j)
	}
}

// local returns the position within the part of the fact whose memory has ID id, if it is one.
func (p *partIndex) local(id string) (int, bool) {
	j, ok := p.byID[id]
	return j, ok
}
