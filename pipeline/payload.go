package pipeline

import (
	"encoding/json"
	"fmt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
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
	// File describes a file input, whose bytes are stored apart (see store.StageFile).
	File *FileRef `json:"file,omitempty"`
}

// FileRef is what a run records of the file it was added with.
type FileRef struct {
	// Path is the file's path as the add gave it (cleaned); memories' sources name it.
	Path string `json:"path"`
	// Format is the format detected when it was added (see package files).
	Format string `json:"format"`
	// Size and SHA256 are those of the bytes stored.
	Size   int64    `json:"size"`
	SHA256 [32]byte `json:"sha256"`
}

// payloadFormat is the first byte of an encoded payload. Schema-1 files stored payloads as JSON,
// whose first byte is '{'; format 2 had no file. DecodePayload reads them all.
const (
	payloadFormat2 byte = 2
	payloadFormat  byte = 3
)

// Encode returns the payload in its stored form: compact, exact for every time, and many times
// cheaper to write and read than JSON.
func (p *Payload) Encode() []byte {
	size := 16
	for _, t := range p.Texts {
		size += len(t) + 4
	}
	for _, m := range p.Messages {
		size += len(m.ID) + len(m.Role) + len(m.Name) + len(m.Content) + 8 + codec.TimeSize
	}
	for _, it := range p.Items {
		size += len(it.Content) + len(it.Topic) + 8
	}
	e := codec.Encoder{B: make([]byte, 0, size)}
	e.Byte(payloadFormat)
	e.Str(string(p.Type))
	e.Strs(p.Texts)
	e.Uint(uint64(len(p.Messages)))
	for _, m := range p.Messages {
		e.Str(m.ID)
		e.Str(m.Role)
		e.Str(m.Name)
		e.Str(m.Content)
		e.Time(m.CreatedAt)
	}
	e.Uint(uint64(len(p.Items)))
	for _, it := range p.Items {
		e.Str(it.Content)
		e.Str(it.Topic)
	}
	if p.File == nil {
		e.Byte(0)
	} else {
		e.Byte(1)
		e.Str(p.File.Path)
		e.Str(p.File.Format)
		e.Uint(uint64(p.File.Size))
		e.B = append(e.B, p.File.SHA256[:]...)
	}
	return e.B
}

// DecodePayload reads a stored payload, in either form. A damaged one is an error wrapping
// ErrCorrupt.
func DecodePayload(b []byte) (*Payload, error) {
	var p Payload
	if len(b) > 0 && b[0] == '{' {
		if err := json.Unmarshal(b, &p); err != nil {
			return nil, fmt.Errorf("%w: input: %v", errs.Corrupt, err)
		}
		return &p, nil
	}
	d := codec.NewDecoder(b)
	format := d.Byte()
	if d.Err() == nil && format != payloadFormat && format != payloadFormat2 {
		return nil, fmt.Errorf("%w: input: unknown format %d", errs.Corrupt, format)
	}
	p.Type = status.InputType(d.Str())
	p.Texts = d.Strs()
	if n := d.Length(); n > 0 {
		p.Messages = make([]memory.Message, n)
		for i := range p.Messages {
			p.Messages[i] = memory.Message{ID: d.Str(), Role: d.Str(), Name: d.Str(), Content: d.Str(), CreatedAt: d.Time()}
		}
	}
	if n := d.Length(); n > 0 {
		p.Items = make([]memory.Item, n)
		for i := range p.Items {
			p.Items[i] = memory.Item{Content: d.Str(), Topic: d.Str()}
		}
	}
	if format == payloadFormat && d.Byte() == 1 {
		p.File = &FileRef{Path: d.Str(), Format: d.Str(), Size: int64(d.Uint())}
		copy(p.File.SHA256[:], d.Fixed(32))
	}
	if err := d.End(); err != nil {
		return nil, fmt.Errorf("input: %w", err)
	}
	return &p, nil
}
