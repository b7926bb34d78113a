package pipeline

import (
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

// Payload is an add's input as it is stored in the file beside its run. The list that matches Type
// is set; the others are empty.
type Payload struct {
	Type     status.InputType `json:"type"`
	Texts    []string         `json:"texts,omitempty"`
	Messages []memory.Message `json:"messages,omitempty"`
	Items    []memory.Item    `json:"items,omitempty"`
}
