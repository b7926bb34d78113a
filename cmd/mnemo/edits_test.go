package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// listOf returns the memories the list command prints for args.
func listOf(t *testing.T, db string, args ...string) []mnemo.Memory {
	t.Helper()
	code, out, errOut := mnemoCmd(t, "", append([]string{"-db", db, "list"}, args...)...)
	var page mnemo.MemoryPage
	if decodeAll(t, out, &page); code != 0 {
		t.Fatalf("list %q: exit %d: %s", args, code, errOut)
	}
	return page.Memories
}

// TestUpdateHistoryPurge edits memories from the shell: a run supersedes one, update refines its
// successor (content from stdin, an expiry), history shows every change, purge removes one memory,
// and purge -user a whole user.
func TestUpdateHistoryPurge(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "edits.db")
	paris := seed(t, db, "-user", "ann", "I live in Paris.").MemoryIDs[0]
	berlinRun := seed(t, db, "-user", "ann", "I moved to Berlin.")
	if len(berlinRun.CommittedOperations.Deleted) != 1 || berlinRun.CommittedOperations.Deleted[0].MemoryID != paris {
		t.Fatalf("the second run superseded nothing: %+v", berlinRun.CommittedOperations)
	}
	berlin := berlinRun.MemoryIDs[0]
	if got := listOf(t, db, "-user", "ann"); len(got) != 1 || got[0].ID != berlin {
		t.Fatalf("list: %+v", got)
	}
	if got := listOf(t, db, "-user", "ann", "-include-superseded"); len(got) != 2 || got[0].SupersededBy != berlin {
		t.Fatalf("list -include-superseded: %+v", got)
	}

	code, _, errOut := mnemoCmd(t, "", "-db", db, "update", paris, "I live in Lyon.")
	if code != exitConflict || !strings.Contains(errOut, "superseded by "+berlin) {
		t.Fatalf("update of a superseded memory: exit %d, %s", code, errOut)
	}
	before := time.Now()
	code, out, errOut := mnemoCmd(t, "  I moved to Berlin in March.\n", "-db", db, "update", "-expires", "30d", berlin, "-")
	var m mnemo.Memory
	if decodeAll(t, out, &m); code != 0 || m.Content != "I moved to Berlin in March." || m.Version != 2 ||
		m.ExpiresAt.Before(before.Add(30*24*time.Hour)) || m.ExpiresAt.After(time.Now().Add(30*24*time.Hour)) {
		t.Fatalf("update -expires 30d from stdin: exit %d, %+v, %s", code, m, errOut)
	}
	code, out, errOut = mnemoCmd(t, "", "-db", db, "update", berlin, "-no-expiry", "I moved to Berlin in March.")
	m = mnemo.Memory{}
	if decodeAll(t, out, &m); code != 0 || m.Version != 3 || !m.ExpiresAt.IsZero() {
		t.Fatalf("update -no-expiry: exit %d, %+v, %s", code, m, errOut)
	}

	code, out, errOut = mnemoCmd(t, "", "-db", db, "history", berlin)
	var hist []mnemo.Change
	if decodeAll(t, out, &hist); code != 0 || len(hist) != 3 {
		t.Fatalf("history: exit %d, %+v, %s", code, hist, errOut)
	}
	for i, want := range []struct{ op, by, content string }{
		{"create", berlinRun.ID, "I moved to Berlin."},
		{"update", "api", "I moved to Berlin in March."},
		{"update", "api", "I moved to Berlin in March."}, // the expiry removed
	} {
		if c := hist[i]; c.Operation != want.op || c.RunID != want.by || c.NewContent != want.content || c.Version != i+1 {
			t.Errorf("change %d: %+v, want %+v", i, c, want)
		}
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "history", paris)
	if decodeAll(t, out, &hist); code != 0 || len(hist) != 2 || hist[1].Operation != "supersede" || hist[1].SupersededBy != berlin {
		t.Fatalf("history of the superseded memory: exit %d, %+v", code, hist)
	}

	code, out, errOut = mnemoCmd(t, "", "-db", db, "purge", paris)
	if code != 0 || !strings.Contains(out, paris) {
		t.Fatalf("purge: exit %d, %s %s", code, out, errOut)
	}
	for _, args := range [][]string{{"history", paris}, {"get", paris}, {"purge", paris}} {
		if code, _, errOut := mnemoCmd(t, "", append([]string{"-db", db}, args...)...); code != exitNotFound {
			t.Errorf("%q after purge: exit %d, %s", args, code, errOut)
		}
	}

	seed(t, db, "-user", "bo", "-group", "team", "I like tea.", "I run marathons.")
	code, out, errOut = mnemoCmd(t, "", "-db", db, "purge", "-user", "bo", "-group", "team")
	type purgeReport struct {
		Group    string `json:"group"`
		UserID   string `json:"user_id"`
		Runs     int    `json:"runs"`
		Memories int    `json:"memories"`
	}
	var rep purgeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || rep != (purgeReport{"team", "bo", 1, 2}) {
		t.Fatalf("purge -user: exit %d, %s %s", code, out, errOut)
	}
	if got := listOf(t, db, "-user", "bo", "-group", "team"); len(got) != 0 {
		t.Fatalf("bo's memories after purge -user: %+v", got)
	}
	if got := listOf(t, db, "-user", "ann"); len(got) != 1 {
		t.Fatalf("ann's memories after bo's purge: %+v", got)
	}
}

// TestEditErrors: wrong arguments are usage errors; the edit commands never create a file.
func TestEditErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := filepath.Join(dir, "e.db")
	id := seed(t, db, "Cy knits.").MemoryIDs[0]
	missing := filepath.Join(dir, "missing.db")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-db", db, "update", id}, exitUsage, "takes a memory ID and the new content"},
		{[]string{"-db", db, "update", id, "a", "b"}, exitUsage, "got 3 arguments"},
		{[]string{"-db", db, "update", "-expires", "soon", id, "x"}, exitUsage, `"soon" is neither a time`},
		{[]string{"-db", db, "update", "-expires", "-1h", id, "x"}, exitUsage, "must be positive"},
		{[]string{"-db", db, "update", "-expires", "1d", "-no-expiry", id, "x"}, exitUsage, "exclude each other"},
		{[]string{"-db", db, "update", id, " "}, exitInvalid, "content: empty"},
		{[]string{"-db", db, "update", "nope", "x"}, exitInvalid, "not a UUID"},
		{[]string{"-db", db, "history"}, exitUsage, "takes one memory ID"},
		{[]string{"-db", db, "purge"}, exitUsage, "takes one memory ID, or -user USER"},
		{[]string{"-db", db, "purge", id, "-user", "x"}, exitUsage, "not both"},
		{[]string{"-db", db, "purge", "-group", "g", id}, exitUsage, "-group needs -user"},
		{[]string{"-db", db, "history", "01900000-0000-7000-8000-000000000000"}, exitNotFound, "not found"},
		{[]string{"-db", db, "-read-only", "purge", id}, exitReadOnly, "read-only"},
		{[]string{"-db", db, "-read-only", "update", id, "Cy knits socks."}, exitReadOnly, "read-only"},
		{[]string{"-db", missing, "update", id, "x"}, exitNotFound, "creates none"},
		{[]string{"-db", missing, "purge", "-user", "x"}, exitNotFound, "creates none"},
		{[]string{"-db", missing, "delete", id}, exitNotFound, "creates none"},
		{[]string{"-db", missing, "history", id}, exitNotFound, "not created"},
	} {
		code, out, errOut := mnemoCmd(t, "", c.args...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.want) {
			t.Errorf("mnemo %q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
		oneError(t, c.args, errOut)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an edit command created %s: %v", missing, err)
	}
	if got := listOf(t, db); len(got) != 1 || got[0].Content != "Cy knits." || got[0].Version != 1 {
		t.Fatalf("the memory after the failed edits: %+v", got)
	}
}
