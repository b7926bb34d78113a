// Package memory holds mnemo's memory model: the stored Memory, where it came from (Source), and the
// shapes of what goes in (Message, Item) and what extraction produces (Fact). It is a leaf package so
// that the engine, the pipeline and the store can share these types; the root package aliases them.
package memory

import (
	"maps"
	"slices"
	"time"
)

// Memory is one stored fact, scoped to a group, an optional user and optional custom properties.
type Memory struct {
	ID         string            `json:"id"`
	Content    string            `json:"content"`
	Topic      string            `json:"topic,omitempty"`
	Group      string            `json:"group"`
	UserID     string            `json:"user_id,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	// Sources name the runs, inputs and messages the memory was drawn from.
	Sources   []Source  `json:"sources"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// EventTime is when the remembered thing was said or happened, where the input told us; zero
	// when it is unknown.
	EventTime time.Time `json:"event_time,omitzero"`
	// Version starts at 1 and grows with every change of the memory: an update, its supersession.
	Version int `json:"version"`
	// ExpiresAt, when set, is when the memory expires: from then on listings (and searches) leave it
	// out; it stays stored, readable by ID, until purged.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// SupersededBy is the ID of the memory that contradicted this one, and SupersededAt when: a
	// superseded memory stays readable by ID, and listings leave it out unless asked.
	SupersededBy string    `json:"superseded_by,omitempty"`
	SupersededAt time.Time `json:"superseded_at,omitzero"`
}

// Hidden reports whether listings leave m out by default at time now: superseded, or expired.
func (m *Memory) Hidden(now time.Time) bool {
	return m.SupersededBy != "" || (!m.ExpiresAt.IsZero() && !now.Before(m.ExpiresAt))
}

// Clone returns a deep copy of m.
func (m Memory) Clone() Memory {
	c := m
	c.Properties = maps.Clone(m.Properties)
	c.Metadata = maps.Clone(m.Metadata)
	c.Sources = slices.Clone(m.Sources)
	return c
}

// Source names where a memory came from: the run, the index of the input within it (the content's
// index for text, the message's index for a conversation, the item's index for pre-extracted input,
// the chunk's index for a file, or the message's for a chat export), and for a conversation the ID
// of the message. A memory extracted from a file also names the file, the chunk (counted from 1)
// and, for a PDF, the page the chunk starts on (counted from 1).
type Source struct {
	RunID     string `json:"run_id"`
	Input     int    `json:"input"`
	MessageID string `json:"message_id,omitempty"`
	File      string `json:"file,omitempty"`
	Chunk     int    `json:"chunk,omitempty"`
	Page      int    `json:"page,omitempty"`
}

// Fact is a candidate memory produced by extraction and refined by the transform step.
type Fact struct {
	Content   string    `json:"content"`
	Topic     string    `json:"topic,omitempty"`
	Sources   []Source  `json:"sources,omitempty"`
	EventTime time.Time `json:"event_time,omitzero"`
}
