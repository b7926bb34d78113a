package mnemo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/internal/files/pdftest"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// writeFile writes data to name in a fresh directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// memories returns every memory of user's scope.
func memories(t *testing.T, eng *mnemo.Engine, user string) []mnemo.Memory {
	t.Helper()
	var out []mnemo.Memory
	opts := &mnemo.ListOptions{UserID: user, Limit: mnemo.MaxListLimit}
	for {
		page, err := eng.Memories.List(ctxT(t), opts)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Memories...)
		if page.Next == "" {
			return out
		}
		opts.Cursor = page.Next
	}
}

// find returns the memory whose content contains s.
func find(t *testing.T, mems []mnemo.Memory, s string) mnemo.Memory {
	t.Helper()
	for _, m := range mems {
		if strings.Contains(m.Content, s) {
			return m
		}
	}
	var all []string
	for _, m := range mems {
		all = append(all, m.Content)
	}
	t.Fatalf("no memory contains %q among %q", s, all)
	return mnemo.Memory{}
}

func TestAddFileFormats(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	chatgpt := `[{"title": "Trip", "id": "conv-1", "current_node": "n3", "mapping": {
		"n1": {"id": "n1", "parent": null, "children": ["n2"], "message": null},
		"n2": {"id": "n2", "parent": "n1", "children": ["n3"], "message": {"id": "m2", "author": {"role": "user"},
			"content": {"content_type": "text", "parts": ["I am flying to Lisbon in March for a conference."]}, "create_time": 1710000000.5}},
		"n3": {"id": "n3", "parent": "n2", "children": [], "message": {"id": "m3", "author": {"role": "assistant"},
			"content": {"content_type": "text", "parts": ["Lisbon is lovely in March; bring a light jacket."]}, "create_time": 1710000060}}}}]`
	cases := []struct {
		name, data, user, want string
		check                  func(t *testing.T, m mnemo.Memory)
	}{
		{"notes.txt", "Dana keeps bees on her roof.\n\nShe sells the honey at the Saturday market.\n", "text", "Dana keeps bees", nil},
		{"guide.md", "---\ntitle: x\n---\n# Garden\n\nThe tomatoes grow by the south wall.\n\n## Tools\n\nThe spade hangs in the shed.\n", "md", "spade hangs",
			func(t *testing.T, m mnemo.Memory) {
				if s := m.Sources[0]; s.Chunk != 2 || s.Page != 0 {
					t.Errorf("the spade's source %+v: want chunk 2 (its heading starts one)", s)
				}
			}},
		{"page.html", "<!doctype html><html><head><title>T</title><style>p{}</style><script>var secret = 1;</script></head><body><h1>Pets</h1><p>Eli&apos;s cat is named Miso.</p></body></html>", "html", "cat is named Miso", nil},
		{"conversations.json", chatgpt, "chat", "Lisbon in March",
			func(t *testing.T, m mnemo.Memory) {
				if want := time.Unix(1710000000, 500_000_000).UTC(); !m.EventTime.Equal(want) {
					t.Errorf("event time %v, want %v", m.EventTime, want)
				}
				if s := m.Sources[0]; s.MessageID != "m2" || s.Input != 0 {
					t.Errorf("source %+v: want message m2, index 0", s)
				}
			}},
		{"chat.jsonl", `{"role": "user", "content": "My sister Ana lives in Porto."}` + "\n" + `{"role": "assistant", "content": "Noted."}` + "\n", "jsonl", "Ana lives in Porto", nil},
		{"report.pdf", string(pdftest.Minimal("The boiler was serviced in May.", "The roof needs new tiles before winter.")), "pdf", "roof needs new tiles",
			func(t *testing.T, m mnemo.Memory) {
				if s := m.Sources[0]; s.Page != 2 {
					t.Errorf("the roof's source %+v: want page 2", s)
				}
			}},
	}
	for _, c := range cases {
		path := writeFile(t, c.name, []byte(c.data))
		run := add(t, eng, mnemo.File(path), &mnemo.AddOptions{UserID: c.user})
		if run.InputType != mnemo.InputFile {
			t.Fatalf("%s: input type %s", c.name, run.InputType)
		}
		if done := wait(t, eng, run.ID); done.Status != mnemo.Completed || done.MemoriesCreated == 0 {
			t.Fatalf("%s: run %s (%s), %d memories", c.name, done.Status, done.Error, done.MemoriesCreated)
		}
		mems := memories(t, eng, c.user)
		m := find(t, mems, c.want)
		if s := m.Sources[0]; s.File != path || s.Chunk < 1 || s.RunID != run.ID {
			t.Fatalf("%s: source %+v, want the file %s and a chunk", c.name, s, path)
		}
		for _, m := range mems {
			if strings.Contains(m.Content, "secret") || strings.Contains(m.Content, "title: x") {
				t.Fatalf("%s: %q should not be a memory", c.name, m.Content)
			}
		}
		if c.check != nil {
			t.Run(c.name, func(t *testing.T) { c.check(t, m) })
		}
	}
}

func TestAddFileIsReadWhenAdded(t *testing.T) {
	t.Parallel()
	g := newGate()
	eng, _ := setup(t, &mnemo.Options{Extractor: g})
	path := writeFile(t, "n.md", []byte("# Plans\n\nWe repaint the kitchen in June.\n"))
	run := add(t, eng, mnemo.File(path), nil)
	<-g.entered
	if err := os.Remove(path); err != nil { // the run no longer needs it
		t.Fatal(err)
	}
	g.release <- struct{}{}
	if done := wait(t, eng, run.ID); done.Status != mnemo.Completed || done.MemoriesCreated != 1 {
		t.Fatalf("run %+v", done)
	}
}

func TestAddFileRefusals(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ctx := ctxT(t)
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(mnemo.MaxFileBytes + 1); err != nil { // sparse: costs no disk
		t.Fatal(err)
	}
	f.Close()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	for name, path := range map[string]string{
		"missing":       filepath.Join(dir, "nope.md"),
		"directory":     dir,
		"empty":         writeFile(t, "empty.txt", nil),
		"over the size": big,
		"an image":      writeFile(t, "photo.md", png),
		"not a chat":    writeFile(t, "data.json", []byte(`{"temperature": 21.5, "unit": "C"}`)),
		"no path":       "",
	} {
		_, err := eng.Memories.Add(ctx, mnemo.File(path), nil)
		var fe *mnemo.FieldError
		if !errors.As(err, &fe) || fe.Field != "file" {
			t.Errorf("%s: %v, want a FieldError on file", name, err)
		}
	}
	page, err := eng.Runs.List(ctx, nil)
	if err != nil || len(page.Runs) != 0 {
		t.Fatalf("runs after refusals: %+v, %v", page, err)
	}
}

// chunkFailer fails, for good, the extraction of every text that contains "FAIL".
var chunkFailer = pipeline.ExtractorFunc(func(ctx context.Context, req pipeline.ExtractRequest) ([]mnemo.Fact, error) {
	if strings.Contains(req.Text, "FAIL") {
		return nil, pipeline.Permanent(errors.New("the model refused this chunk"))
	}
	return []mnemo.Fact{{Content: strings.TrimSpace(req.Text)}}, nil
})

func TestAddFilePartialSuccess(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{Extractor: chunkFailer})
	doc := "# One\n\nThe first section is fine.\n\n# Two\n\nThis one says FAIL.\n\n# Three\n\nThe third is fine too.\n"
	run := add(t, eng, mnemo.File(writeFile(t, "doc.md", []byte(doc))), &mnemo.AddOptions{UserID: "p"})
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.PartialSuccess || done.MemoriesCreated != 2 || !strings.Contains(done.Error, "chunk 2") ||
		!strings.Contains(done.Error, "the model refused this chunk") {
		t.Fatalf("run %s, %d memories, error %q", done.Status, done.MemoriesCreated, done.Error)
	}
	all := "# A\n\nFAIL here.\n\n# B\n\nFAIL there.\n"
	run = add(t, eng, mnemo.File(writeFile(t, "bad.md", []byte(all))), &mnemo.AddOptions{UserID: "f"})
	if done := wait(t, eng, run.ID); done.Status != mnemo.Failed || done.MemoriesCreated != 0 || !strings.Contains(done.Error, "2 of 2 chunks failed") {
		t.Fatalf("every chunk failing: %s, %q", done.Status, done.Error)
	}
}

// bigMarkdown is a Markdown document of n sections, each a heading and two sentences.
func bigMarkdown(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "## Section %d\n\nItem %d of the inventory is a lamp numbered %d. It stands in room %d.\n\n", i, i, i*7, i%13)
	}
	return b.Bytes()
}

// TestAddFileResumesWithoutTwins stops the engine in the middle of a file of many windows and
// opens it again: the run goes on from its last window, and the memories are those of a run that
// was never stopped.
func TestAddFileResumesWithoutTwins(t *testing.T) {
	t.Parallel()
	data := bigMarkdown(400)
	want := func() []string {
		eng, _ := setup(t, &mnemo.Options{CommitPartSize: 16})
		run := add(t, eng, mnemo.File(writeFile(t, "inv.md", data)), nil)
		if done := wait(t, eng, run.ID); done.Status != mnemo.Completed {
			t.Fatalf("reference run %+v", done)
		}
		return contents(t, eng, &mnemo.ListOptions{})
	}()

	blocked := make(chan struct{})
	path := filepath.Join(t.TempDir(), "m.db")
	file := writeFile(t, "inv.md", data)
	gated := &sectionGate{stopAt: "Item 200 of", reached: blocked}
	eng, err := mnemo.Open(path, &mnemo.Options{CommitPartSize: 16, Extractor: gated, ShutdownTimeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	run := add(t, eng, mnemo.File(file), nil)
	<-blocked
	eng.Close()

	eng = open(t, path, &mnemo.Options{CommitPartSize: 16})
	mid, err := eng.Runs.Get(ctxT(t), run.ID)
	if err != nil {
		t.Fatal(err)
	}
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed {
		t.Fatalf("resumed run %+v", done)
	}
	got := contents(t, eng, &mnemo.ListOptions{})
	if !slices.Equal(got, want) {
		t.Fatalf("after resuming: %d memories, want %d (the run was at %d when it resumed)", len(got), len(want), mid.MemoriesCreated)
	}
}

// sectionGate extracts with the default rules, but blocks, until its context ends, the chunk that
// holds stopAt (closing reached when it gets there).
type sectionGate struct {
	stopAt  string
	reached chan struct{}
}

func (g *sectionGate) Extract(ctx context.Context, req pipeline.ExtractRequest) ([]mnemo.Fact, error) {
	if strings.Contains(req.Text, g.stopAt) {
		close(g.reached)
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return rules.Extractor{}.Extract(ctx, req)
}

// A file's document ID is an idempotency key like any add's: the second add of it is refused before
// its bytes are copied, naming the run that added it first.
func TestAddFileDocumentID(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	path := writeFile(t, "spec.md", []byte("# Spec\n\nThe API returns JSON.\n"))
	opts := &mnemo.AddOptions{UserID: "dev", DocumentID: "spec-v1"}
	first := add(t, eng, mnemo.File(path), opts)
	_, err := eng.Memories.Add(ctxT(t), mnemo.File(path), opts)
	if !errors.Is(err, mnemo.ErrConflict) || !strings.Contains(err.Error(), first.ID) {
		t.Fatalf("second add: %v, want ErrConflict naming %s", err, first.ID)
	}
	b, err := eng.Memories.AddBatch(ctxT(t), []mnemo.AddRequest{{Input: mnemo.File(path), Options: *opts}}, nil)
	if err != nil || !errors.Is(b.Items[0].Err, mnemo.ErrConflict) {
		t.Fatalf("in a batch: %+v, %v", b, err)
	}
	if done := wait(t, eng, first.ID); done.Status != mnemo.Completed || done.MemoriesCreated != 1 {
		t.Fatalf("first run %+v", done)
	}
}

// The windows of a file run number their facts one after another: its memories' IDs, which sort by
// fact within a run, come out in order and never repeat. (Windows that each counted from 0 once made
// a later window's memory take the ID of an earlier, superseded one.)
func TestAddFileWindowsNumberTheirFacts(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{CommitPartSize: 8})
	var doc bytes.Buffer
	for i := range 60 {
		// Each section repeats, then contradicts, a fact of the one before, so that windows
		// supersede and re-add the same contents.
		fmt.Fprintf(&doc, "## Part %d\n\nThe lamp stands in room %d. The lamp stands in room %d. Item %d is blue.\n\n", i, i%3, (i+1)%3, i)
	}
	run := add(t, eng, mnemo.File(writeFile(t, "lamps.md", doc.Bytes())), nil)
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed {
		t.Fatalf("run %s: %s", done.Status, done.Error)
	}
	if len(done.MemoryIDs) < 60 || !slices.IsSorted(done.MemoryIDs) {
		t.Fatalf("%d memory IDs, sorted %v", len(done.MemoryIDs), slices.IsSorted(done.MemoryIDs))
	}
	if len(slices.Compact(slices.Clone(done.MemoryIDs))) != len(done.MemoryIDs) {
		t.Fatal("a memory ID repeats")
	}
}

// In a pipeline that does not stream files (one with a buffer after its commit), a file is
// extracted whole, and a chunk that fails is still named and counted.
func TestAddFileWholeInABufferedPipeline(t *testing.T) {
	t.Parallel()
	pipe := pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(buffer.Trigger{Count: 100}), pipeline.Summarize("summary"), pipeline.Commit())
	eng, _ := setup(t, &mnemo.Options{Pipeline: pipe, Extractor: chunkFailer})
	doc := "# One\n\nThe first section is fine.\n\n# Two\n\nThis one says FAIL.\n\n# Three\n\nThe third is fine too.\n"
	run := add(t, eng, mnemo.File(writeFile(t, "doc.md", []byte(doc))), &mnemo.AddOptions{UserID: "b"})
	ctx := ctxT(t)
	if _, err := eng.Runs.WaitFor(ctx, run.ID, mnemo.InBuffer); err != nil {
		t.Fatal(err)
	}
	if n, err := eng.Buffers.Flush(ctx, &mnemo.FlushOptions{UserID: "b"}); err != nil || n != 1 {
		t.Fatalf("flush: %d, %v", n, err)
	}
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.PartialSuccess || !strings.Contains(done.Error, "input 1: extract: the model refused this chunk") {
		t.Fatalf("run %s: %q", done.Status, done.Error)
	}
	m := find(t, memories(t, eng, "b"), "third is fine")
	if s := m.Sources[0]; s.Chunk != 3 || s.Input != 2 {
		t.Fatalf("source %+v: want chunk 3, input 2", s)
	}
}
