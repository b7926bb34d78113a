package memory

import "time"

// Message is one turn of a conversation, in OpenAI's chat shape.
type Message struct {
	// ID identifies the message; memories drawn from it name it in their Sources.
	ID string `json:"id,omitempty"`
	// Role is one of RoleUser, RoleAssistant, RoleSystem, RoleTool or RoleDeveloper.
	Role string `json:"role"`
	// Name is the speaker's name; when empty, the speaker is named after the role (or the run's user).
	Name    string `json:"name,omitempty"`
	Content string `json:"content"`
	// CreatedAt is when the message was sent; it becomes the EventTime of memories drawn from it.
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Item is one pre-extracted fact, stored as given (after normalisation and de-duplication).
type Item struct {
	Content string `json:"content"`
	Topic   string `json:"topic,omitempty"`
}

// The chat roles a Message may carry. As in Engram, tool messages count as the user's and developer
// messages as the system's.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
	RoleSystem    = "system"
	RoleTool      = "tool"
	RoleDeveloper = "developer"
)

// ValidRole reports whether role is one of the chat roles.
func ValidRole(role string) bool {
	switch role {
	case RoleUser, RoleAssistant, RoleSystem, RoleTool, RoleDeveloper:
		return true
	}
	return false
}
