package rules

import (
	"strings"

	"github.com/mnemohq/mnemo/memory"
)

// The speakers named when a message has no Name (and, for the user, the run has no UserID).
const (
	userSpeaker      = "User"
	assistantSpeaker = "Assistant"
	systemSpeaker    = "System"
)

// speaker names who said m: its Name; failing that the run's user for user and tool messages (and
// messages of unknown role), "Assistant" for the assistant, and "System" for system and developer
// messages. Names are trimmed, their inner whitespace collapsed and invalid UTF-8 replaced, so that
// a fact's content is always valid, single-line text.
func speaker(m memory.Message, userID string) string {
	if name := cleanName(m.Name); name != "" {
		return name
	}
	switch {
	case m.Role == memory.RoleAssistant:
		return assistantSpeaker
	case isSystem(m.Role):
		return systemSpeaker
	}
	if user := cleanName(userID); user != "" {
		return user
	}
	return userSpeaker
}

// isSystem reports whether role gives the assistant instructions rather than conversation.
func isSystem(role string) bool {
	return role == memory.RoleSystem || role == memory.RoleDeveloper
}

func cleanName(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "\uFFFD")), " ")
}
