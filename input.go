package mnemo

import (
	"slices"

	"github.com/mnemohq/mnemo/pipeline"
)

// Input is what an add carries. Make one with Text, Conversation, PreExtracted or File.
type Input interface {
	// Type is the input's type as runs record it.
	Type() InputType
	payload() pipeline.Payload
}

// Text returns an input of one or more texts (input type "string"). Each text is extracted on its
// own; memories name its index in Source.Input.
func Text(contents ...string) Input { return textInput(slices.Clone(contents)) }

// Conversation returns an input of chat messages (input type "conversation"). Memories say who said
// them and name the messages they came from; a message's CreatedAt becomes their EventTime.
func Conversation(msgs ...Message) Input {
	c := slices.Clone(msgs)
	for i := range c {
		c[i].CreatedAt = c[i].CreatedAt.UTC().Round(0) // as stored, so what Add returns equals what Get reads
	}
	return conversationInput(c)
}

// PreExtracted returns an input of facts already extracted (input type "pre_extracted"). It skips the
// extract step and enters the pipeline at the step after it.
func PreExtracted(items ...Item) Input { return preExtractedInput(slices.Clone(items)) }

type textInput []string

func (textInput) Type() InputType { return InputString }
func (t textInput) payload() pipeline.Payload {
	return pipeline.Payload{Type: InputString, Texts: t}
}

type conversationInput []Message

func (conversationInput) Type() InputType { return InputConversation }
func (c conversationInput) payload() pipeline.Payload {
	return pipeline.Payload{Type: InputConversation, Messages: c}
}

type preExtractedInput []Item

func (preExtractedInput) Type() InputType { return InputPreExtracted }
func (p preExtractedInput) payload() pipeline.Payload {
	return pipeline.Payload{Type: InputPreExtracted, Items: p}
}
