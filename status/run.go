package status

import (
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// InputType names the kind of input a run was added with.
type InputType string

// The input types. Each enters the pipeline at its own step: pre-extracted input skips extraction.
const (
	InputString       InputType = "string"
	InputConversation InputType = "conversation"
	InputPreExtracted InputType = "pre_extracted"
	InputFile         InputType = "file"
)

// Valid reports whether t is one of the known input types.
func (t InputType) Valid() bool {
	switch t {
	case InputString, InputConversation, InputPreExtracted, InputFile:
		return true
	}
	return false
}

// Operation is one memory change a run committed.
type Operation struct {
	MemoryID    string    `json:"memory_id"`
	CommittedAt time.Time `json:"committed_at"`
}

// Operations groups a run's committed memory changes by kind, as Engram's committed_operations does.
type Operations struct {
	Created []Operation `json:"created"`
	Updated []Operation `json:"updated"`
	Deleted []Operation `json:"deleted"`
}

// Clone returns a copy of o that shares no list with it.
func (o Operations) Clone() Operations {
	return Operations{Created: slices.Clone(o.Created), Updated: slices.Clone(o.Updated), Deleted: slices.Clone(o.Deleted)}
}

// Len is the number of operations of every kind.
func (o Operations) Len() int { return len(o.Created) + len(o.Updated) + len(o.Deleted) }

// MarshalJSON writes empty lists as [] rather than null: clients of hosted services fail on null.
func (o Operations) MarshalJSON() ([]byte, error) {
	type plain Operations
	return json.Marshal(plain{Created: orEmpty(o.Created), Updated: orEmpty(o.Updated), Deleted: orEmpty(o.Deleted)})
}

// Run is one add: its input's journey through the pipeline and its outcome. It carries both Engram's
// vocabulary (CommittedOperations, StartingStep) and Synap's (MemoriesCreated, MemoryIDs).
type Run struct {
	// ID is a time-ordered UUID (version 7), so runs sort by creation.
	ID         string            `json:"run_id"`
	Status     Status            `json:"status"`
	Group      string            `json:"group"`
	UserID     string            `json:"user_id,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// DocumentID is the add's idempotency key, if it had one.
	DocumentID string `json:"document_id,omitempty"`
	// Metadata labels every memory the run creates.
	Metadata  map[string]string `json:"metadata,omitempty"`
	InputType InputType         `json:"input_type"`
	// Steps names the pipeline's steps as they were when the run was added.
	Steps []string `json:"steps"`
	// StartingStep is the index of the step the input entered at.
	StartingStep int `json:"starting_step"`
	// Step is the index of the step the run is at, or len(Steps) once every step has finished.
	Step int `json:"step"`
	// Attempts counts the workers that stored progress on the run: more than one means it was resumed.
	Attempts            int        `json:"attempts"`
	CommittedOperations Operations `json:"committed_operations"`
	// MemoriesCreated and MemoryIDs count and name the memories created so far; they are kept current
	// while the run is running, not only at the end.
	MemoriesCreated int      `json:"memories_created"`
	MemoryIDs       []string `json:"memory_ids"`
	// Error says why the run failed, or which inputs failed in a partial success.
	Error       string    `json:"error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	CompletedAt time.Time `json:"completed_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at"`
	// ExpiresAt, when set, is when the memories the run creates expire (see AddOptions.ExpiresAt).
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Revision grows with every stored change, by one for each edge of the state machine the change
	// takes; updates are compare-and-set on it.
	Revision int64 `json:"revision"`
}

// MarshalJSON writes empty lists as [] rather than null.
func (r Run) MarshalJSON() ([]byte, error) {
	type plain Run
	p := plain(r)
	p.MemoryIDs = orEmpty(p.MemoryIDs)
	p.Steps = orEmpty(p.Steps)
	return json.Marshal(p)
}

// DeriveCreated sets MemoriesCreated and MemoryIDs from CommittedOperations.Created, of which they are
// views. The store calls it whenever it writes a run, so the three never disagree.
func (r *Run) DeriveCreated() {
	created := r.CommittedOperations.Created
	r.MemoriesCreated = len(created)
	r.MemoryIDs = nil
	if len(created) > 0 {
		r.MemoryIDs = make([]string, len(created))
		for i, op := range created {
			r.MemoryIDs[i] = op.MemoryID
		}
	}
}

// Clone returns a deep copy of r, so a caller may change it without touching shared state.
func (r Run) Clone() Run {
	c := r
	c.Properties = maps.Clone(r.Properties)
	c.Metadata = maps.Clone(r.Metadata)
	c.Steps = slices.Clone(r.Steps)
	c.MemoryIDs = slices.Clone(r.MemoryIDs)
	c.CommittedOperations = r.CommittedOperations.Clone()
	return c
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
