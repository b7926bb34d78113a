package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestSearchAndReindex searches through the command line (JSON off a terminal, with flags after the
// query), refuses bad searches with the right exit codes, and reindexes a file.
func TestSearchAndReindex(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "m.db")
	seed(t, db, "-user", "alice", "Alice prefers async Python. She adopted a puppy named Rex.")
	seed(t, db, "-user", "bob", "Bob prefers Rust.")

	code, out, errOut := mnemoCmd(t, "", "-db", db, "search", "which", "language", "does", "alice", "prefer", "-user", "alice", "-mode", "bm25")
	var res []mnemo.Result
	if decodeAll(t, out, &res); code != 0 || len(res) != 1 || res[0].Memory.Content != "Alice prefers async Python." || res[0].BM25 <= 0 {
		t.Fatalf("search: exit %d, %+v, %s", code, res, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "search", "-user", "alice", "-mode", "fetch", "-limit", "1")
	if decodeAll(t, out, &res); code != 0 || len(res) != 1 || res[0].Memory.Content != "She adopted a puppy named Rex." {
		t.Fatalf("fetch: exit %d, %+v", code, res)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"search", "-user", "alice"}, 2},
		{[]string{"search", "-mode", "fuzzy", "x"}, 6},
		{[]string{"search", "-limit", "500", "x"}, 6},
		{[]string{"search", "-nope", "x"}, 2},
		{[]string{"-db", filepath.Join(t.TempDir(), "missing.db"), "search", "x"}, 3},
		{[]string{"-db", filepath.Join(t.TempDir(), "missing.db"), "reindex"}, 3},
		{[]string{"reindex", "extra"}, 2},
	} {
		args := c.args
		if args[0] != "-db" {
			args = append([]string{"-db", db}, args...)
		}
		code, _, errOut := mnemoCmd(t, "", args...)
		if code != c.code {
			t.Errorf("mnemo %q: exit %d, want %d (%s)", args, code, c.code, errOut)
		}
		oneError(t, args, errOut)
	}
	code, out, errOut = mnemoCmd(t, "", "-db", db, "reindex")
	var rep struct{ Memories int }
	if decodeAll(t, out, &rep); code != 0 || rep.Memories != 3 || !strings.Contains(errOut, "reindex: 3 of 3") {
		t.Fatalf("reindex: exit %d, %s, %s", code, out, errOut)
	}
}
