package mnemo

import (
	"context"
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/store"
)

// UpdateOptions tunes Memories.Update. The zero value changes the content only.
type UpdateOptions struct {
	// ExpiresAt, when set, is the memory's new expiry; NoExpiry removes the one it has.
	ExpiresAt time.Time
	NoExpiry  bool
}

// PurgeReport says what Memories.PurgeUser erased.
type PurgeReport struct {
	Runs     int `json:"runs"`
	Memories int `json:"memories"`
}

// Update replaces a memory's content in place: its ID, place in its scope and creation time stay,
// its Version grows, and its history records the change (with RunID "api"). It returns the memory
// as it now is, or an error wrapping ErrNotFound (no such memory), ErrConflict (the memory is
// superseded, or another memory of its scope has this content), or ErrInvalidInput. An update that
// changes nothing (the same content and expiry) writes nothing and returns the memory as it is.
func (s *MemoryService) Update(ctx context.Context, id, content string, opts *UpdateOptions) (*Memory, error) {
	if err := s.e.beginWrite(ctx); err != nil {
		return nil, err
	}
	var o UpdateOptions
	if opts != nil {
		o = *opts
	}
	if err := checkText("content", content, false); err != nil {
		return nil, err
	}
	if len(content) > MaxInputBytes {
		return nil, invalid("content", "%d bytes exceed the limit of %d", len(content), MaxInputBytes)
	}
	if err := checkTime("expires_at", o.ExpiresAt); err != nil {
		return nil, err
	}
	if o.NoExpiry && !o.ExpiresAt.IsZero() {
		return nil, invalid("expires_at", "set with NoExpiry")
	}
	var vec []float32
	if s.e.opts.Embedder != nil {
		var err error
		if vec, err = s.e.embedOne(ctx, content); err != nil {
			return nil, fmt.Errorf("embed the content: %w", err)
		}
	}
	m, err := s.e.store.UpdateMemory(&store.MemoryUpdate{
		ID: id, Expect: -1, Content: content, Vector: vec, ExpiresAt: o.ExpiresAt.UTC().Round(0), NoExpiry: o.NoExpiry,
		RunID: ChangeByAPI, Now: s.e.now(),
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// History returns every change of a memory, oldest first: its creation, updates, supersession and
// deletion, each with its content before and after, the run that made it (or "api") and its time. A
// deleted memory keeps its history; a purged one has none: ErrNotFound.
func (s *MemoryService) History(ctx context.Context, id string) ([]Change, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	return s.e.store.History(id)
}

// Purge removes a memory and its history for good, or returns an error wrapping ErrNotFound if
// there is neither.
func (s *MemoryService) Purge(ctx context.Context, id string) error {
	if err := s.e.beginWrite(ctx); err != nil {
		return err
	}
	return s.e.store.PurgeMemory(id)
}

// PurgeUser erases everything of one user in a group (DefaultGroup when empty), for good: every
// memory with its history, every run with its input, the items of its buffers. It is the right to be
// forgotten. It works in bounded transactions and survives a crash: the next Open finishes it. While
// it runs, an Add for the user fails with ErrConflict. A run of the user a worker is processing stops
// at its next write.
func (s *MemoryService) PurgeUser(ctx context.Context, group, userID string) (PurgeReport, error) {
	if err := s.e.beginWrite(ctx); err != nil {
		return PurgeReport{}, err
	}
	if group == "" {
		group = DefaultGroup
	}
	if err := checkLabel("group", group, true); err != nil {
		return PurgeReport{}, err
	}
	if err := checkLabel("user_id", userID, false); err != nil {
		return PurgeReport{}, err
	}
	rep, err := s.e.store.PurgeUser(group, userID)
	return PurgeReport{Runs: rep.Runs, Memories: rep.Memories}, err
}
