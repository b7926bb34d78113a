package mnemo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestBadInput feeds every public call malformed arguments: each must fail with a FieldError wrapping
// ErrInvalidInput that names the field, store nothing, and never panic.
func TestBadInput(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	bad := "\xff\xfe"
	long := strings.Repeat("k", mnemo.MaxFieldBytes+1)
	var nilCtx context.Context
	manyProps := map[string]string{}
	for i := range mnemo.MaxMapEntries + 1 {
		manyProps[strings.Repeat("p", i+1)] = "v"
	}
	addCases := []struct {
		name  string
		in    mnemo.Input
		opts  *mnemo.AddOptions
		ctx   context.Context
		field string
	}{
		{"nil context", mnemo.Text("x"), nil, nilCtx, "ctx"},
		{"nil input", nil, nil, ctx, "input"},
		{"no texts", mnemo.Text(), nil, ctx, "contents"},
		{"empty text", mnemo.Text("ok", ""), nil, ctx, "contents[1]"},
		{"blank text", mnemo.Text(" \n\t "), nil, ctx, "contents[0]"},
		{"invalid UTF-8 text", mnemo.Text("fine", "bad "+bad), nil, ctx, "contents[1]"},
		{"too large", mnemo.Text(strings.Repeat("a", mnemo.MaxInputBytes/2), strings.Repeat("b", mnemo.MaxInputBytes/2+1)), nil, ctx, "contents"},
		{"no messages", mnemo.Conversation(), nil, ctx, "messages"},
		{"unknown role", mnemo.Conversation(mnemo.Message{Role: "bot", Content: "hi"}), nil, ctx, "messages[0].role"},
		{"empty role", mnemo.Conversation(mnemo.Message{Content: "hi"}), nil, ctx, "messages[0].role"},
		{"empty user message", mnemo.Conversation(mnemo.Message{Role: "assistant", Content: "ok"}, mnemo.Message{Role: "user"}), nil, ctx, "messages[1].content"},
		{"all empty", mnemo.Conversation(mnemo.Message{Role: "assistant"}), nil, ctx, "messages"},
		{"invalid UTF-8 message", mnemo.Conversation(mnemo.Message{Role: "user", Content: bad}), nil, ctx, "messages[0].content"},
		{"invalid UTF-8 name", mnemo.Conversation(mnemo.Message{Role: "user", Name: bad, Content: "x"}), nil, ctx, "messages[0].name"},
		{"duplicate message IDs", mnemo.Conversation(mnemo.Message{ID: "m", Role: "user", Content: "a"}, mnemo.Message{ID: "m", Role: "user", Content: "b"}), nil, ctx, "messages[1].id"},
		{"no items", mnemo.PreExtracted(), nil, ctx, "items"},
		{"empty item", mnemo.PreExtracted(mnemo.Item{Topic: "t"}), nil, ctx, "items[0].content"},
		{"invalid UTF-8 topic", mnemo.PreExtracted(mnemo.Item{Content: "c", Topic: bad}), nil, ctx, "items[0].topic"},
		{"invalid UTF-8 user", mnemo.Text("x"), &mnemo.AddOptions{UserID: bad}, ctx, "user_id"},
		{"long user", mnemo.Text("x"), &mnemo.AddOptions{UserID: long}, ctx, "user_id"},
		{"blank group", mnemo.Text("x"), &mnemo.AddOptions{Group: "  "}, ctx, "group"},
		{"long document ID", mnemo.Text("x"), &mnemo.AddOptions{DocumentID: long}, ctx, "document_id"},
		{"empty property key", mnemo.Text("x"), &mnemo.AddOptions{Properties: map[string]string{"": "v"}}, ctx, "properties key"},
		{"invalid property value", mnemo.Text("x"), &mnemo.AddOptions{Properties: map[string]string{"k": bad}}, ctx, `properties["k"]`},
		{"too many properties", mnemo.Text("x"), &mnemo.AddOptions{Properties: manyProps}, ctx, "properties"},
		{"huge metadata", mnemo.Text("x"), &mnemo.AddOptions{Metadata: map[string]string{"k": strings.Repeat("v", mnemo.MaxMetadataBytes)}}, ctx, "metadata"},
	}
	for _, c := range addCases {
		run, err := eng.Memories.Add(c.ctx, c.in, c.opts)
		checkFieldError(t, c.name, err, c.field)
		if run != nil {
			t.Errorf("%s: returned a run", c.name)
		}
	}
	if page, err := eng.Runs.List(ctx, nil); err != nil || len(page.Runs) != 0 {
		t.Fatalf("bad adds stored runs: %+v, %v", page, err)
	}

	listCases := []struct {
		name  string
		opts  *mnemo.ListOptions
		field string
	}{
		{"negative limit", &mnemo.ListOptions{Limit: -1}, "limit"},
		{"limit too large", &mnemo.ListOptions{Limit: mnemo.MaxListLimit + 1}, "limit"},
		{"invalid user", &mnemo.ListOptions{UserID: bad}, "user_id"},
		{"invalid topic", &mnemo.ListOptions{Topics: []string{"ok", bad}}, "topics[1]"},
	}
	for _, c := range listCases {
		_, err := eng.Memories.List(ctx, c.opts)
		checkFieldError(t, c.name, err, c.field)
	}
	if _, err := eng.Memories.List(ctx, &mnemo.ListOptions{Cursor: "not-a-cursor"}); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Errorf("malformed cursor: %v", err)
	}
	_, err := eng.Runs.List(ctx, &mnemo.RunListOptions{Statuses: []mnemo.Status{"done"}})
	checkFieldError(t, "unknown run status", err, "statuses[0]")
	_, err = eng.Runs.List(ctx, &mnemo.RunListOptions{Limit: 5000})
	checkFieldError(t, "run limit", err, "limit")
	_, err = eng.Runs.WaitFor(ctx, "0193e0b4-0000-7000-8000-000000000001", "finished")
	checkFieldError(t, "WaitFor status", err, "statuses[0]")

	for name, call := range map[string]func() error{
		"Runs.Get":        func() error { _, err := eng.Runs.Get(ctx, "not-a-uuid"); return err },
		"Runs.Wait":       func() error { _, err := eng.Runs.Wait(ctx, "not-a-uuid"); return err },
		"Runs.Watch":      func() error { _, err := eng.Runs.Watch(ctx, ""); return err },
		"Memories.Get":    func() error { _, err := eng.Memories.Get(ctx, "12"); return err },
		"Memories.Delete": func() error { return eng.Memories.Delete(ctx, "x") },
		"Runs.Get nil":    func() error { _, err := eng.Runs.Get(nilCtx, "x"); return err },
		"List nil":        func() error { _, err := eng.Memories.List(nilCtx, nil); return err },
	} {
		if err := call(); !errors.Is(err, mnemo.ErrInvalidInput) {
			t.Errorf("%s with a malformed argument: %v", name, err)
		}
	}
	unknown := "0193e0b4-0000-7000-8000-000000000001"
	if _, err := eng.Runs.Get(ctx, unknown); !errors.Is(err, mnemo.ErrNotFound) {
		t.Errorf("unknown run: %v", err)
	}
	if _, err := eng.Memories.Get(ctx, unknown); !errors.Is(err, mnemo.ErrNotFound) {
		t.Errorf("unknown memory: %v", err)
	}

	for name, opts := range map[string]*mnemo.Options{
		"negative workers":      {Workers: -1},
		"negative lock timeout": {LockTimeout: -1},
	} {
		if _, err := mnemo.Open(t.TempDir()+"/x.db", opts); !errors.Is(err, mnemo.ErrInvalidInput) {
			t.Errorf("Open with %s: %v", name, err)
		}
	}
	if _, err := mnemo.Open("", nil); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Errorf("Open with an empty path: %v", err)
	}
}

func checkFieldError(t *testing.T, name string, err error, field string) {
	t.Helper()
	var fe *mnemo.FieldError
	switch {
	case !errors.Is(err, mnemo.ErrInvalidInput):
		t.Errorf("%s: %v, want ErrInvalidInput", name, err)
	case !errors.As(err, &fe):
		t.Errorf("%s: %v is not a FieldError", name, err)
	case fe.Field != field:
		t.Errorf("%s: field %q, want %q (%v)", name, fe.Field, field, err)
	}
}
