package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo"
)

// batchOutput is a batch as the command prints it.
type batchOutput struct {
	ID     string       `json:"id"`
	Status mnemo.Status `json:"status"`
	Items  []struct {
		RunID  string       `json:"run_id"`
		Status mnemo.Status `json:"status"`
		Error  string       `json:"error"`
	} `json:"items"`
}

func TestAddFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	doc := filepath.Join(dir, "plan.md")
	if err := os.WriteFile(doc, []byte("# Plan\n\nWe plant the apple trees in November.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := seed(t, db, "-user", "gil", "-file", doc)
	if r.InputType != mnemo.InputFile || r.MemoriesCreated != 1 {
		t.Fatalf("run %+v", r)
	}
	mems := listOf(t, db, "-user", "gil")
	if len(mems) != 1 || mems[0].Sources[0].File != doc || mems[0].Sources[0].Chunk != 1 {
		t.Fatalf("memories %+v", mems)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"-db", db, "add", "-file", filepath.Join(dir, "nope.md")}, 6},
		{[]string{"-db", db, "add", "-file", dir}, 6},
		{[]string{"-db", db, "add", "-file", doc, "and a text"}, 2},
		{[]string{"-db", db, "add", "-file", doc, "-fail-fast"}, 2},
	} {
		code, _, errOut := mnemoCmd(t, "", c.args...)
		if code != c.code {
			t.Errorf("mnemo %q: exit %d, want %d (%s)", c.args, code, c.code, errOut)
		}
		oneError(t, c.args, errOut)
	}
}

func TestAddBatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("Hana repairs clocks in her spare time.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lines := strings.Join([]string{
		`{"text": "Hana drinks oolong tea."}`,
		``,
		`{"texts": ["   "]}`,
		`{"messages": [{"role": "user", "content": "I adopted a greyhound named Pip."}], "user_id": "ivo"}`,
		`{"items": [{"content": "Hana speaks Japanese.", "topic": "languages"}], "document_id": "d1"}`,
		`{"file": "notes.txt"}`,
		`{"text": "A second add of d1.", "document_id": "d1"}`,
	}, "\n")
	batchFile := filepath.Join(dir, "adds.jsonl")
	if err := os.WriteFile(batchFile, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-db", db, "add", "-batch", batchFile, "-user", "hana", "-wait"}
	code, out, errOut := mnemoCmd(t, "", args...)
	var batches []batchOutput
	decodeAll(t, out, &batches)
	if code != 0 || len(batches) != 1 {
		t.Fatalf("mnemo %q: exit %d, %s, %s", args, code, out, errOut)
	}
	b := batches[0]
	if b.Status != mnemo.PartialSuccess || len(b.Items) != 6 {
		t.Fatalf("batch %+v", b)
	}
	for i, want := range []mnemo.Status{mnemo.Completed, mnemo.Failed, mnemo.Completed, mnemo.Completed, mnemo.Completed, mnemo.Failed} {
		if b.Items[i].Status != want {
			t.Errorf("item %d: %+v, want %s", i, b.Items[i], want)
		}
	}
	if !strings.Contains(b.Items[1].Error, "items[1].contents[0]: empty") || !strings.Contains(b.Items[5].Error, "items[5]: document \"d1\": conflict: already added by run "+b.Items[3].RunID) {
		t.Fatalf("errors %q and %q", b.Items[1].Error, b.Items[5].Error)
	}
	if len(listOf(t, db, "-user", "hana")) != 3 || len(listOf(t, db, "-user", "ivo")) != 1 {
		t.Fatalf("hana's memories %v", listOf(t, db, "-user", "hana"))
	}
	// The progress goes to stderr, in lines off a terminal.
	if !strings.Contains(errOut, "added: 6 of 6") || !strings.Contains(errOut, "ended: 6 of 6") {
		t.Fatalf("progress %q", errOut)
	}

	// With -fail-fast, a bad line refuses the batch; a malformed line refuses the file either way.
	for _, c := range []struct {
		stdin string
		args  []string
		code  int
		err   string
	}{
		{`{"text": "ok"}` + "\n" + `{"text": ""}`, []string{"-fail-fast"}, 6, "items[1].contents[0]"},
		{`{"text": "ok"}` + "\n" + `{"txt": "typo"}`, nil, 6, "line 2"},
		{`{"text": "ok", "file": "x.md"}`, nil, 6, "exactly one"},
		{"\n\n", nil, 6, "no adds"},
	} {
		args := append([]string{"-db", db, "add", "-batch", "-"}, c.args...)
		code, _, errOut := mnemoCmd(t, c.stdin, args...)
		if code != c.code || !strings.Contains(errOut, c.err) {
			t.Errorf("mnemo %q < %q: exit %d, %q; want %d and %q", args, c.stdin, code, errOut, c.code, c.err)
		}
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "runs", "list", "-status", "failed")
	if code != 0 || strings.Count(out, `"id"`) != 0 {
		t.Fatalf("failed runs: %s", out)
	}
}
