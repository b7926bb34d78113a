package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// oneError checks what a failing command printed on stderr: its first line is the error, after
// exactly one "mnemo:" prefix, and no other line carries one.
func oneError(t *testing.T, args []string, errOut string) {
	t.Helper()
	if !strings.HasPrefix(errOut, "mnemo: ") || strings.Count(errOut, "mnemo:") != 1 {
		t.Errorf("mnemo %q: stderr %q: want one error line with one \"mnemo:\" prefix", args, errOut)
	}
}

// readBytes returns the content of a file.
func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seed adds a text to the file db through the command line, waits for its run and returns it.
func seed(t *testing.T, db string, args ...string) mnemo.Run {
	t.Helper()
	args = append([]string{"-db", db, "add", "-wait"}, args...)
	code, out, errOut := mnemoCmd(t, "", args...)
	var r mnemo.Run
	if decodeAll(t, out, &r); code != 0 || r.Status != mnemo.Completed {
		t.Fatalf("mnemo %q: exit %d, %+v, %s", args, code, r, errOut)
	}
	return r
}

// TestQuickstart runs the quickstart on a new -db path, then again on the same path, which now
// exists: the second is refused and leaves the file as the first wrote it.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "qs.db")
	code, out, errOut := mnemoCmd(t, "", "-db", db, "quickstart")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, "mnemo: quickstart wrote "+db+"\n") {
		t.Errorf("stderr does not say where the file is: %q", errOut)
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
	before := readBytes(t, db)
	for _, args := range [][]string{{"-db", db, "quickstart"}, {"quickstart", "-db", db}} {
		code, out, errOut := mnemoCmd(t, "", args...)
		if code != exitInvalid || out != "" || !strings.Contains(errOut, db+" exists") {
			t.Errorf("mnemo %q on an existing file: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
		oneError(t, args, errOut)
	}
	if !bytes.Equal(readBytes(t, db), before) {
		t.Fatal("a refused quickstart changed the file")
	}
}

// TestQuickstartNeverTouchesAnExistingFile: -db naming a file that holds memories is refused, and
// the file is left byte for byte as it was.
func TestQuickstartNeverTouchesAnExistingFile(t *testing.T) {
	t.Parallel()
	precious := filepath.Join(t.TempDir(), "precious.db")
	seed(t, precious, "-user", "bob", "Bob keeps bees.")
	before := readBytes(t, precious)
	for _, args := range [][]string{{"-db", precious, "quickstart"}, {"quickstart", "-db", precious}} {
		code, _, errOut := mnemoCmd(t, "", args...)
		if code != exitInvalid || !strings.Contains(errOut, "exists") {
			t.Errorf("mnemo %q: exit %d, stderr %q; want exit %d", args, code, errOut, exitInvalid)
		}
		oneError(t, args, errOut)
	}
	if !bytes.Equal(readBytes(t, precious), before) {
		t.Fatal("quickstart changed an existing file")
	}
	code, out, _ := mnemoCmd(t, "", "-db", precious, "list", "-user", "bob")
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 {
		t.Fatalf("the memories after quickstart: exit %d, %+v", code, page)
	}
}

// TestQuickstartWithoutDB: with no -db, quickstart ignores $MNEMO_DB and writes a new file in a new
// temporary directory, and says where. It sets environment variables, so it cannot run in parallel.
func TestQuickstartWithoutDB(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir, where quickstart makes its directory
	precious := filepath.Join(t.TempDir(), "precious.db")
	seed(t, precious, "Bob keeps bees.")
	before := readBytes(t, precious)
	t.Setenv("MNEMO_DB", precious)
	code, _, errOut := mnemoCmd(t, "", "quickstart")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !bytes.Equal(readBytes(t, precious), before) {
		t.Fatal("quickstart changed the file $MNEMO_DB names")
	}
	_, wrote, ok := strings.Cut(errOut, "mnemo: quickstart wrote ")
	wrote = strings.TrimSuffix(wrote, "\n")
	if !ok || filepath.Base(wrote) != "quickstart.db" || !strings.HasPrefix(wrote, filepath.Join(tmp, "mnemo-quickstart-")) {
		t.Fatalf("stderr %q does not name a new file under %s", errOut, tmp)
	}
	if _, err := os.Stat(wrote); err != nil {
		t.Fatal(err)
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
	if code, _, errOut := mnemoCmd(t, "", "-db", db, "get", id); code != exitNotFound || !strings.Contains(errOut, "not found") {
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
		{nil, exitUsage, "usage"},
		{[]string{"-db", db, "frobnicate"}, exitUsage, "unknown command"},
		{[]string{"-db", db, "add"}, exitUsage, "add: needs texts"},
		{[]string{"-db", db, "add", "-items", "x.json", "text"}, exitUsage, "one of them"},
		{[]string{"-db", db, "runs"}, exitUsage, "runs needs"},
		{[]string{"-db", db, "runs", "get"}, exitUsage, "takes one run ID"},
		{[]string{"-db", db, "runs", "get", "a", "b"}, exitUsage, "takes one run ID"},
		{[]string{"-db", db, "list", "bob"}, exitUsage, "takes no arguments"},
		{[]string{"-db", db, "add", "-bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"-db", db, "list", "-limit", "many"}, exitUsage, "invalid value"},
		{[]string{"-db", "", "list"}, exitUsage, "empty path"},
		{[]string{"-db", db, "-lock-timeout", "-1s", "list"}, exitUsage, "negative"},
		{[]string{"-db", db, "-read-only", "quickstart"}, exitUsage, "-read-only"},
		{[]string{"-db", db, "add", " "}, exitInvalid, "invalid input: contents[0]: empty"},
		{[]string{"-db", db, "add", "-conversation", "/does/not/exist.json"}, exitNotFound, "no such file"},
		{[]string{"-db", db, "runs", "get", "nope"}, exitInvalid, "invalid input"},
		{[]string{"-db", db, "list", "-limit", "5000"}, exitInvalid, "limit"},
		{[]string{"-db", db, "buffers"}, exitUsage, "buffers needs list or flush"},
		{[]string{"-db", db, "buffers", "drain"}, exitUsage, "unknown buffers command"},
		{[]string{"-db", db, "buffers", "list", "bob"}, exitUsage, "takes no arguments"},
		{[]string{"-db", db, "buffers", "flush"}, exitUsage, "or -all for every one"},
		{[]string{"-db", db, "buffers", "flush", "-wait"}, exitUsage, "or -all for every one"},
		{[]string{"-db", db, "buffers", "flush", "-all", "-user", "bob"}, exitUsage, "takes no -user"},
		{[]string{"-db", db, "-buffer-count", "-1", "list"}, exitUsage, "-buffer-count -1 is negative"},
		{[]string{"-db", db, "list", "-buffer-since-last", "-1s"}, exitUsage, "-buffer-since-last -1s is negative"},
		{[]string{"-db", db, "-summarize", "profile", "list"}, exitUsage, "-summarize needs a buffered pipeline"},
		{[]string{"-db", db, "-buffer-count", "3", "-summarize", " ", "list"}, exitUsage, "the topic is empty"},
		{[]string{"-db", db, "-buffer-count", "3", "quickstart", "-buffered"}, exitUsage, "chooses its own pipeline"},
	}
	for _, c := range cases {
		code, out, errOut := mnemoCmd(t, "", c.args...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("mnemo %q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
		oneError(t, c.args, errOut)
	}
}

// TestJSONInput: -conversation and -items read one JSON array, from a file or stdin; anything else
// is invalid input, and nothing is added.
func TestJSONInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "json.db")
	for _, in := range []string{
		"", "not json", `{"content":"an object"}`, `[{"content":"x"}] [{"content":"y"}]`, `[{"content":"x"}] trailing`,
		`[{"content":"x","colour":"red"}]`, `[{"content":"x"}`,
	} {
		code, out, errOut := mnemoCmd(t, in, "-db", db, "add", "-items", "-")
		if code != exitInvalid || out != "" || !strings.Contains(errOut, "invalid input: stdin: ") {
			t.Errorf("-items %q: exit %d, stdout %q, stderr %q", in, code, out, errOut)
		}
		oneError(t, []string{"add", "-items", in}, errOut)
	}
	code, out, errOut := mnemoCmd(t, "[{\"content\":\"Eve keeps a diary.\"}]\n\n", "-db", db, "add", "-items", "-", "-wait")
	var r mnemo.Run
	if decodeAll(t, out, &r); code != 0 || r.MemoriesCreated != 1 {
		t.Fatalf("valid -items: exit %d, %+v, %s", code, r, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "runs", "list")
	var runs mnemo.RunPage
	if decodeAll(t, out, &runs); code != 0 || len(runs.Runs) != 1 {
		t.Fatalf("invalid inputs added runs: %+v", runs)
	}
}

// TestFlagsAfterArguments: flags may follow positional arguments, for every command; "--" ends
// them; a flag the command does not know is an error and never a text.
func TestFlagsAfterArguments(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "flags.db")
	added := seed(t, db, "I like tea", "-user", "bob")
	if added.UserID != "bob" || added.MemoriesCreated != 1 {
		t.Fatalf("add TEXT -user bob: %+v", added)
	}
	code, out, _ := mnemoCmd(t, "", "list", "-db", db, "-user", "bob")
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 || !strings.Contains(page.Memories[0].Content, "I like tea") {
		t.Fatalf("bob's memories: exit %d, %+v", code, page)
	}
	id := page.Memories[0].ID
	code, out, _ = mnemoCmd(t, "", "-db", db, "list")
	if decodeAll(t, out, &page); code != 0 || page.Total != 0 {
		t.Fatalf("the memories of no user: exit %d, %+v", code, page)
	}
	code, out, _ = mnemoCmd(t, "", "get", id, "-db", db)
	var m mnemo.Memory
	if decodeAll(t, out, &m); code != 0 || m.ID != id {
		t.Fatalf("get ID -db: exit %d, %+v", code, m)
	}

	// "--" ends the flags; "--" as the value of a flag does not.
	dashed := seed(t, db, "-user", "carol", "--", "-5 degrees is too cold for Carol.", "-group")
	if dashed.UserID != "carol" || dashed.MemoriesCreated != 1 {
		t.Fatalf("add -- TEXT: %+v", dashed)
	}
	valued := seed(t, db, "-user", "--", "Dan plays chess.", "-group", "club")
	if valued.UserID != "--" || valued.Group != "club" {
		t.Fatalf("add -user -- TEXT -group club: %+v", valued)
	}
	for _, user := range []string{"-group", "-wait"} { // a value that looks like a flag, then "--"
		r := seed(t, db, "-user", user, "--", "Eli hikes.", "-group")
		if r.UserID != user || r.Group != mnemo.DefaultGroup || r.MemoriesCreated != 1 {
			t.Fatalf("add -user %s -- TEXT -group: %+v", user, r)
		}
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "list", "-user", "carol")
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 || page.Memories[0].Content != "-5 degrees is too cold for Carol." {
		t.Fatalf("carol's memories: exit %d, %+v", code, page)
	}

	// The global flags after the command; a command's flags after its argument.
	other := filepath.Join(dir, "other.db")
	if code, _, errOut := mnemoCmd(t, "", "add", "-db", other, "Erin sings."); code != 0 {
		t.Fatalf("add -db FILE TEXT: exit %d, %s", code, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", other, "runs", "list")
	var runs mnemo.RunPage
	if decodeAll(t, out, &runs); code != 0 || len(runs.Runs) != 1 {
		t.Fatalf("runs of add -db FILE: exit %d, %+v", code, runs)
	}
	code, out, _ = mnemoCmd(t, "", "runs", "get", added.ID, "-db", db)
	var r mnemo.Run
	if decodeAll(t, out, &r); code != 0 || r.ID != added.ID {
		t.Fatalf("runs get ID -db: exit %d, %+v", code, r)
	}

	missing := filepath.Join(dir, "missing.db")
	for _, args := range [][]string{
		{"-db", missing, "add", "I like tea", "-bogus"},
		{"-db", missing, "add", "I like tea", "-timeout", "1s"}, // a flag of runs wait
		{"-db", missing, "add", "I like tea", "-user"},
		{"-db", missing, "list", "-user", "bob", "-wait"},
		{"-user", "bob", "-db", missing, "add", "I like tea"},
	} {
		code, out, errOut := mnemoCmd(t, "", args...)
		if code != exitUsage || out != "" {
			t.Errorf("mnemo %q: exit %d, stdout %q, stderr %q; want exit %d", args, code, out, errOut, exitUsage)
		}
		oneError(t, args, errOut)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a command with a bad flag created its file: %v", err)
	}
}

// TestHelp: -h, --help and help print the usage to stdout and exit 0, at the top level and for
// each command, wherever the flag stands; they open no file.
func TestHelp(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "help.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-h"}, "exit status"},
		{[]string{"--help"}, "exit status"},
		{[]string{"-help"}, "exit status"},
		{[]string{"help"}, "exit status"},
		{[]string{"-db", db, "-h", "list"}, "exit status"},
		{[]string{"add", "-h"}, "usage: mnemo [global flags] add"},
		{[]string{"add", "--help"}, "-conversation"},
		{[]string{"add", "I like tea", "-h"}, "-conversation"},
		{[]string{"help", "add"}, "-conversation"},
		{[]string{"-db", db, "list", "-h"}, "-topic"},
		{[]string{"runs", "-h"}, "usage: mnemo [global flags] runs"},
		{[]string{"help", "runs", "wait"}, "-timeout"},
		{[]string{"runs", "list", "--help"}, "-status"},
		{[]string{"get", "-h"}, "MEMORY_ID"},
		{[]string{"delete", "-h"}, "MEMORY_ID"},
		{[]string{"update", "-h"}, "-no-expiry"},
		{[]string{"help", "history"}, "MEMORY_ID"},
		{[]string{"purge", "--help"}, "-user"},
		{[]string{"list", "-h"}, "-include-superseded"},
		{[]string{"add", "-h"}, "-expires"},
		{[]string{"quickstart", "-h"}, "-buffered"},
		{[]string{"-h"}, "-buffer-count"},
		{[]string{"buffers", "-h"}, "mnemo [global flags] buffers flush"},
		{[]string{"help", "buffers", "flush"}, "-all"},
		{[]string{"buffers", "list", "--help"}, "-prop"},
		{[]string{"add", "-h"}, "-buffer-since-first"},
	} {
		code, out, errOut := mnemoCmd(t, "", c.args...)
		if code != 0 || !strings.Contains(out, c.want) || !strings.Contains(out, "-db") || errOut != "" {
			t.Errorf("mnemo %q: exit %d, stdout %q, stderr %q; want exit 0 and %q on stdout", c.args, code, out, errOut, c.want)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("help created the file: %v", err)
	}
}

// blockingExtractor blocks until its context ends, so that a run stays pending.
type blockingExtractor struct{ entered chan struct{} }

// Extract says it has been entered, then waits for the engine to cancel it.
func (b blockingExtractor) Extract(ctx context.Context, _ mnemo.ExtractRequest) ([]mnemo.Fact, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// pendingRun makes the file path hold a run that has not ended, as a process that exited in the
// middle of it leaves it, and returns the run as the file holds it.
func pendingRun(t *testing.T, path string) mnemo.Run {
	t.Helper()
	x := blockingExtractor{entered: make(chan struct{}, 1)}
	eng, err := mnemo.Open(path, &mnemo.Options{Extractor: x, ShutdownTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	run, err := eng.Memories.Add(context.Background(), mnemo.Text("Fay paints."), nil)
	if err != nil {
		t.Fatal(err)
	}
	<-x.entered
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	return readRun(t, path, run.ID)
}

// readRun returns the run id as the file path holds it, reading it read-only.
func readRun(t *testing.T, path, id string) mnemo.Run {
	t.Helper()
	eng, err := mnemo.Open(path, &mnemo.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	r, err := eng.Runs.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return *r
}

// TestReadCommandsOpenReadOnly: a read command given a path where no file exists fails with the
// not-found status and creates nothing, and one given a file with a pending run leaves the run,
// and the file, exactly as they were.
func TestReadCommandsOpenReadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	typo := filepath.Join(dir, "typo.db")
	const id = "01900000-0000-7000-8000-000000000000"
	for _, args := range [][]string{{"list"}, {"get", id}, {"runs", "get", id}, {"runs", "list"}, {"buffers", "list"}} {
		args = append([]string{"-db", typo}, args...)
		code, out, errOut := mnemoCmd(t, "", args...)
		if code != exitNotFound || out != "" || !strings.Contains(errOut, typo) {
			t.Errorf("mnemo %q: exit %d, stdout %q, stderr %q; want exit %d", args, code, out, errOut, exitNotFound)
		}
		oneError(t, args, errOut)
		if _, err := os.Stat(typo); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("mnemo %q created the file: %v", args, err)
		}
	}

	path := filepath.Join(dir, "pending.db")
	pending := pendingRun(t, path)
	if pending.Status.Terminal() {
		t.Fatalf("the run ended: %+v", pending)
	}
	before := readBytes(t, path)
	for _, args := range [][]string{{"runs", "get", pending.ID}, {"runs", "list"}, {"list"}, {"buffers", "list"}} {
		args = append([]string{"-db", path}, args...)
		if code, _, errOut := mnemoCmd(t, "", args...); code != 0 {
			t.Fatalf("mnemo %q: exit %d, %s", args, code, errOut)
		}
	}
	// A wait under -read-only cannot see the run move: it says so at once, with the run.
	code, out, errOut := mnemoCmd(t, "", "-db", path, "-read-only", "runs", "wait", pending.ID)
	var seen mnemo.Run
	if decodeAll(t, out, &seen); code != exitReadOnly || seen.ID != pending.ID {
		t.Fatalf("runs wait -read-only: exit %d, %+v, %s", code, seen, errOut)
	}
	after := readRun(t, path, pending.ID)
	if after.Status != pending.Status || after.Attempts != pending.Attempts || after.Revision != pending.Revision {
		t.Fatalf("the pending run changed: was %+v, is %+v", pending, after)
	}
	if !bytes.Equal(readBytes(t, path), before) {
		t.Fatal("a read command changed the file")
	}
}

// TestExitCodes runs a command that fails in each documented way and checks its exit status and
// that its error line carries one "mnemo:" prefix.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "codes.db")
	seed(t, db, "-doc", "d1", "Gus bakes bread.")
	code, out, _ := mnemoCmd(t, "", "-db", db, "list")
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 {
		t.Fatalf("list: exit %d, %+v", code, page)
	}
	memID := page.Memories[0].ID

	locked := filepath.Join(dir, "locked.db")
	holder, err := mnemo.Open(locked, nil) // another process, as far as the lock goes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })
	corrupt := filepath.Join(dir, "corrupt.db")
	if err := os.WriteFile(corrupt, bytes.Repeat([]byte("not a mnemo file\n"), 1000), 0o600); err != nil {
		t.Fatal(err)
	}
	const unknown = "01900000-0000-7000-8000-000000000000"

	for _, c := range []struct {
		code int
		args []string
	}{
		{exitOK, []string{"-db", db, "get", memID}},
		{exitError, []string{"-db", dir, "list"}}, // a directory
		{exitUsage, []string{"-db", db, "frobnicate"}},
		{exitUsage, []string{"-db", db, "get"}},
		{exitNotFound, []string{"-db", db, "get", unknown}},
		{exitNotFound, []string{"-db", db, "runs", "get", unknown}},
		{exitNotFound, []string{"-db", db, "delete", unknown}},
		{exitNotFound, []string{"-db", filepath.Join(dir, "typo.db"), "list"}},
		{exitConflict, []string{"-db", db, "add", "-doc", "d1", "Gus bakes bread."}},
		{exitLocked, []string{"-db", locked, "-lock-timeout", "10ms", "add", "Hal runs."}},
		{exitLocked, []string{"-db", locked, "list", "-lock-timeout", "0"}},
		{exitInvalid, []string{"-db", db, "add", ""}},
		{exitInvalid, []string{"-db", db, "add", "-prop", strings.Repeat("k", 2000) + "=v", "Ida swims."}},
		{exitInvalid, []string{"-db", db, "get", "not-an-id"}},
		{exitCorrupt, []string{"-db", corrupt, "list"}},
		{exitCorrupt, []string{"-db", corrupt, "add", "Jo reads."}},
		{exitReadOnly, []string{"-db", db, "-read-only", "add", "Kim sails."}},
		{exitReadOnly, []string{"-db", db, "delete", memID, "-read-only"}},
		{exitReadOnly, []string{"-db", db, "-read-only", "-buffer-count", "2", "buffers", "flush", "-all"}},
	} {
		code, _, errOut := mnemoCmd(t, "", c.args...)
		if code != c.code {
			t.Errorf("mnemo %q: exit %d, stderr %q; want exit %d", c.args, code, errOut, c.code)
		}
		if c.code != exitOK {
			oneError(t, c.args, errOut)
		}
	}
	if code, out, _ := mnemoCmd(t, "", "-db", db, "get", memID); code != 0 || !strings.Contains(out, memID) {
		t.Fatalf("the memory after delete -read-only: exit %d, %s", code, out)
	}
}

// TestExitCodeOfEachSentinel maps every sentinel to its documented exit status, including those no
// command here can provoke without filling a disk (ErrStorage).
func TestExitCodeOfEachSentinel(t *testing.T) {
	t.Parallel()
	for err, want := range map[error]int{
		mnemo.ErrNotFound: 3, mnemo.ErrConflict: 4, mnemo.ErrLocked: 5, mnemo.ErrInvalidInput: 6,
		mnemo.ErrCorrupt: 7, mnemo.ErrVersion: 7, mnemo.ErrReadOnly: 8, mnemo.ErrStorage: 9, mnemo.ErrClosed: 1,
	} {
		if got := exitCode(fmt.Errorf("add: %w", err)); got != want {
			t.Errorf("exit status for %v: %d, want %d", err, got, want)
		}
	}
}

// flushOutput is what buffers flush prints.
type flushOutput struct {
	Resumed int         `json:"resumed"`
	Runs    []mnemo.Run `json:"runs"`
}

// TestBuffersFlushAndSummary follows runs through a buffered pipeline (-buffer-count 5), every
// command given the same flags: two adds park; buffers list shows their buffer; runs get shows a
// run in_buffer; buffers flush -wait resumes both and prints them completed; the scope's summary
// holds both facts. Then an add that exits before its run parks is flushed too, and the summary is
// updated in place.
func TestBuffersFlushAndSummary(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "buffers.db")
	buffered := func(args ...string) (int, string, string) {
		t.Helper()
		return mnemoCmd(t, "", append([]string{"-db", db, "-buffer-count", "5"}, args...)...)
	}
	texts := []string{"Uma rows on the river.", "Uma knits scarves."}
	var parked []mnemo.Run
	for _, text := range texts {
		code, out, errOut := buffered("add", "-user", "uma", "-wait", text)
		var r mnemo.Run
		if decodeAll(t, out, &r); code != 0 || r.Status != mnemo.InBuffer || r.Step != 3 || r.MemoriesCreated != 1 {
			t.Fatalf("add -wait %q: exit %d, %+v, %s", text, code, r, errOut)
		}
		parked = append(parked, r)
	}

	code, out, errOut := buffered("buffers", "list")
	var infos []mnemo.BufferInfo
	if decodeAll(t, out, &infos); code != 0 || len(infos) != 1 {
		t.Fatalf("buffers list: exit %d, %+v, %s", code, infos, errOut)
	}
	if b := infos[0]; b.Items != 2 || b.Runs != 2 || !b.Active || b.UserID != "uma" || b.Step != 3 ||
		b.StepName != "buffer" || !b.FiresAt.IsZero() || b.FirstItemAt.IsZero() || b.LastItemAt.Before(b.FirstItemAt) {
		t.Fatalf("buffers list: %+v", b)
	}
	code, out, _ = buffered("buffers", "list", "-user", "nobody")
	if decodeAll(t, out, &infos); code != 0 || len(infos) != 0 {
		t.Fatalf("buffers list -user nobody: exit %d, %+v", code, infos)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "runs", "get", parked[0].ID)
	var got mnemo.Run
	if decodeAll(t, out, &got); code != 0 || got.Status != mnemo.InBuffer {
		t.Fatalf("runs get of a parked run: exit %d, %+v", code, got)
	}

	code, out, errOut = buffered("buffers", "flush", "-user", "UMA", "-wait") // user IDs fold case
	var flushed flushOutput
	if decodeAll(t, out, &flushed); code != 0 || flushed.Resumed != 2 || len(flushed.Runs) != 2 {
		t.Fatalf("buffers flush -wait: exit %d, %+v, %s", code, flushed, errOut)
	}
	for i, r := range flushed.Runs {
		if r.ID != parked[i].ID || r.Status != mnemo.Completed || r.MemoriesCreated != 2 {
			t.Fatalf("flushed run %d: %+v", i, r)
		}
	}
	code, out, _ = buffered("buffers", "list")
	if decodeAll(t, out, &infos); code != 0 || len(infos) != 0 {
		t.Fatalf("buffers after the flush: exit %d, %+v", code, infos)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "list", "-user", "uma", "-topic", "summary")
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 {
		t.Fatalf("uma's summaries: exit %d, %+v", code, page)
	}
	summary := page.Memories[0]
	if summary.Content != strings.Join(texts, "\n") || summary.Version != 1 || summary.ID != flushed.Runs[0].MemoryIDs[1] {
		t.Fatalf("summary %+v", summary)
	}

	// An add without -wait exits with its run queued; the flush resumes it, lets it park, then fires.
	code, out, errOut = buffered("add", "-user", "uma", "Uma moved to Bergen.")
	var late mnemo.Run
	if decodeAll(t, out, &late); code != 0 {
		t.Fatalf("add: exit %d, %s", code, errOut)
	}
	code, out, errOut = buffered("buffers", "flush", "-user", "uma")
	if decodeAll(t, out, &flushed); code != 0 || flushed.Resumed != 1 || strings.Contains(out, "runs") {
		t.Fatalf("buffers flush of the late run: exit %d, %s, %s", code, out, errOut)
	}
	code, out, errOut = buffered("runs", "wait", "-timeout", "1m", late.ID)
	if decodeAll(t, out, &late); code != 0 || late.Status != mnemo.Completed {
		t.Fatalf("runs wait: exit %d, %+v, %s", code, late, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "list", "-user", "uma", "-topic", "summary")
	if decodeAll(t, out, &page); code != 0 || page.Total != 1 || page.Memories[0].ID != summary.ID ||
		page.Memories[0].Version != 2 || !strings.HasSuffix(page.Memories[0].Content, "\nUma moved to Bergen.") {
		t.Fatalf("the summary after the second firing: exit %d, %+v (was %+v)", code, page, summary)
	}
}

// TestBuffersUnderOtherFlags opens a file with a parked run without the buffer flags it was added
// with: buffers list shows its buffer inactive, write commands warn, a flush leaves it parked; the
// same flags as before fire it.
func TestBuffersUnderOtherFlags(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "other.db")
	code, out, errOut := mnemoCmd(t, "", "-db", db, "-buffer-since-last", "1h", "add", "-user", "vic", "-wait", "Vic sings bass.")
	var parked mnemo.Run
	if decodeAll(t, out, &parked); code != 0 || parked.Status != mnemo.InBuffer {
		t.Fatalf("add -wait: exit %d, %+v, %s", code, parked, errOut)
	}

	code, out, errOut = mnemoCmd(t, "", "-db", db, "buffers", "list")
	var infos []mnemo.BufferInfo
	if decodeAll(t, out, &infos); code != 0 || len(infos) != 1 || infos[0].Active || infos[0].Runs != 1 ||
		!infos[0].FiresAt.IsZero() || errOut != "" {
		t.Fatalf("buffers list without the flags: exit %d, %+v, stderr %q", code, infos, errOut)
	}
	const warning = "mnemo: warning: 1 parked run(s) wait in 1 buffer(s) that this pipeline has no buffer step for"
	code, out, errOut = mnemoCmd(t, "", "-db", db, "add", "-user", "wim", "-wait", "Wim whistles.")
	var other mnemo.Run
	if decodeAll(t, out, &other); code != 0 || other.Status != mnemo.Completed || !strings.HasPrefix(errOut, warning) {
		t.Fatalf("add under the default pipeline: exit %d, %+v, stderr %q", code, other, errOut)
	}
	code, out, errOut = mnemoCmd(t, "", "-db", db, "buffers", "flush", "-all", "-wait")
	var flushed flushOutput
	if decodeAll(t, out, &flushed); code != 0 || flushed.Resumed != 0 || len(flushed.Runs) != 0 || !strings.HasPrefix(errOut, warning) {
		t.Fatalf("buffers flush without the flags: exit %d, %s, stderr %q", code, out, errOut)
	}
	if r := readRun(t, db, parked.ID); r.Status != mnemo.InBuffer {
		t.Fatalf("the parked run under other flags: %+v", r)
	}

	code, out, errOut = mnemoCmd(t, "", "-db", db, "-buffer-since-last", "1h", "buffers", "list")
	if decodeAll(t, out, &infos); code != 0 || len(infos) != 1 || !infos[0].Active ||
		!infos[0].FiresAt.Equal(infos[0].LastItemAt.Add(time.Hour)) {
		t.Fatalf("buffers list with the flags: exit %d, %+v, %s", code, infos, errOut)
	}
	code, out, errOut = mnemoCmd(t, "", "-db", db, "-buffer-since-last", "1h", "buffers", "flush", "-all", "-wait")
	if decodeAll(t, out, &flushed); code != 0 || flushed.Resumed != 1 || len(flushed.Runs) != 1 ||
		flushed.Runs[0].Status != mnemo.Completed || errOut != "" {
		t.Fatalf("buffers flush with the flags: exit %d, %+v, stderr %q", code, flushed, errOut)
	}
}

// TestQuickstartBuffered: quickstart -buffered prints its first run parked, then the three runs
// ended by the firing the third filled, then the summary holding the three notes.
func TestQuickstartBuffered(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "qsb.db")
	code, out, errOut := mnemoCmd(t, "", "-db", db, "quickstart", "-buffered")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var parked mnemo.Run
	var runs []mnemo.Run
	var page mnemo.MemoryPage
	decodeAll(t, out, &parked, &runs, &page)
	if parked.Status != mnemo.InBuffer || parked.Step != 3 || parked.Steps[3] != "buffer" || parked.MemoriesCreated != 1 {
		t.Fatalf("the first run, parked: %+v", parked)
	}
	if page.Total != 1 || len(page.Memories) != 1 {
		t.Fatalf("summaries %+v", page)
	}
	s := page.Memories[0]
	if s.Topic != "summary" || s.UserID != "alice" || s.Content != strings.Join(sampleNotes, "\n") || len(s.Sources) != 3 {
		t.Fatalf("summary %+v", s)
	}
	if len(runs) != 3 || runs[0].ID != parked.ID {
		t.Fatalf("runs %+v", runs)
	}
	for i, r := range runs {
		if r.Status != mnemo.Completed || r.MemoriesCreated != 2 || r.MemoryIDs[1] != s.ID {
			t.Fatalf("run %d: %+v", i, r)
		}
	}
	for _, want := range []string{"parked in alice's buffer (1 of 3 items)", "fills the buffer", "mnemo: quickstart wrote " + db + "\n"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q does not say %q", errOut, want)
		}
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "list", "-user", "alice", "-prop", "conversation_id=trip-planning")
	if decodeAll(t, out, &page); code != 0 || page.Total != 4 {
		t.Fatalf("alice's memories: exit %d, %+v; want three notes and the summary", code, page)
	}
}
