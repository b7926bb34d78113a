package memory

import "time"

// The operations a memory's history records.
const (
	ChangeCreate    = "create"
	ChangeUpdate    = "update"
	ChangeSupersede = "supersede"
	ChangeDelete    = "delete"
)

// Change is one entry of a memory's history: what changed it, when, and its content before and after.
type Change struct {
	MemoryID string `json:"memory_id"`
	// Operation is ChangeCreate, ChangeUpdate, ChangeSupersede or ChangeDelete.
	Operation string `json:"operation"`
	// OldContent is the content before the change (empty for a create); NewContent after it (for a
	// supersede, the content of the memory that superseded it; empty for a delete).
	OldContent string `json:"old_content,omitempty"`
	NewContent string `json:"new_content,omitempty"`
	// SupersededBy names the successor, for a supersede.
	SupersededBy string `json:"superseded_by,omitempty"`
	// RunID is the run that made the change, or "api" for a call of the application's.
	RunID string `json:"run_id"`
	// Version is the memory's version after the change.
	Version int `json:"version"`
	// Reason says why, where the change was a reconciler's decision.
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

// ChangeByAPI is the RunID of a change the application made by a call (Update, Delete).
const ChangeByAPI = "api"
