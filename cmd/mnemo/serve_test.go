package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineWriter collects what a command writes on stderr and signals each line that matches a
// pattern.
type lineWriter struct {
	mu      sync.Mutex // guards buf
	buf     bytes.Buffer
	pattern *regexp.Regexp
	matches chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		if m := w.pattern.FindStringSubmatch(line); m != nil {
			select {
			case w.matches <- m[1]:
			default:
			}
		}
	}
	return len(p), nil
}

func (w *lineWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// startServe runs "mnemo serve" on 127.0.0.1:0 in the background and returns its URL, and a stop
// function that sends it the equivalent of SIGINT and returns its exit status and stderr.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errOut := &lineWriter{pattern: regexp.MustCompile(`on (http://[^ ]+)`), matches: make(chan string, 1)}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), strings.NewReader(""), new(bytes.Buffer), errOut)
	}()
	var url string
	select {
	case url = <-errOut.matches:
	case code := <-done:
		cancel()
		t.Fatalf("serve exited %d: %s", code, errOut.String())
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("serve never said where it listens: %s", errOut.String())
	}
	stopped := false
	stop := func() (int, string) {
		if stopped {
			return 0, ""
		}
		stopped = true
		cancel()
		return <-done, errOut.String()
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

// TestServeAndRemoteCommands serves a file with a key and works on it with -server commands while
// the server holds it; then stops the server, and the file holds what the commands did.
func TestServeAndRemoteCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "served.db")
	url, stop := startServe(t, "-db", db, "-api-key", "k-123", "-quiet")
	t.Setenv("MNEMO_API_KEY", "k-123")

	code, out, errOut := mnemoCmd(t, "", "-server", url, "add", "-user", "hana", "-wait", "Hana rides a blue bicycle.")
	var r struct {
		RunID               string `json:"run_id"`
		Status              string `json:"status"`
		CommittedOperations struct {
			Created []struct {
				MemoryID string `json:"memory_id"`
			} `json:"created"`
		} `json:"committed_operations"`
	}
	if decodeAll(t, out, &r); code != 0 || r.Status != "completed" || len(r.CommittedOperations.Created) != 1 {
		t.Fatalf("add -wait: exit %d, %s, %s", code, out, errOut)
	}
	id := r.CommittedOperations.Created[0].MemoryID

	// A conversation and pre-extracted items go through the server too.
	conv := `[{"id": "m1", "role": "user", "content": "I keep a sourdough starter named Bubbles.", "created_at": "2026-03-01T10:00:00Z"}]`
	code, out, errOut = mnemoCmd(t, conv, "-server", url, "add", "-user", "ivo", "-conversation", "-", "-wait")
	if code != 0 || !strings.Contains(out, `"status": "completed"`) {
		t.Fatalf("add -conversation: exit %d, %s, %s", code, out, errOut)
	}
	code, out, errOut = mnemoCmd(t, `[{"content": "Ivo bakes on Saturdays.", "topic": "baking"}]`, "-server", url, "add", "-user", "ivo", "-items", "-", "-wait")
	if code != 0 || !strings.Contains(out, `"status": "completed"`) {
		t.Fatalf("add -items: exit %d, %s, %s", code, out, errOut)
	}
	if code, out, _ = mnemoCmd(t, "", "-server", url, "list", "-user", "ivo"); code != 0 || !strings.Contains(out, "Bubbles") || !strings.Contains(out, "Saturdays") {
		t.Errorf("ivo's memories: exit %d, %s", code, out)
	}
	if code, _, _ = mnemoCmd(t, "", "-server", url, "add", "-items", "-", "and text"); code != exitUsage {
		t.Errorf("add -items with a text: exit %d", code)
	}

	// The command's own flags may carry -server too, and the answer is the server's.
	code, out, _ = mnemoCmd(t, "", "runs", "get", r.RunID, "-server", url)
	if code != 0 || !strings.Contains(out, `"status": "completed"`) {
		t.Errorf("runs get: exit %d, %s", code, out)
	}
	if code, out, _ = mnemoCmd(t, "", "-server", url, "runs", "wait", "-timeout", "10s", r.RunID); code != 0 || !strings.Contains(out, r.RunID) {
		t.Errorf("runs wait: exit %d, %s", code, out)
	}
	var list struct {
		Memories []struct {
			ID, Content string
		}
		Total int
	}
	code, out, _ = mnemoCmd(t, "", "-server", url, "list", "-user", "hana")
	if decodeAll(t, out, &list); code != 0 || list.Total != 1 || list.Memories[0].ID != id {
		t.Errorf("list: exit %d, %s", code, out)
	}
	code, out, _ = mnemoCmd(t, "", "-server", url, "search", "-user", "hana", "-mode", "bm25", "bicycle")
	if decodeAll(t, out, &list); code != 0 || list.Total != 1 {
		t.Errorf("search: exit %d, %s", code, out)
	}
	if code, out, _ = mnemoCmd(t, "", "-server", url, "get", "-user", "hana", id); code != 0 || !strings.Contains(out, "blue bicycle") {
		t.Errorf("get: exit %d, %s", code, out)
	}
	if code, _, errOut = mnemoCmd(t, "", "-server", url, "get", id); code != exitNotFound {
		t.Errorf("get in another scope: exit %d, %s", code, errOut)
	}
	if code, out, _ = mnemoCmd(t, "", "-server", url, "delete", "-user", "hana", id); code != 0 || !strings.Contains(out, id) {
		t.Errorf("delete: exit %d, %s", code, out)
	}
	if code, _, _ = mnemoCmd(t, "", "-server", url, "get", "-user", "hana", id); code != exitNotFound {
		t.Errorf("get after delete: exit %d", code)
	}
	if code, _, errOut = mnemoCmd(t, "", "-server", url, "search", "-mode", "bm25", "-limit", "500", "x"); code != exitInvalid || !strings.Contains(errOut, "limit") {
		t.Errorf("search -limit 500: exit %d, %s", code, errOut)
	}

	// What has no remote form says so; the file itself is held by the server.
	args := []string{"-server", url, "history", id}
	if code, _, errOut = mnemoCmd(t, "", args...); code != exitUsage || !strings.Contains(errOut, "no remote form") {
		t.Errorf("history -server: exit %d, %s", code, errOut)
	}
	if code, _, errOut = mnemoCmd(t, "", "-db", db, "-lock-timeout", "0", "history", id); code != exitLocked {
		t.Errorf("a local command on the served file: exit %d, %s", code, errOut)
	}
	t.Setenv("MNEMO_API_KEY", "wrong")
	if code, _, errOut = mnemoCmd(t, "", "-server", url, "list"); code != exitError || !strings.Contains(errOut, "401") {
		t.Errorf("wrong key: exit %d, %s", code, errOut)
	}

	code, errOut = stop()
	if code != 0 || !strings.Contains(errOut, "mnemo: stopped") {
		t.Fatalf("stop: exit %d, %s", code, errOut)
	}
	code, out, _ = mnemoCmd(t, "", "-db", db, "history", id)
	if code != 0 || !strings.Contains(out, `"delete"`) {
		t.Errorf("history after the server stopped: exit %d, %s", code, out)
	}
}

// TestServeAccessLog: the server logs each request on stderr, without its key.
func TestServeAccessLog(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "log.db")
	url, stop := startServe(t, "-db", db, "-api-key", "k-log-secret")
	// No key: 401, logged.
	if code, _, _ := mnemoCmd(t, "", "-server", url, "list"); code != exitError {
		t.Errorf("list without a key: exit %d", code)
	}
	_, errOut := stop()
	if !strings.Contains(errOut, "path=/v1/memories/list") || !strings.Contains(errOut, "status=401") {
		t.Errorf("no access log line: %s", errOut)
	}
	if strings.Contains(errOut, "k-log-secret") {
		t.Errorf("the log holds the key: %s", errOut)
	}
}

// TestServeNoAuth: -no-auth serves on a loopback address only; no key without it is refused.
func TestServeNoAuth(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "auth.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "-addr", "0.0.0.0:0", "-no-auth"}, "loopback"},
		{[]string{"serve", "-addr", ":0", "-no-auth"}, "loopback"},
		{[]string{"serve", "-addr", "192.0.2.1:8080", "-no-auth"}, "loopback"},
		{[]string{"serve", "-addr", "127.0.0.1:0"}, "no API key"},
		{[]string{"serve", "-addr", "127.0.0.1:0", "-no-auth", "-api-key", "k"}, "one or the other"},
	} {
		code, _, errOut := mnemoCmd(t, "", append([]string{"-db", db}, tc.args...)...)
		if code != exitUsage || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, %s", tc.args, code, errOut)
		}
	}
	url, stop := startServe(t, "-db", db, "-no-auth", "-quiet")
	var page struct{ Total *int }
	code, out, errOut := mnemoCmd(t, "", "-server", url, "list")
	if decodeAll(t, out, &page); code != 0 || page.Total == nil {
		t.Errorf("list with -no-auth: exit %d, %s %s", code, out, errOut)
	}
	if code, _ := stop(); code != 0 {
		t.Errorf("stop: exit %d", code)
	}
}

func TestIsLoopback(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "127.1.2.3:1": true, "[::1]:80": true, "localhost:8080": true,
		"0.0.0.0:8080": false, ":8080": false, "[::]:80": false, "10.0.0.1:80": false, "example.com:80": false, "nonsense": false,
	} {
		if got := isLoopback(addr); got != want {
			t.Errorf("isLoopback(%q) = %v", addr, got)
		}
	}
}
