package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
)

// Client mode: while "mnemo serve" holds a file (bbolt allows one writing process), the commands
// add (texts, -conversation, -items), get, delete, list, search, runs get and runs wait reach its data through the server
// with -server URL (or $MNEMO_SERVER), sending $MNEMO_API_KEY as the bearer key. They print the
// server's JSON: Engram's shapes and statuses (see package server), not the local commands' mnemo
// shapes. Every other command has no remote form and says so.

// registerRemote adds the global -server flag.
func (c *cli) registerRemote() {
	c.serverURL = os.Getenv("MNEMO_SERVER")
	c.global.fs.StringVar(&c.serverURL, "server", c.serverURL,
		"reach the file through \"mnemo serve\" at this `URL` ($MNEMO_SERVER; key: $MNEMO_API_KEY)")
}

// wantsRemote reports whether the command runs against a server: -server among the global flags
// or $MNEMO_SERVER, or -server among the command's own arguments (before any "--").
func (c *cli) wantsRemote(args []string) bool {
	if c.serverURL != "" {
		return true
	}
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && name == "server" {
			return true
		}
	}
	return false
}

// runRemote runs the command name against the server.
func (c *cli) runRemote(name string, args []string) error {
	switch name {
	case "add":
		return c.remoteAdd(args)
	case "get", "delete":
		return c.remoteMemory(name, args)
	case "list":
		return c.remoteList(args)
	case "search":
		return c.remoteSearch(args)
	case "runs":
		if len(args) > 0 && (args[0] == "get" || args[0] == "wait") {
			return c.remoteRun(args[0], args[1:])
		}
		if len(args) > 0 && args[0] == "list" {
			return c.global.usagef("runs list has no remote form (-server): the server's API has no run listing")
		}
		return c.runs(args) // help, or the usage error
	}
	return c.global.usagef("%s has no remote form (-server): it opens the file, which \"mnemo serve\" holds; "+
		"run it without -server once the server is stopped", name)
}

// remoteScope holds the scope flags the remote commands share.
type remoteScope struct {
	user, group *string
	props       pairs
	topics      list
}

func newRemoteScope(cmd *command, topics bool) *remoteScope {
	s := &remoteScope{props: pairs{}}
	s.user = cmd.fs.String("user", "", "user ID of the scope")
	s.group = cmd.fs.String("group", "", "group of the scope (default \"default\")")
	cmd.fs.Var(s.props, "prop", "scope property `key=value` (repeatable)")
	if topics {
		cmd.fs.Var(&s.topics, "topic", "keep memories of this `topic` (repeatable)")
	}
	return s
}

// body returns the scope as request fields.
func (s *remoteScope) body() map[string]any {
	b := map[string]any{}
	if *s.user != "" {
		b["user_id"] = *s.user
	}
	if *s.group != "" {
		b["group"] = *s.group
	}
	if len(s.props) > 0 {
		b["properties"] = map[string]string(s.props)
	}
	if len(s.topics) > 0 {
		b["topics"] = []string(s.topics)
	}
	return b
}

func (c *cli) remoteAdd(args []string) error {
	cmd := c.command("add", "-server URL [flags] TEXT...")
	scope := newRemoteScope(cmd, false)
	doc := cmd.fs.String("doc", "", "document ID: an idempotency key (adding it again is a conflict)")
	wait := cmd.fs.Bool("wait", false, "wait until the run ends, or parks in a buffer (in_buffer), and print it then")
	conv := cmd.fs.String("conversation", "", "JSON `FILE` of chat messages [{role, name, content, created_at}] (- for stdin)")
	items := cmd.fs.String("items", "", "JSON `FILE` of pre-extracted items [{content, topic}] (- for stdin)")
	if err := cmd.parse(args); err != nil {
		return err
	}
	body := scope.body()
	switch {
	case (*conv != "") == (*items != "") && (*conv != "" || len(cmd.args) == 0), (*conv != "" || *items != "") && len(cmd.args) > 0:
		return cmd.usagef("takes texts, -conversation or -items, one of them (with -server, -file and -batch have no remote form)")
	case *conv != "":
		var msgs []map[string]any
		if err := c.readJSON(*conv, &msgs); err != nil {
			return err
		}
		for _, m := range msgs {
			delete(m, "id") // Engram's messages have no ID
		}
		body["input"] = map[string]any{"conversation": map[string]any{"messages": msgs}}
	case *items != "":
		var its []map[string]any
		if err := c.readJSON(*items, &its); err != nil {
			return err
		}
		body["input"] = map[string]any{"pre_extracted": map[string]any{"items": its}}
	default:
		body["input"] = map[string]any{"string": map[string]any{"content": cmd.args}}
	}
	var out struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	}
	raw, err := c.call("POST", "/v1/memories", body, map[string]string{"Idempotency-Key": *doc}, &out)
	if err != nil {
		return err
	}
	if *wait {
		return c.remoteWait(c.ctx, out.RunID, "in_buffer")
	}
	return c.printRaw(raw)
}

func (c *cli) remoteMemory(name string, args []string) error {
	cmd := c.command(name, "-server URL [-user U] [-group G] MEMORY_ID")
	user := cmd.fs.String("user", "", "user ID of the memory's scope")
	group := cmd.fs.String("group", "", "group of the memory's scope (default \"default\")")
	id, err := cmd.one(args, "memory ID")
	if err != nil {
		return err
	}
	q := url.Values{}
	if *user != "" {
		q.Set("user_id", *user)
	}
	if *group != "" {
		q.Set("group", *group)
	}
	path := "/v1/memories/" + url.PathEscape(id)
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	if name == "delete" {
		if _, err := c.call("DELETE", path, nil, nil, nil); err != nil {
			return err
		}
		return c.print(map[string]any{"deleted": id})
	}
	raw, err := c.call("GET", path, nil, nil, nil)
	if err != nil {
		return err
	}
	return c.printRaw(raw)
}

func (c *cli) remoteList(args []string) error {
	cmd := c.command("list", "-server URL [flags]")
	scope := newRemoteScope(cmd, true)
	limit := cmd.fs.Int("limit", 0, "most memories, 1 to 100 (default 20)")
	if err := cmd.none(args); err != nil {
		return err
	}
	body := scope.body()
	if *limit != 0 {
		body["limit"] = *limit
	}
	raw, err := c.call("POST", "/v1/memories/list", body, nil, nil)
	if err != nil {
		return err
	}
	return c.printRaw(raw)
}

func (c *cli) remoteSearch(args []string) error {
	cmd := c.command("search", "-server URL [flags] QUERY")
	scope := newRemoteScope(cmd, true)
	mode := cmd.fs.String("mode", "hybrid", "ranking: hybrid, bm25 or vector")
	limit := cmd.fs.Int("limit", 0, "most results, 1 to 100 (default 10)")
	cmd.fs.Bool("json", true, "print JSON (always, with -server)")
	if err := cmd.parse(args); err != nil {
		return err
	}
	if len(cmd.args) == 0 {
		return cmd.usagef("needs a query")
	}
	body := scope.body()
	body["query"] = strings.Join(cmd.args, " ")
	rc := map[string]any{"retrieval_type": *mode}
	if *limit != 0 {
		rc["limit"] = *limit
	}
	body["retrieval_config"] = rc
	raw, err := c.call("POST", "/v1/memories/search", body, nil, nil)
	if err != nil {
		return err
	}
	return c.printRaw(raw)
}

func (c *cli) remoteRun(sub string, args []string) error {
	cmd := c.command("runs "+sub, "-server URL RUN_ID")
	var timeout *time.Duration
	if sub == "wait" {
		timeout = cmd.fs.Duration("timeout", 0, "give up after this long (0 waits for ever)")
	}
	id, err := cmd.one(args, "run ID")
	if err != nil {
		return err
	}
	if sub == "get" {
		raw, err := c.call("GET", "/v1/runs/"+url.PathEscape(id), nil, nil, nil)
		if err != nil {
			return err
		}
		return c.printRaw(raw)
	}
	ctx := c.ctx
	if *timeout > 0 {
		var cancel func()
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	err = c.remoteWait(ctx, id)
	if *timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("runs wait %s: the run did not end within -timeout %v", id, *timeout)
	}
	return err
}

// remoteWait polls the run until it is completed or failed (or in one of also), and prints it.
// The server has no wait: Engram's clients poll, and so does this one, backing off to a second.
func (c *cli) remoteWait(ctx context.Context, id string, also ...string) error {
	delay := 10 * time.Millisecond
	for {
		var r struct {
			Status string `json:"status"`
		}
		raw, err := c.callCtx(ctx, "GET", "/v1/runs/"+url.PathEscape(id), nil, nil, &r)
		if err != nil {
			return err
		}
		done := r.Status == "completed" || r.Status == "failed"
		for _, s := range also {
			done = done || r.Status == s
		}
		if done {
			return c.printRaw(raw)
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			c.printRaw(raw) // the run as last seen
			return ctx.Err()
		}
		delay = min(2*delay, time.Second)
	}
}

// call sends a request to the server and returns the response body; out, if set, is decoded from it.
func (c *cli) call(method, path string, body any, header map[string]string, out any) ([]byte, error) {
	return c.callCtx(c.ctx, method, path, body, header, out)
}

func (c *cli) callCtx(ctx context.Context, method, path string, body any, header map[string]string, out any) ([]byte, error) {
	base := strings.TrimRight(c.serverURL, "/")
	if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, c.global.usagef("-server %q is not an http:// or https:// URL", c.serverURL)
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key := os.Getenv("MNEMO_API_KEY"); key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("server %s: %w", base, err)
	}
	if resp.StatusCode >= 400 {
		return nil, remoteError(resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("server %s: unreadable answer: %w", base, err)
		}
	}
	return raw, nil
}

// remoteError turns a problem the server answered into an error wrapping the sentinel of its
// status, so that the exit status is the local command's.
func remoteError(status int, raw []byte) error {
	var p struct {
		Detail string `json:"detail"`
	}
	detail := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &p) == nil && p.Detail != "" {
		detail = p.Detail
	}
	var sentinel error
	switch status {
	case http.StatusUnauthorized:
		return fmt.Errorf("server: %s (HTTP 401; set $MNEMO_API_KEY to one of the server's keys)", detail)
	case http.StatusNotFound:
		sentinel = mnemo.ErrNotFound
	case http.StatusConflict:
		sentinel = mnemo.ErrConflict
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		sentinel = mnemo.ErrInvalidInput
	case http.StatusForbidden:
		sentinel = mnemo.ErrReadOnly
	case http.StatusInsufficientStorage:
		sentinel = mnemo.ErrStorage
	default:
		return fmt.Errorf("server: %s (HTTP %d)", detail, status)
	}
	return fmt.Errorf("server: %w: %s (HTTP %d)", sentinel, detail, status)
}

// printRaw prints a JSON answer indented, as the local commands print theirs.
func (c *cli) printRaw(raw []byte) error {
	var buf bytes.Buffer
	if err := json.Indent(&buf, bytes.TrimSpace(raw), "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err := c.stdout.Write(buf.Bytes())
	return err
}
