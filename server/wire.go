package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
)

// The request and response bodies, shaped as the spec's schemas (engram-openapi.json). Every list a
// response carries is [] when empty, never null: Engram's SDK fails on null.

// createRequest is CreateMemoryRequest, plus conversation_id, which the official SDK still sends.
type createRequest struct {
	Schema         string            `json:"$schema"`
	Input          *inputBody        `json:"input"`
	UserID         string            `json:"user_id"`
	Group          string            `json:"group"`
	Properties     map[string]string `json:"properties"`
	Root           string            `json:"root"`
	ConversationID string            `json:"conversation_id"`
}

// inputBody is Input: exactly one of its fields is set.
type inputBody struct {
	String       *stringInput       `json:"string"`
	PreExtracted *preExtractedInput `json:"pre_extracted"`
	Conversation *conversationInput `json:"conversation"`
}

type stringInput struct {
	Content []string `json:"content"`
}

type preExtractedInput struct {
	Items []struct {
		Content string `json:"content"`
		Topic   string `json:"topic"`
	} `json:"items"`
}

type conversationInput struct {
	Messages  []messageInput `json:"messages"`
	Metadata  map[string]any `json:"metadata"`
	CreatedAt time.Time      `json:"created_at"`
	UpdatedAt time.Time      `json:"updated_at"`
}

// messageInput is MessageInput. Tool calls are accepted and not remembered: mnemo keeps what was said.
type messageInput struct {
	Role       string            `json:"role"`
	Content    string            `json:"content"`
	Name       string            `json:"name"`
	CreatedAt  time.Time         `json:"created_at"`
	ToolCallID string            `json:"tool_call_id"`
	ToolCalls  []json.RawMessage `json:"tool_calls"`
}

// mnemoInput turns the request's input into the engine's, or returns the 422 of its first problem.
func (req *createRequest) mnemoInput() (mnemo.Input, *mnemo.AddOptions, *Problem) {
	if req.Root != "" {
		return nil, nil, invalidField("body.root", "not supported: a mnemo server's pipeline is fixed when it starts")
	}
	in := req.Input
	if in == nil {
		return nil, nil, invalidField("body.input", "required")
	}
	set := 0
	for _, ok := range []bool{in.String != nil, in.PreExtracted != nil, in.Conversation != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, nil, invalidField("body.input", "exactly one of string, pre_extracted and conversation must be set")
	}
	opts := &mnemo.AddOptions{UserID: req.UserID, Group: req.Group, Properties: req.Properties}
	if req.ConversationID != "" {
		if _, dup := req.Properties["conversation_id"]; dup && req.Properties["conversation_id"] != req.ConversationID {
			return nil, nil, invalidField("body.conversation_id", "differs from properties.conversation_id")
		}
		opts.Properties = make(map[string]string, len(req.Properties)+1)
		for k, v := range req.Properties {
			opts.Properties[k] = v
		}
		opts.Properties["conversation_id"] = req.ConversationID
	}
	switch {
	case in.String != nil:
		if in.String.Content == nil {
			return nil, nil, invalidField("body.input.string.content", "required")
		}
		return mnemo.Text(in.String.Content...), opts, nil
	case in.PreExtracted != nil:
		if in.PreExtracted.Items == nil {
			return nil, nil, invalidField("body.input.pre_extracted.items", "required")
		}
		items := make([]mnemo.Item, len(in.PreExtracted.Items))
		for i, it := range in.PreExtracted.Items {
			if it.Topic == "" {
				return nil, nil, invalidField(fmt.Sprintf("body.input.pre_extracted.items[%d].topic", i), "required")
			}
			items[i] = mnemo.Item{Content: it.Content, Topic: it.Topic}
		}
		return mnemo.PreExtracted(items...), opts, nil
	}
	conv := in.Conversation
	if len(conv.Messages) == 0 {
		return nil, nil, invalidField("body.input.conversation.messages", "at least one message is required")
	}
	msgs := make([]mnemo.Message, len(conv.Messages))
	for i, m := range conv.Messages {
		at := m.CreatedAt
		if at.IsZero() {
			at = conv.CreatedAt
		}
		msgs[i] = mnemo.Message{Role: m.Role, Name: m.Name, Content: m.Content, CreatedAt: at}
	}
	if len(conv.Metadata) > 0 {
		opts.Metadata = make(map[string]string, len(conv.Metadata))
		for k, v := range conv.Metadata {
			if s, ok := v.(string); ok {
				opts.Metadata[k] = s
				continue
			}
			b, _ := json.Marshal(v) // it came from JSON: it goes back
			opts.Metadata[k] = string(b)
		}
	}
	return mnemo.Conversation(msgs...), opts, nil
}

// topicFilter is one entry of a listing's or search's topics: a name, or {name, properties}.
type topicFilter struct {
	Name       string             `json:"name"`
	Properties map[string]*string `json:"properties"`
}

// UnmarshalJSON takes either form.
func (t *topicFilter) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &t.Name)
	}
	type plain topicFilter
	return json.Unmarshal(b, (*plain)(t))
}

// scopeRequest is what ListMemoriesRequest and SearchMemoriesRequest share.
type scopeRequest struct {
	Schema         string            `json:"$schema"`
	UserID         string            `json:"user_id"`
	Group          string            `json:"group"`
	Properties     map[string]string `json:"properties"`
	Topics         []topicFilter     `json:"topics"`
	ConversationID string            `json:"conversation_id"`
}

// filter returns the scope's properties (conversation_id among them) and topic names. A per-topic
// property filter is refused: the engine filters every topic by the same properties.
func (r *scopeRequest) filter() (map[string]string, []string, *Problem) {
	var topics []string
	for i, t := range r.Topics {
		if t.Name == "" {
			return nil, nil, invalidField(fmt.Sprintf("body.topics[%d].name", i), "required")
		}
		if len(t.Properties) > 0 {
			return nil, nil, invalidField(fmt.Sprintf("body.topics[%d].properties", i),
				"per-topic property filters are not supported by mnemo; use the top-level properties")
		}
		topics = append(topics, t.Name)
	}
	props := r.Properties
	if r.ConversationID != "" {
		props = make(map[string]string, len(r.Properties)+1)
		for k, v := range r.Properties {
			props[k] = v
		}
		props["conversation_id"] = r.ConversationID
	}
	return props, topics, nil
}

// listRequest is ListMemoriesRequest.
type listRequest struct {
	scopeRequest
	Limit *int `json:"limit"`
}

// searchRequest is SearchMemoriesRequest.
type searchRequest struct {
	scopeRequest
	Query           *string          `json:"query"`
	RetrievalConfig *retrievalConfig `json:"retrieval_config"`
}

// retrievalConfig is RetrievalConfigDTO. A null limit, which the SDK may send, is the default.
type retrievalConfig struct {
	RetrievalType *string `json:"retrieval_type"`
	Limit         *int    `json:"limit"`
}

// The limits of the spec's listings and searches.
const (
	defaultListLimit   = 20
	defaultSearchLimit = 10
	maxLimit           = 100
)

// limit checks a request's limit: nil is def, else 1 to maxLimit.
func limit(n *int, def int, location string) (int, *Problem) {
	switch {
	case n == nil:
		return def, nil
	case *n < 1 || *n > maxLimit:
		return 0, invalidField(location, fmt.Sprintf("%d is outside 1..%d", *n, maxLimit))
	}
	return *n, nil
}

// mode maps retrieval_type to the engine's search mode.
func (c *retrievalConfig) mode() (mnemo.SearchMode, *Problem) {
	if c == nil {
		return mnemo.Hybrid, nil
	}
	if c.RetrievalType == nil {
		return "", invalidField("body.retrieval_config.retrieval_type", "required")
	}
	switch t := strings.ToLower(*c.RetrievalType); t {
	case "vector", "bm25", "hybrid":
		return mnemo.SearchMode(t), nil
	}
	return "", invalidField("body.retrieval_config.retrieval_type", fmt.Sprintf("%q is none of vector, bm25 and hybrid", *c.RetrievalType))
}

// runOutput is RunOutput, the answer to POST /v1/memories.
type runOutput struct {
	RunID  string `json:"run_id"`
	Status string `json:"status"`
	Error  string `json:"error,omitempty"`
}

// memoryOut is Memory. Score is set in search results only.
type memoryOut struct {
	ID         string            `json:"id"`
	ProjectID  string            `json:"project_id"`
	Content    string            `json:"content"`
	Topic      string            `json:"topic"`
	Group      string            `json:"group"`
	UserID     string            `json:"user_id,omitempty"`
	Properties map[string]string `json:"properties"`
	Score      *float64          `json:"score,omitempty"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
}

// memoryList is MemoryList. Total is the number of memories returned, as the spec says.
type memoryList struct {
	Memories []memoryOut `json:"memories"`
	Total    int         `json:"total"`
}

func (s *server) memoryOut(m *mnemo.Memory) memoryOut {
	props := m.Properties
	if props == nil {
		props = map[string]string{}
	}
	return memoryOut{
		ID: m.ID, ProjectID: s.opts.ProjectID, Content: m.Content, Topic: m.Topic, Group: m.Group, UserID: m.UserID,
		Properties: props, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
	}
}

// runOut is Run, in Engram's vocabulary (see EngramStatus).
type runOut struct {
	RunID               string       `json:"run_id"`
	Status              string       `json:"status"`
	GroupID             string       `json:"group_id"`
	StartingStep        int          `json:"starting_step"`
	InputType           string       `json:"input_type"`
	UserID              string       `json:"user_id,omitempty"`
	Error               string       `json:"error,omitempty"`
	CommittedOperations committedOps `json:"committed_operations"`
	CreatedAt           time.Time    `json:"created_at"`
	UpdatedAt           time.Time    `json:"updated_at"`
}

// committedOps is CommittedOperationsDTO: three lists, each [] when empty.
type committedOps struct {
	Created []committedOp `json:"created"`
	Updated []committedOp `json:"updated"`
	Deleted []committedOp `json:"deleted"`
}

// committedOp is CommittedOperationDTO.
type committedOp struct {
	MemoryID    string `json:"memory_id"`
	CommittedAt string `json:"committed_at"`
}

func ops(in []mnemo.Operation) []committedOp {
	out := make([]committedOp, len(in))
	for i, op := range in {
		out[i] = committedOp{MemoryID: op.MemoryID, CommittedAt: op.CommittedAt.UTC().Format(time.RFC3339Nano)}
	}
	return out
}

func engramRun(r *mnemo.Run) runOut {
	return runOut{
		RunID: r.ID, Status: EngramStatus(r.Status), GroupID: r.Group, StartingStep: r.StartingStep,
		InputType: string(r.InputType), UserID: r.UserID, Error: r.Error,
		CommittedOperations: committedOps{
			Created: ops(r.CommittedOperations.Created),
			Updated: ops(r.CommittedOperations.Updated),
			Deleted: ops(r.CommittedOperations.Deleted),
		},
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
}

// ingestionOut is the Synap-style status of GET /v1/ingestions/{run_id}.
type ingestionOut struct {
	IngestionID     string   `json:"ingestion_id"`
	Status          string   `json:"status"`
	MemoriesCreated int      `json:"memories_created"`
	MemoryIDs       []string `json:"memory_ids"`
	ErrorMessage    *string  `json:"error_message"`
}

func ingestion(r *mnemo.Run) ingestionOut {
	out := ingestionOut{
		IngestionID: r.ID, Status: SynapStatus(r.Status), MemoriesCreated: r.MemoriesCreated, MemoryIDs: r.MemoryIDs,
	}
	if out.MemoryIDs == nil {
		out.MemoryIDs = []string{}
	}
	if r.Error != "" {
		out.ErrorMessage = &r.Error
	}
	return out
}
