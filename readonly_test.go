package mnemo_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestReadOnly opens a file read-only: a missing file is ErrNotFound and is not created, reads work,
// writes return ErrReadOnly, a pending run is left as it is, and two read-only engines share the file.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo.db")
	if _, err := mnemo.Open(missing, &mnemo.Options{ReadOnly: true}); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("read-only Open of a missing file: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("read-only Open created the file: %v", err)
	}

	path := filepath.Join(dir, "ro.db")
	g := newGate()
	rw, err := mnemo.Open(path, &mnemo.Options{Extractor: g, ShutdownTimeout: 1})
	if err != nil {
		t.Fatal(err)
	}
	done := add(t, rw, mnemo.PreExtracted(mnemo.Item{Content: "Read-only fact."}), nil)
	wait(t, rw, done.ID)
	pending := add(t, rw, mnemo.Text("Pending fact."), nil)
	<-g.entered
	rw.Close() // the pending run stays in the file

	ro := open(t, path, &mnemo.Options{ReadOnly: true})
	ro2 := open(t, path, &mnemo.Options{ReadOnly: true})
	ctx := ctxT(t)
	if got := contents(t, ro2, nil); len(got) != 1 || got[0] != "Read-only fact." {
		t.Fatalf("second read-only engine lists %q", got)
	}
	if r, err := ro.Runs.Wait(ctx, done.ID); err != nil || r.Status != mnemo.Completed {
		t.Fatalf("Wait on a finished run: %+v, %v", r, err)
	}
	if r, err := ro.Runs.Wait(ctx, pending.ID); !errors.Is(err, mnemo.ErrReadOnly) || r == nil || r.Status.Terminal() {
		t.Fatalf("Wait on a pending run: %+v, %v, want ErrReadOnly", r, err)
	}
	ch, err := ro.Runs.Watch(ctx, pending.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for range ch {
		n++
	}
	if n != 1 {
		t.Fatalf("Watch sent %d runs, want 1 then close", n)
	}
	if _, err := ro.Memories.Add(ctx, mnemo.Text("x"), nil); !errors.Is(err, mnemo.ErrReadOnly) {
		t.Fatalf("Add: %v, want ErrReadOnly", err)
	}
	page, err := ro.Memories.List(ctx, nil)
	if err != nil || page.Total != 1 {
		t.Fatalf("List: %+v, %v", page, err)
	}
	if err := ro.Memories.Delete(ctx, page.Memories[0].ID); !errors.Is(err, mnemo.ErrReadOnly) {
		t.Fatalf("Delete: %v, want ErrReadOnly", err)
	}
	if r, err := ro.Runs.Get(ctx, pending.ID); err != nil || r.Status != pending.Status && r.Status != mnemo.Running {
		t.Fatalf("pending run after read-only use: %+v, %v", r, err)
	}
}
