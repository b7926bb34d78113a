package mnemo

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
)

// checkContext refuses a nil context: every call that can block takes one.
func checkContext(ctx context.Context) error {
	if ctx == nil {
		return invalid("ctx", "nil context")
	}
	return ctx.Err()
}

// checkText checks a content: valid UTF-8 and, unless empty is allowed, not blank.
func checkText(field, s string, allowEmpty bool) error {
	if !utf8.ValidString(s) {
		return invalid(field, "not valid UTF-8")
	}
	if !allowEmpty && strings.TrimSpace(s) == "" {
		return invalid(field, "empty")
	}
	return nil
}

// checkLabel checks an identifier or label: valid UTF-8, within MaxFieldBytes, and (when required)
// not blank.
func checkLabel(field, s string, required bool) error {
	switch {
	case !utf8.ValidString(s):
		return invalid(field, "not valid UTF-8")
	case len(s) > MaxFieldBytes:
		return invalid(field, "%d bytes exceed the limit of %d", len(s), MaxFieldBytes)
	case required && strings.TrimSpace(s) == "":
		return invalid(field, "empty")
	}
	return nil
}

// checkFilter checks the scope and filters of a listing or a search.
func checkFilter(group, userID string, properties map[string]string, topics []string) error {
	if err := checkLabel("group", group, false); err != nil {
		return err
	}
	if err := checkLabel("user_id", userID, false); err != nil {
		return err
	}
	if err := checkProperties("properties", properties); err != nil {
		return err
	}
	for i, t := range topics {
		if err := checkLabel(fmt.Sprintf("topics[%d]", i), t, false); err != nil {
			return err
		}
	}
	return nil
}

func checkProperties(field string, m map[string]string) error {
	if len(m) > MaxMapEntries {
		return invalid(field, "%d entries exceed the limit of %d", len(m), MaxMapEntries)
	}
	for k, v := range m {
		if err := checkLabel(field+" key", k, true); err != nil {
			return err
		}
		if err := checkLabel(fmt.Sprintf("%s[%q]", field, k), v, false); err != nil {
			return err
		}
	}
	return nil
}

func checkMetadata(m map[string]string) error {
	if len(m) > MaxMapEntries {
		return invalid("metadata", "%d entries exceed the limit of %d", len(m), MaxMapEntries)
	}
	size := 0
	for k, v := range m {
		if err := checkLabel("metadata key", k, true); err != nil {
			return err
		}
		if err := checkText(fmt.Sprintf("metadata[%q]", k), v, true); err != nil {
			return err
		}
		size += len(k) + len(v)
	}
	if size > MaxMetadataBytes {
		return invalid("metadata", "%d bytes exceed the limit of %d", size, MaxMetadataBytes)
	}
	return nil
}

// inputField names an input type's list, the field a problem with the whole input is reported on.
func inputField(t InputType) string {
	return map[InputType]string{InputString: "contents", InputConversation: "messages", InputPreExtracted: "items", InputFile: "file"}[t]
}

// checkPayload checks an input's parts and returns the first problem found. (Its size is checked
// with the options', by checkSize.)
func checkPayload(p *pipeline.Payload) error {
	var parts int
	switch p.Type {
	case InputString:
		parts = len(p.Texts)
		for i, t := range p.Texts {
			if err := checkText(fmt.Sprintf("contents[%d]", i), t, false); err != nil {
				return err
			}
		}
	case InputConversation:
		parts = len(p.Messages)
		if err := checkMessages(p.Messages); err != nil {
			return err
		}
	case InputPreExtracted:
		parts = len(p.Items)
		for i, it := range p.Items {
			if err := checkText(fmt.Sprintf("items[%d].content", i), it.Content, false); err != nil {
				return err
			}
			if err := checkLabel(fmt.Sprintf("items[%d].topic", i), it.Topic, false); err != nil {
				return err
			}
		}
	case InputFile:
		parts = 1
		switch path := p.File.Path; {
		case path == "":
			return invalid("file", "empty path")
		case !utf8.ValidString(path):
			return invalid("file", "path not valid UTF-8")
		case len(path) > MaxPathBytes:
			return invalid("file", "path of %d bytes exceeds the limit of %d", len(path), MaxPathBytes)
		}
	default:
		return invalid("input", "unknown input type %q", p.Type)
	}
	switch field := inputField(p.Type); {
	case parts == 0:
		return invalid(field, "at least one is required")
	case parts > MaxInputParts:
		return invalid(field, "%d exceed the limit of %d", parts, MaxInputParts)
	}
	return nil
}

// checkSize counts every byte an add stores (contents, message IDs, roles and names, topics, the
// group, user and document IDs, properties and metadata) against MaxInputBytes.
func checkSize(p *pipeline.Payload, o *AddOptions) error {
	size := len(o.Group) + len(o.UserID) + len(o.DocumentID)
	for _, m := range []map[string]string{o.Properties, o.Metadata} {
		for k, v := range m {
			size += len(k) + len(v)
		}
	}
	for _, t := range p.Texts {
		size += len(t)
	}
	for _, m := range p.Messages {
		size += len(m.ID) + len(m.Role) + len(m.Name) + len(m.Content)
	}
	for _, it := range p.Items {
		size += len(it.Content) + len(it.Topic)
	}
	if p.File != nil {
		size += len(p.File.Path) // the file's bytes have their own limit, MaxFileBytes
	}
	if size > MaxInputBytes {
		return invalid(inputField(p.Type), "%d bytes exceed the limit of %d for one add (contents, IDs, names, topics, properties and metadata together)", size, MaxInputBytes)
	}
	return nil
}

// checkTime checks that a time the caller passes can be stored and read back exactly: the zero time
// (no time), or a time in the years 1 to 9999.
func checkTime(field string, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	if y := t.UTC().Year(); y < 1 || y > 9999 {
		return invalid(field, "year %d is outside 1..9999", y)
	}
	return nil
}

// checkMessages checks a conversation. Assistant and tool messages may be empty (they may have
// carried only tool calls), but not every message.
func checkMessages(msgs []memory.Message) error {
	size := 0
	ids := make(map[string]int, len(msgs))
	for i, m := range msgs {
		field := fmt.Sprintf("messages[%d]", i)
		if !memory.ValidRole(m.Role) {
			return invalid(field+".role", "unknown role %q (want user, assistant, system, tool or developer)", m.Role)
		}
		emptyOK := m.Role == memory.RoleAssistant || m.Role == memory.RoleTool
		if err := checkText(field+".content", m.Content, emptyOK); err != nil {
			return err
		}
		if err := checkLabel(field+".id", m.ID, false); err != nil {
			return err
		}
		if err := checkLabel(field+".name", m.Name, false); err != nil {
			return err
		}
		if err := checkTime(field+".created_at", m.CreatedAt); err != nil {
			return err
		}
		if m.ID != "" {
			if j, dup := ids[m.ID]; dup {
				return invalid(field+".id", "%q repeats the ID of messages[%d]", m.ID, j)
			}
			ids[m.ID] = i
		}
		size += len(m.Content)
	}
	if len(msgs) > 0 && size == 0 {
		return invalid("messages", "every message is empty")
	}
	return nil
}

// checkAddOptions checks an add's options and fills in the default group.
func checkAddOptions(o *AddOptions) error {
	if o.Group == "" {
		o.Group = DefaultGroup
	}
	if err := checkLabel("group", o.Group, true); err != nil {
		return err
	}
	if err := checkLabel("user_id", o.UserID, false); err != nil {
		return err
	}
	if err := checkLabel("document_id", o.DocumentID, false); err != nil {
		return err
	}
	if err := checkProperties("properties", o.Properties); err != nil {
		return err
	}
	if err := checkTime("expires_at", o.ExpiresAt); err != nil {
		return err
	}
	return checkMetadata(o.Metadata)
}

// checkPage checks a page size and fills in the default.
func checkPage(limit *int) error {
	switch {
	case *limit == 0:
		*limit = DefaultListLimit
	case *limit < 0 || *limit > MaxListLimit:
		return invalid("limit", "%d is out of range 1..%d", *limit, MaxListLimit)
	}
	return nil
}
