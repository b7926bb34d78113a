package mnemo

import (
	"context"
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/store"
)

// AddOptions scopes and labels an add. The zero value adds to DefaultGroup with no user.
type AddOptions struct {
	// UserID scopes the memories to a user. It compares case-insensitively, as in Engram.
	UserID string
	// Group scopes the memories to a group; DefaultGroup when empty.
	Group string
	// Properties are custom scope keys, such as conversation_id: memories carry them, and listings
	// filter on them.
	Properties map[string]string
	// DocumentID is an idempotency key within the group and user: adding it again fails with an
	// error wrapping ErrConflict that names the run which added it first.
	DocumentID string
	// Metadata labels every memory the add creates (stored once for the add, not once per memory).
	Metadata map[string]string
	// ExpiresAt, when set, is when the memories the add creates expire: from then on listings (and
	// searches) leave them out; they stay stored until purged.
	ExpiresAt time.Time
}

// ListOptions selects a page of memories. Group and UserID name one scope, strictly: memories of
// another group or user never appear (an empty UserID is the scope of memories with no user; an empty
// Group is DefaultGroup). Properties must all match; Topics, when given, must include the memory's.
type ListOptions struct {
	UserID     string
	Group      string
	Properties map[string]string
	Topics     []string
	// Limit is the page size: DefaultListLimit when 0, at most MaxListLimit.
	Limit int
	// Cursor is the Next of the previous page; empty for the first.
	Cursor string
	// IncludeSuperseded lists memories superseded by later ones too (see Memory.SupersededBy);
	// expired memories are left out either way.
	IncludeSuperseded bool
}

// MemoryPage is one page of memories, in the order they were committed.
type MemoryPage struct {
	Memories []Memory `json:"memories"`
	// Total is how many memories match the listing, across every page: counted for its first page
	// and carried by the cursors to the next ones, so that every page of a listing gives the same
	// total and paging through a scope reads it once. (Without a filter it counts index entries: a
	// damaged memory, which the pages skip, is counted.)
	Total int `json:"total"`
	// Next is the cursor of the next page; empty on the last page.
	Next string `json:"next,omitempty"`
}

// MemoryService is the engine's memories: Engine.Memories.
type MemoryService struct{ e *Engine }

// Add records input for extraction and returns its run at once, status queued. It returns only
// after the run and its input are durably committed to the file (concurrent adds share one commit),
// so an accepted run is never lost: if the process dies, the next Open resumes it. Follow the run
// with Engine.Runs. Once the run is handed to the writer, Add waits for the commit even if ctx ends,
// so that its answer is truthful: an error means the run was not recorded.
//
// Errors wrap ErrInvalidInput (a FieldError naming the field) for bad input or options, ErrConflict
// for a DocumentID already added in the scope, ErrStorage when the file could not take the run (a
// full disk: nothing was stored), ErrReadOnly on a read-only engine, and ErrClosed after Close.
func (s *MemoryService) Add(ctx context.Context, in Input, opts *AddOptions) (*Run, error) {
	e := s.e
	if err := e.beginWrite(ctx); err != nil {
		return nil, err
	}
	a, err := e.prepareAdd(in, opts)
	if err != nil {
		return nil, err
	}
	if err := e.stage(a); err != nil {
		return nil, fmt.Errorf("add: %w", err)
	}
	run, err := e.store.CreateRun(a.run, a.payload.Encode())
	if err != nil {
		a.drop(e)
		return nil, fmt.Errorf("add: %w", err)
	}
	e.exec.Enqueue(run.ID)
	return &run, nil
}

// Get returns the memory with the given ID, or an error wrapping ErrNotFound.
func (s *MemoryService) Get(ctx context.Context, id string) (*Memory, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	m, err := s.e.store.Memory(id)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// List returns a page of the memories of one scope, oldest first, with the total that match.
func (s *MemoryService) List(ctx context.Context, opts *ListOptions) (*MemoryPage, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if err := checkPage(&o.Limit); err != nil {
		return nil, err
	}
	if err := checkLabel("cursor", o.Cursor, false); err != nil {
		return nil, err
	}
	if err := checkFilter(o.Group, o.UserID, o.Properties, o.Topics); err != nil {
		return nil, err
	}
	page, err := s.e.store.ListMemories(store.MemoryFilter{
		Scope: store.Scope{Group: o.Group, UserID: o.UserID}, Properties: o.Properties, Topics: o.Topics,
		Now: s.e.now(), IncludeSuperseded: o.IncludeSuperseded,
	}, o.Cursor, o.Limit)
	if err != nil {
		return nil, err
	}
	if page.Memories == nil {
		page.Memories = []Memory{}
	}
	return &MemoryPage{Memories: page.Memories, Total: page.Total, Next: page.Next}, nil
}

// Delete removes the memory with the given ID, or returns an error wrapping ErrNotFound. Its
// history stays, ending with the deletion (RunID "api"); Purge removes it for good.
func (s *MemoryService) Delete(ctx context.Context, id string) error {
	if err := s.e.beginWrite(ctx); err != nil {
		return err
	}
	return s.e.store.DeleteMemory(id, ChangeByAPI, s.e.now())
}
