package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo"
)

// mnemoCmd runs the command in-process and returns its exit status, stdout and stderr.
func mnemoCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// decodeAll reads the JSON values a command printed, one after another.
func decodeAll(t *testing.T, s string, into ...any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	for _, v := range into {
		if err := dec.Decode(v); err != nil {
			t.Fatalf("decode %q: %v", s, err)
		}
	}
}

func TestQuickstart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "qs.db")
	for range 2 { // a second quickstart starts from a fresh file and shows the same
		code, out, errOut := mnemoCmd(t, "", "-db", db, "quickstart")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var run mnemo.Run
		var page mnemo.MemoryPage
		decodeAll(t, out, &run, &page)
		if run.Status != mnemo.Completed || run.MemoriesCreated == 0 || run.InputType != mnemo.InputConversation {
			t.Fatalf("run %+v", run)
		}
		if page.Total != run.MemoriesCreated || len(page.Memories) != page.Total {
			t.Fatalf("listing %+v for run %+v", page, run)
		}
		for _, m := range page.Memories {
			if m.UserID != "alice" || len(m.Sources) == 0 || m.Sources[0].MessageID == "" || m.EventTime.IsZero() {
				t.Fatalf("memory %+v", m)
			}
			if strings.Contains(strings.ToLower(m.Content), "thanks") || strings.Contains(m.Content, "Hi there") {
				t.Fatalf("chit-chat remembered: %q", m.Content)
			}
		}
	}
}

func TestAddFollowListDelete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "cli.db")
	code, out, errOut := mnemoCmd(t, "", "-db", db, "add", "-user", "bob", "-prop", "conversation_id=c1", "-meta", "src=cli",
		"Bob plays the cello.", "Bob lives in Oslo.")
	if code != 0 {
		t.Fatalf("add: exit %d: %s", code, errOut)
	}
	var added mnemo.Run
	decodeAll(t, out, &added)
	if added.Status != mnemo.Queued || added.UserID != "bob" {
		t.Fatalf("added %+v", added)
	}
	// The add command has exited: a new process (here, a new engine) finishes the run.
	code, out, errOut = mnemoCmd(t, "", "-db", db, "runs", "wait", "-timeout", "1m", added.ID)
	var done mnemo.Run
	if decodeAll(t, out, &done); code != 0 || done.Status != mnemo.Completed || done.MemoriesCreated != 2 {
		t.Fatalf("runs wait: exit %d, %+v, %s", code, done, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "runs", "get", added.ID)
	var got mnemo.Run
	if decodeAll(t, out, &got); code != 0 || got.ID != added.ID || got.Status != mnemo.Completed {
		t.Fatalf("runs get: %d %+v", code, got)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "runs", "list", "-status", "completed", "-user", "bob")
	var runs mnemo.RunPage
	if decodeAll(t, out, &runs); code != 0 || len(runs.Runs) != 1 {
		t.Fatalf("runs list: %d %+v", code, runs)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "list", "-user", "bob", "-prop", "conversation_id=c1", "-limit", "1")
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 || page.Total != 2 || len(page.Memories) != 1 || page.Next == "" ||
		page.Memories[0].Metadata["src"] != "cli" {
		t.Fatalf("list: %d %+v", code, page)
	}
	id := page.Memories[0].ID
	code, out, _ = mnemoCmd(t, "", "-db", db, "get", id)
	var m mnemo.Memory
	if decodeAll(t, out, &m); code != 0 || m.ID != id {
		t.Fatalf("get: %d %+v", code, m)
	}
	if code, _, errOut := mnemoCmd(t, "", "-db", db, "delete", id); code != 0 {
		t.Fatalf("delete: %d %s", code, errOut)
	}
	if code, _, errOut := mnemoCmd(t, "", "-db", db, "get", id); code != 1 || !strings.Contains(errOut, "not found") {
		t.Fatalf("get after delete: %d %s", code, errOut)
	}

	conv := `[{"id":"a","role":"user","name":"Bob","content":"I adopted a cat named Miso."}]`
	code, out, errOut = mnemoCmd(t, conv, "-db", db, "add", "-user", "bob", "-conversation", "-", "-wait")
	var convRun mnemo.Run
	if decodeAll(t, out, &convRun); code != 0 || convRun.Status != mnemo.Completed || convRun.MemoriesCreated != 1 {
		t.Fatalf("add -conversation: %d %+v %s", code, convRun, errOut)
	}
	items := filepath.Join(dir, "items.json")
	os.WriteFile(items, []byte(`[{"content":"Bob's cat is called Miso.","topic":"pets"}]`), 0o600)
	code, out, errOut = mnemoCmd(t, "", "-db", db, "add", "-user", "bob", "-items", items, "-wait")
	var itemRun mnemo.Run
	if decodeAll(t, out, &itemRun); code != 0 || itemRun.InputType != mnemo.InputPreExtracted || itemRun.Status != mnemo.Completed {
		t.Fatalf("add -items: %d %+v %s", code, itemRun, errOut)
	}
}

func TestUsageAndInputErrors(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "err.db")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{nil, 2, "usage"},
		{[]string{"-db", db, "frobnicate"}, 2, "unknown command"},
		{[]string{"-db", db, "add"}, 2, "add needs texts"},
		{[]string{"-db", db, "add", "-items", "x.json", "text"}, 2, "one of them"},
		{[]string{"-db", db, "runs"}, 2, "runs needs"},
		{[]string{"-db", db, "runs", "get"}, 2, "takes one run ID"},
		{[]string{"-db", db, "add", "-bogus"}, 2, "flag provided but not defined"},
		{[]string{"-db", db, "add", " "}, 1, "invalid input: contents[0]: empty"},
		{[]string{"-db", db, "runs", "get", "nope"}, 1, "invalid input"},
		{[]string{"-db", db, "list", "-limit", "5000"}, 1, "limit"},
		{[]string{"-db", db, "add", "-conversation", "/does/not/exist.json"}, 1, "no such file"},
	}
	for _, c := range cases {
		code, _, errOut := mnemoCmd(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("mnemo %v: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	if code, out, _ := mnemoCmd(t, "", "help"); code != 0 || !strings.Contains(out, "quickstart") {
		t.Errorf("help: %d %q", code, out)
	}
}
