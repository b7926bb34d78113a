package mnemo

import (
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/clock"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/status"
)

// The types a user needs, re-exported so that importing mnemo alone covers the common path.
type (
	// Run is one add's journey through the pipeline; see package status.
	Run = status.Run
	// Status is where a run stands: Queued, Running, InBuffer, Completed, Failed or PartialSuccess.
	Status = status.Status
	// InputType names the kind of input a run was added with.
	InputType = status.InputType
	// Operation is one memory change a run committed.
	Operation = status.Operation
	// Operations groups a run's committed changes into Created, Updated and Deleted.
	Operations = status.Operations

	// Memory is one stored fact; see package memory.
	Memory = memory.Memory
	// Source names the run, input and message a memory came from.
	Source = memory.Source
	// Message is one turn of a conversation, in OpenAI's chat shape.
	Message = memory.Message
	// Item is one pre-extracted fact.
	Item = memory.Item
	// Fact is a candidate memory, as an Extractor returns it.
	Fact = memory.Fact
	// Change is one entry of a memory's history.
	Change = memory.Change

	// Extractor turns an input into candidate facts; see package pipeline.
	Extractor = pipeline.Extractor
	// ExtractRequest is one input handed to an Extractor.
	ExtractRequest = pipeline.ExtractRequest

	// Clock is the engine's source of time; see package clock.
	Clock = clock.Clock

	// Reconciler decides what new facts do to the memories of their scope; see package pipeline.
	Reconciler = pipeline.Reconciler
	// Summarizer folds facts into a topic's summary, for pipeline.Summarize steps.
	Summarizer = pipeline.Summarizer
	// SummarizeRequest is one summary handed to a Summarizer.
	SummarizeRequest = pipeline.SummarizeRequest
	// BufferInfo describes one buffer; see package buffer.
	BufferInfo = buffer.Info
)

// The run statuses.
const (
	Queued         = status.Queued
	Running        = status.Running
	InBuffer       = status.InBuffer
	Completed      = status.Completed
	Failed         = status.Failed
	PartialSuccess = status.PartialSuccess
)

// The input types.
const (
	InputString       = status.InputString
	InputConversation = status.InputConversation
	InputPreExtracted = status.InputPreExtracted
	InputFile         = status.InputFile
)

// ChangeByAPI is the RunID of a change the application made by a call (Update, Delete).
const ChangeByAPI = memory.ChangeByAPI

// The chat roles a Message may carry.
const (
	RoleUser      = memory.RoleUser
	RoleAssistant = memory.RoleAssistant
	RoleSystem    = memory.RoleSystem
	RoleTool      = memory.RoleTool
	RoleDeveloper = memory.RoleDeveloper
)
