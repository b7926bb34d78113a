package buffer

import "time"

// Info describes one non-empty buffer, as Engine.Buffers.List shows it.
type Info struct {
	// Step is the index of the buffer step in the pipeline; StepName its name.
	Step     int    `json:"step"`
	StepName string `json:"step_name"`
	// The buffer's scope: items of another group, user or set of properties are in another buffer.
	Group      string            `json:"group"`
	UserID     string            `json:"user_id,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	// Items is how many items wait in the buffer, from Runs runs, all in_buffer.
	Items int `json:"items"`
	Runs  int `json:"runs"`
	// FirstItemAt and LastItemAt are when the oldest and the newest item arrived.
	FirstItemAt time.Time `json:"first_item_at"`
	LastItemAt  time.Time `json:"last_item_at"`
	// FiresAt is when a time condition of the trigger fires the buffer; zero if it has none (it then
	// fires on its count, or on Flush).
	FiresAt time.Time `json:"fires_at,omitzero"`
	// Active is false when the engine's pipeline has no buffer step at Step (the file was opened
	// with another pipeline than the runs were added with): the runs stay parked, safe, until the
	// file is opened with a pipeline that has one, and neither triggers nor Flush fire it.
	Active bool `json:"active"`
}
