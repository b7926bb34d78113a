package mnemo_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/pipeline"
)

// The runs of testdata/schema1.db (see testdata/README.md).
const (
	schema1Caroline = "01a211d5-15e7-70e7-92c0-1fe060323e5a"
	schema1Bob      = "01a211d5-15e7-77d2-8443-0a7d27a7d52c"
	schema1Dana     = "01a211d5-15eb-7060-ae10-ab79266ecac0"
)

// copySchema1 copies the schema-1 file into a fresh folder.
func copySchema1(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "schema1.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMigrateSchema1 opens a file written by the schema-1 code: read-only it reads as it is; the
// first read-write Open migrates it (every record rewritten with exact times, the schema raised)
// and resumes the run it left running; nothing read before the migration changes.
func TestMigrateSchema1(t *testing.T) {
	t.Parallel()
	path := copySchema1(t)
	ctx := ctxT(t)
	at := time.Date(2023, 5, 8, 13, 56, 7, 123456789, time.UTC)

	ro := open(t, path, &mnemo.Options{ReadOnly: true})
	before := map[string]string{}
	for _, id := range []string{schema1Caroline, schema1Bob} {
		r, err := ro.Runs.Get(ctx, id)
		if err != nil || r.Status != mnemo.Completed {
			t.Fatalf("schema-1 run %s: %+v, %v", id, r, err)
		}
		before[id] = fmt.Sprintf("%+v", *r)
	}
	page, err := ro.Memories.List(ctx, &mnemo.ListOptions{UserID: "caroline", Properties: map[string]string{"conversation_id": "conv-26"}})
	if err != nil || page.Total != 2 {
		t.Fatalf("schema-1 memories: %+v, %v", page, err)
	}
	m := page.Memories[0]
	if m.Content != "Caroline: I went to a LGBTQ support group yesterday." || !m.EventTime.Equal(at) || m.Metadata["source"] != "fixture" {
		t.Fatalf("schema-1 memory %+v", m)
	}
	memBefore := fmt.Sprintf("%+v", page.Memories)
	ro.Close()

	eng := open(t, path, nil)
	dana := wait(t, eng, schema1Dana)
	if dana.Status != mnemo.Completed || dana.MemoriesCreated != 2 || dana.Attempts != 2 {
		t.Fatalf("the run left running by schema-1 code: %+v", dana)
	}
	for id, want := range before {
		r, err := eng.Runs.Get(ctx, id)
		if err != nil || fmt.Sprintf("%+v", *r) != want {
			t.Fatalf("run %s after migration\n got %+v (%v)\nwant %s", id, r, err, want)
		}
	}
	page, err = eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "caroline", Properties: map[string]string{"conversation_id": "conv-26"}})
	if err != nil || fmt.Sprintf("%+v", page.Memories) != memBefore {
		t.Fatalf("memories after migration\n got %+v (%v)\nwant %s", page.Memories, err, memBefore)
	}
	if got := contents(t, eng, &mnemo.ListOptions{Group: "team", UserID: "bob"}); fmt.Sprint(got) != "[Bob plays the cello.]" {
		t.Fatalf("bob's memories %q", got)
	}
	// A document ID recorded by schema 1 still guards its scope.
	if _, err := eng.Memories.Add(ctx, mnemo.Text("again"), &mnemo.AddOptions{UserID: "Caroline", DocumentID: "doc-1"}); err == nil {
		t.Fatal("a document ID of the schema-1 file was accepted again")
	}
	eng.Close()

	// The file now says schema 4, and every record is in the new format: runs in format 2, memories
	// in format 3.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte("meta")).Get([]byte("schema")); len(v) != 1 || v[0] != 4 {
			t.Errorf("schema after migration: %v", v)
		}
		for bucket, format := range map[string]byte{"runs": 2, "memories": 3} {
			tx.Bucket([]byte(bucket)).ForEach(func(k, v []byte) error {
				if v[0] != format {
					t.Errorf("%s record %x still in format %d", bucket, k, v[0])
				}
				return nil
			})
		}
		return nil
	})
}

// TestMigrateSchema3 opens a file written by the schema-3 code: its memories read as they were, the
// run it left running completes, and the runs parked in its buffer (items in the old encoding)
// resume when the buffer is flushed, folding their facts into a summary.
func TestMigrateSchema3(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "schema3.db"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	pipe := pipeline.New(pipeline.Extract(), pipeline.Transform(), pipeline.Commit(),
		pipeline.Buffer(buffer.Trigger{Count: 100}), pipeline.Summarize("summary"), pipeline.Commit())
	eng := open(t, path, &mnemo.Options{Pipeline: pipe})
	ctx := ctxT(t)
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "u"}); fmt.Sprint(got) != "[Alice prefers green tea. Bob plays chess on Sundays. Carol owns a red bike.]" {
		t.Fatalf("u's memories %q", got)
	}
	done, err := eng.Runs.WaitFor(ctx, "01a212bf-cc5e-7499-bd19-848c11b96a38", mnemo.InBuffer)
	if err != nil {
		t.Fatalf("the interrupted run: %+v, %v", done, err)
	}
	vm := contents(t, eng, &mnemo.ListOptions{UserID: "v"})
	if len(vm) != 1 || !strings.Contains(vm[0], "Porto") {
		t.Fatalf("v's memories %q", vm)
	}
	n, err := eng.Buffers.Flush(ctx, &mnemo.FlushOptions{UserID: "u"})
	if err != nil || n != 3 {
		t.Fatalf("flush: %d, %v", n, err)
	}
	page, err := eng.Runs.List(ctx, &mnemo.RunListOptions{UserID: "u"})
	if err != nil || len(page.Runs) != 3 {
		t.Fatalf("u's runs: %+v, %v", page, err)
	}
	for _, r := range page.Runs {
		if r := wait(t, eng, r.ID); r.Status != mnemo.Completed {
			t.Fatalf("parked run %+v", r)
		}
	}
	summary := contents(t, eng, &mnemo.ListOptions{UserID: "u", Topics: []string{"summary"}})
	if len(summary) != 1 || !strings.Contains(summary[0], "chess") || !strings.Contains(summary[0], "bike") {
		t.Fatalf("summary %q", summary)
	}
}
