package files

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mnemohq/mnemo/memory"
)

// element is one JSON value of a chat export, decoded loosely: a message (role and content, or a
// ChatGPT author and content), or a conversation (messages, or a ChatGPT mapping).
type element struct {
	// A message.
	ID        json.RawMessage `json:"id"`
	Role      json.RawMessage `json:"role"`
	Name      json.RawMessage `json:"name"`
	Author    json.RawMessage `json:"author"`
	Content   json.RawMessage `json:"content"`
	CreatedAt json.RawMessage `json:"created_at"`
	Timestamp json.RawMessage `json:"timestamp"`
	// CreateTime is a message's time, or a ChatGPT conversation's.
	CreateTime json.RawMessage `json:"create_time"`

	// A conversation.
	Messages       json.RawMessage  `json:"messages"`
	Mapping        map[string]*node `json:"mapping"`
	CurrentNode    json.RawMessage  `json:"current_node"`
	Title          json.RawMessage  `json:"title"`
	ConversationID json.RawMessage  `json:"conversation_id"`
}

// node is a node of a ChatGPT export's mapping.
type node struct {
	Parent  json.RawMessage `json:"parent"`
	Message *element        `json:"message"`
}

// chatState windows the messages of one conversation into chunks.
type chatState struct {
	c      *chunker
	conv   string
	window []memory.Message
	bytes  int
}

// add appends m to the window, emitting the window when it is full.
func (s *chatState) add(m memory.Message) error {
	s.window = append(s.window, m)
	s.bytes += len(m.Content)
	if len(s.window) >= MaxChatWindow || s.bytes >= MaxChatWindowBytes {
		return s.flush()
	}
	return nil
}

// flush emits the window, if it holds any message.
func (s *chatState) flush() error {
	if len(s.window) == 0 {
		return nil
	}
	w := s.window
	s.window, s.bytes = nil, 0
	return s.c.emit(Chunk{Messages: w, Conversation: s.conv})
}

// startConversation ends the current conversation and starts one named conv.
func (s *chatState) startConversation(conv string) error {
	if err := s.flush(); err != nil {
		return err
	}
	s.conv = conv
	return nil
}

// splitChat cuts a JSON chat export into windows of messages: a top-level array of messages or of
// conversations (ChatGPT's conversations.json, or objects with "messages"), or one conversation
// object. It decodes one element of the top-level array at a time, and streams the "messages"
// array of a top-level object.
func splitChat(rd io.Reader, c *chunker) error {
	dec := json.NewDecoder(bufio.NewReaderSize(rd, 64<<10))
	dec.UseNumber()
	s := &chatState{c: c}
	tok, err := dec.Token()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return jsonErr(dec, "", err)
	}
	switch tok {
	case json.Delim('['):
		if err := s.array(dec, "", true); err != nil {
			return err
		}
	case json.Delim('{'):
		if err := s.object(dec); err != nil {
			return err
		}
	default:
		return malformed("JSON that is not a chat export: expected an array or an object, found %v", tok)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return malformed("JSON chat export: more than one value, near byte %d", dec.InputOffset())
		}
		return jsonErr(dec, "", err)
	}
	return s.flush()
}

// array reads the elements of an array whose '[' was read: messages, or (top) conversations.
func (s *chatState) array(dec *json.Decoder, path string, top bool) error {
	for i := 0; dec.More(); i++ {
		if i%ctxEvery == 0 {
			if err := s.c.ctx.Err(); err != nil {
				return err
			}
		}
		p := fmt.Sprintf("%s[%d]", path, i)
		var e element
		if err := dec.Decode(&e); err != nil {
			return jsonErr(dec, p, err)
		}
		if err := s.element(&e, p, top); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // ']'
		return jsonErr(dec, path, err)
	}
	return nil
}

// object reads a top-level conversation object whose '{' was read, streaming its "messages".
func (s *chatState) object(dec *json.Decoder) error {
	var (
		rest   = map[string]json.RawMessage{}
		conv   string
		stream bool // messages were streamed
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(dec, "", err)
		}
		key, _ := tok.(string)
		if key == "messages" && !stream {
			tok, err := dec.Token()
			if err != nil {
				return jsonErr(dec, "messages", err)
			}
			if tok != json.Delim('[') {
				return malformed("JSON chat export: messages: expected an array, found %v", tok)
			}
			if err := s.startConversation(conv); err != nil {
				return err
			}
			if err := s.array(dec, "messages", false); err != nil {
				return err
			}
			stream = true
			continue
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return jsonErr(dec, key, err)
		}
		if key == "messages" {
			continue
		}
		rest[key] = v
		switch key {
		case "id", "conversation_id", "title":
			if conv == "" {
				conv = convName(rest)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return jsonErr(dec, "", err)
	}
	if stream {
		return nil
	}
	// Not a messages object: a ChatGPT conversation, or a lone message.
	raw, err := json.Marshal(rest)
	if err != nil {
		return malformed("JSON chat export: %v", err)
	}
	var e element
	if err := json.Unmarshal(raw, &e); err != nil {
		return malformed("JSON chat export: %v", err)
	}
	if e.Mapping == nil && !present(e.Role) && !present(e.Author) {
		return malformed("JSON that is not a chat export: expected an object with \"messages\" or \"mapping\"")
	}
	return s.element(&e, "", true)
}

// convName returns a conversation's name: its ID, or failing that its title.
func convName(fields map[string]json.RawMessage) string {
	for _, k := range []string{"conversation_id", "id", "title"} {
		if v := scalar(fields[k]); v != "" {
			return v
		}
	}
	return ""
}

// element handles one element of an array: a message of the current conversation, or (if
// conversations are allowed) a conversation of its own.
func (s *chatState) element(e *element, path string, conversations bool) error {
	switch {
	case conversations && e.Mapping != nil:
		return s.chatGPT(e, path)
	case conversations && present(e.Messages):
		return s.messages(e, path)
	case present(e.Role) || present(e.Author) || present(e.Content):
		return s.addElement(e, path)
	}
	return malformed("JSON chat export: %s: expected a message (role, content) or a conversation (messages or mapping)", orRoot(path))
}

func orRoot(path string) string {
	if path == "" {
		return "top-level value"
	}
	return path
}

// convName names the conversation that e, a conversation object, holds, as convName does.
func (e *element) convName() string {
	return convName(map[string]json.RawMessage{"conversation_id": e.ConversationID, "id": e.ID, "title": e.Title})
}

// messages handles a conversation object with a "messages" array (decoded in memory).
func (s *chatState) messages(e *element, path string) error {
	if err := s.startConversation(e.convName()); err != nil {
		return err
	}
	var msgs []element
	if err := json.Unmarshal(e.Messages, &msgs); err != nil {
		return malformed("JSON chat export: %s.messages: %v", orRoot(path), plainJSONErr(err))
	}
	for i := range msgs {
		if err := s.addElement(&msgs[i], fmt.Sprintf("%s.messages[%d]", path, i)); err != nil {
			return err
		}
	}
	return s.flush()
}

// chatGPT handles a conversation of ChatGPT's data export: its messages follow the parent chain
// from current_node back to the root, or, without a current node, their create_time.
func (s *chatState) chatGPT(e *element, path string) error {
	if err := s.startConversation(e.convName()); err != nil {
		return err
	}
	var order []string
	if cur := scalar(e.CurrentNode); cur != "" && e.Mapping[cur] != nil {
		seen := map[string]bool{}
		for id := cur; id != "" && !seen[id]; {
			n := e.Mapping[id]
			if n == nil {
				break
			}
			seen[id] = true
			order = append(order, id)
			id = scalar(n.Parent)
		}
		for i, j := 0, len(order)-1; i < j; i, j = i+1, j-1 {
			order[i], order[j] = order[j], order[i]
		}
	} else {
		type timed struct {
			id string
			t  time.Time
		}
		var ts []timed
		for id, n := range e.Mapping {
			if n == nil || n.Message == nil {
				continue
			}
			t, _ := parseTime(n.Message.CreateTime)
			ts = append(ts, timed{id, t})
		}
		sort.Slice(ts, func(i, j int) bool {
			if !ts[i].t.Equal(ts[j].t) {
				return ts[i].t.Before(ts[j].t)
			}
			return ts[i].id < ts[j].id
		})
		for _, t := range ts {
			order = append(order, t.id)
		}
	}
	for _, id := range order {
		n := e.Mapping[id]
		if n == nil || n.Message == nil {
			continue
		}
		if err := s.addElement(n.Message, fmt.Sprintf("%s.mapping[%q].message", path, id)); err != nil {
			return err
		}
	}
	return s.flush()
}

// addElement adds element e (at path) to the conversation as a message, if it has text.
func (s *chatState) addElement(e *element, path string) error {
	m, ok, err := message(e, path)
	if err != nil || !ok {
		return err
	}
	return s.add(m)
}

// message returns e as a message; ok is false when it has no text.
func message(e *element, path string) (m memory.Message, ok bool, err error) {
	role, name := scalar(e.Role), scalar(e.Name)
	if present(e.Author) {
		var a struct {
			Role json.RawMessage `json:"role"`
			Name json.RawMessage `json:"name"`
		}
		if json.Unmarshal(e.Author, &a) == nil {
			if role == "" {
				role = scalar(a.Role)
			}
			if name == "" {
				name = scalar(a.Name)
			}
		} else if role == "" {
			role = scalar(e.Author)
		}
	}
	m.Role, m.Name, m.ID = clean(strings.TrimSpace(role)), clean(strings.TrimSpace(name)), clean(scalar(e.ID))
	m.Content = strings.TrimSpace(clean(contentText(e.Content, 0)))
	if m.Content == "" {
		return m, false, nil
	}
	if m.Role == "" {
		return m, false, malformed("JSON chat export: %s: message without a role", orRoot(path))
	}
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{{"created_at", e.CreatedAt}, {"timestamp", e.Timestamp}, {"create_time", e.CreateTime}} {
		if !present(f.v) {
			continue
		}
		t, err := parseTime(f.v)
		if err != nil {
			return m, false, malformed("JSON chat export: %s.%s: %v", orRoot(path), f.name, err)
		}
		m.CreatedAt = t
		break
	}
	return m, true, nil
}

// maxContentDepth bounds the nesting contentText follows.
const maxContentDepth = 8

// contentText returns the text of a message's content: a string; an array of parts, each a string
// or an object with "text" (OpenAI's content parts); an object with "parts" (ChatGPT) or "text".
// Parts that are not text (images, files) are skipped.
func contentText(raw json.RawMessage, depth int) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || depth > maxContentDepth {
		return ""
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	case '[':
		var parts []json.RawMessage
		if json.Unmarshal(raw, &parts) != nil {
			return ""
		}
		var texts []string
		for _, p := range parts {
			if t := strings.TrimSpace(contentText(p, depth+1)); t != "" {
				texts = append(texts, t)
			}
		}
		return strings.Join(texts, "\n")
	case '{':
		var o struct {
			Type  string          `json:"type"`
			Text  json.RawMessage `json:"text"`
			Parts json.RawMessage `json:"parts"`
		}
		if json.Unmarshal(raw, &o) != nil {
			return ""
		}
		if present(o.Parts) {
			return contentText(o.Parts, depth+1)
		}
		if present(o.Text) {
			return contentText(o.Text, depth+1)
		}
	}
	return ""
}

// present reports whether a field was given, and not null.
func present(v json.RawMessage) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && !bytes.Equal(v, []byte("null"))
}

// scalar returns a JSON string or number as a string, "" for anything else.
func scalar(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return ""
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return string(v)
	}
	return ""
}

// Unix times from this value on are read as milliseconds (1e11 seconds is the year 5138).
const unixMillis = 1e11

// timeLayouts are the time strings parseTime accepts; those without a zone are UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05", "2006-01-02"}

// parseTime reads a message time: Unix seconds (an integer or a decimal, kept to the microsecond;
// milliseconds from 1e11 on) or a string in RFC 3339 (or its date-time without a zone, UTC). null is
// the zero time.
func parseTime(v json.RawMessage) (time.Time, error) {
	v = bytes.TrimSpace(v)
	if !present(v) {
		return time.Time{}, nil
	}
	if v[0] == '"' {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return time.Time{}, err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}, nil
		}
		for _, l := range timeLayouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), nil
			}
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return parseTime(json.RawMessage(s))
		}
		return time.Time{}, fmt.Errorf("time %q is neither RFC 3339 nor Unix seconds", s)
	}
	return unixTime(string(v))
}

// unixTime reads Unix seconds written as a JSON number, to the microsecond.
func unixTime(s string) (time.Time, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, fmt.Errorf("time %.40q is not a number", s)
	}
	if math.Abs(f) >= unixMillis {
		f /= 1000
	}
	if f < -62135596800 || f > 253402300799 { // years 1 to 9999
		return time.Time{}, fmt.Errorf("time %.40q is out of range", s)
	}
	sec := math.Floor(f)
	usec := int64(math.Round((f - sec) * 1e6))
	// Without an exponent, read the fraction from the digits, so that float rounding cannot move
	// the microsecond.
	if i := strings.IndexByte(s, '.'); i >= 0 && !strings.ContainsAny(s, "eE") && math.Abs(f) < unixMillis && s[0] != '-' {
		frac := s[i+1:]
		if len(frac) > 7 {
			frac = frac[:7]
		}
		frac += strings.Repeat("0", 7-len(frac))
		n, _ := strconv.ParseInt(frac, 10, 64)
		usec = (n + 5) / 10
	}
	return time.Unix(int64(sec), usec*1000).UTC(), nil
}

// jsonErr turns a decoding error into an InvalidInput error saying where.
func jsonErr(dec *json.Decoder, path string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return malformed("JSON chat export: truncated at byte %d", dec.InputOffset())
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return malformed("JSON chat export: syntax error at byte %d: %v", se.Offset, se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return malformed("JSON chat export: %s: %v (near byte %d)", orRoot(path), plainJSONErr(err), te.Offset)
	}
	return readErr(err)
}

// plainJSONErr returns the text of a JSON error.
func plainJSONErr(err error) string { return err.Error() }

// splitChatJSONL cuts a JSONL chat export into windows: each line a message (all lines one
// conversation), or a conversation of its own ({"messages": [...]}, as in OpenAI fine-tuning
// files, or a ChatGPT conversation). Lines are at most MaxLine bytes.
func splitChatJSONL(rd io.Reader, c *chunker) error {
	br := bufio.NewReaderSize(rd, 64<<10)
	s := &chatState{c: c}
	for n := 1; ; n++ {
		if n%ctxEvery == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
		}
		line, err := readLine(br, n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var e element
		if err := json.Unmarshal(line, &e); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return malformed("JSONL chat export: line %d: syntax error at column %d: %v", n, se.Offset, se)
			}
			return malformed("JSONL chat export: line %d: %v", n, err)
		}
		if e.Mapping != nil || present(e.Messages) {
			if err := s.flush(); err != nil {
				return err
			}
			s.conv = ""
		}
		if err := s.element(&e, fmt.Sprintf("line %d", n), true); err != nil {
			return err
		}
	}
	return s.flush()
}

// readLine reads line n of a JSONL file, at most MaxLine bytes; the last line may lack its "\n".
func readLine(br *bufio.Reader, n int) ([]byte, error) {
	var line []byte
	for {
		b, err := br.ReadSlice('\n')
		if len(line)+len(b) > MaxLine {
			return nil, malformed("JSONL chat export: line %d is longer than %d bytes", n, MaxLine)
		}
		switch err {
		case nil:
			if line == nil {
				return b, nil
			}
			return append(line, b...), nil
		case bufio.ErrBufferFull:
			line = append(line, b...)
		case io.EOF:
			line = append(line, b...)
			if len(line) == 0 {
				return nil, io.EOF
			}
			return line, nil
		default:
			return nil, readErr(err)
		}
	}
}
