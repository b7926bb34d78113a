package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
	"github.com/mnemohq/mnemo/server"
)

const testKey = "test-key-0123456789"

// fixture is a server over a fresh engine, on a loopback listener.
type fixture struct {
	t   *testing.T
	eng *mnemo.Engine
	srv *httptest.Server
	log *syncBuffer
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines and the test's.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// setup opens an engine with eopts (nil: defaults) and serves it with sopts, APIKeys defaulting
// to testKey.
func setup(t *testing.T, eopts *mnemo.Options, sopts *server.Options) *fixture {
	t.Helper()
	eng, err := mnemo.Open(filepath.Join(t.TempDir(), "serve.db"), eopts)
	if err != nil {
		t.Fatal(err)
	}
	var so server.Options
	if sopts != nil {
		so = *sopts
	}
	if so.APIKeys == nil && !so.AllowNoAuth {
		so.APIKeys = []string{testKey}
	}
	logs := new(syncBuffer)
	so.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv := httptest.NewServer(server.New(eng, so))
	t.Cleanup(func() {
		srv.Close()
		eng.Close()
	})
	return &fixture{t: t, eng: eng, srv: srv, log: logs}
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// problem decodes the response as an RFC 7807 body, checking its content type and shape.
func (r *response) problem(t *testing.T, status int) server.Problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p server.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem body %s: %v", r.body, err)
	}
	if p.Status != status || p.Title != http.StatusText(status) || p.Detail == "" || p.Type == "" || p.Errors == nil {
		t.Fatalf("problem %+v (%s)", p, r.body)
	}
	if !bytes.Contains(r.body, []byte(`"errors":[`)) {
		t.Fatalf("errors is not a list: %s", r.body)
	}
	return p
}

// decode decodes a 200 response into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
}

// do sends a request with the test key; body is JSON-encoded unless it is a string (sent as is).
func (f *fixture) do(method, path string, body any) *response {
	f.t.Helper()
	return f.doKey(testKey, method, path, body)
}

func (f *fixture) doKey(key, method, path string, body any) *response {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.srv.URL+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json") // on GET and DELETE too, as the SDK does
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: raw}
}

// run is the Engram Run shape, as a client decodes it.
type run struct {
	RunID               string `json:"run_id"`
	Status              string `json:"status"`
	GroupID             string `json:"group_id"`
	StartingStep        *int   `json:"starting_step"`
	InputType           string `json:"input_type"`
	UserID              string `json:"user_id"`
	Error               string `json:"error"`
	CommittedOperations struct {
		Created []struct {
			MemoryID    string `json:"memory_id"`
			CommittedAt string `json:"committed_at"`
		} `json:"created"`
		Updated []any `json:"updated"`
		Deleted []any `json:"deleted"`
	} `json:"committed_operations"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

// memory is the Engram Memory shape.
type memory struct {
	ID         string            `json:"id"`
	ProjectID  string            `json:"project_id"`
	Content    string            `json:"content"`
	Topic      string            `json:"topic"`
	Group      string            `json:"group"`
	UserID     string            `json:"user_id"`
	Properties map[string]string `json:"properties"`
	Score      *float64          `json:"score"`
	CreatedAt  string            `json:"created_at"`
	UpdatedAt  string            `json:"updated_at"`
}

type memoryList struct {
	Memories []memory `json:"memories"`
	Total    *int     `json:"total"`
}

// add posts an input and returns the run ID, checking the answer's shape.
func (f *fixture) add(body map[string]any) string {
	f.t.Helper()
	var out struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	}
	f.do("POST", "/v1/memories", body).decode(f.t, &out)
	if out.RunID == "" || out.Status != "running" { // an add answers queued, which Engram calls running
		f.t.Fatalf("add answered %+v", out)
	}
	return out.RunID
}

// settle waits, through the engine, until the run has ended.
func (f *fixture) settle(id string) *mnemo.Run {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := f.eng.Runs.Wait(ctx, id)
	if err != nil {
		f.t.Fatalf("wait %s: %v", id, err)
	}
	return r
}

// seed adds pre-extracted items in a scope and returns the memories' IDs.
func (f *fixture) seed(user, group string, contents ...string) []string {
	f.t.Helper()
	items := make([]map[string]string, len(contents))
	for i, c := range contents {
		items[i] = map[string]string{"content": c, "topic": "facts"}
	}
	body := map[string]any{"input": map[string]any{"pre_extracted": map[string]any{"items": items}}}
	if user != "" {
		body["user_id"] = user
	}
	if group != "" {
		body["group"] = group
	}
	r := f.settle(f.add(body))
	if r.Status != mnemo.Completed || len(r.MemoryIDs) != len(contents) {
		f.t.Fatalf("seed run %+v", r)
	}
	return r.MemoryIDs
}

func textBody(texts ...string) map[string]any {
	return map[string]any{"input": map[string]any{"string": map[string]any{"content": texts}}}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, &server.Options{APIKeys: []string{"other-key", testKey}})
	for _, tc := range []struct {
		name, header string
	}{
		{"no header", ""},
		{"wrong key", "Bearer not-the-key"},
		{"a prefix of the key", "Bearer " + testKey[:5]},
		{"basic scheme", "Basic " + testKey},
		{"no scheme", testKey},
	} {
		req, _ := http.NewRequest("POST", f.srv.URL+"/v1/memories/list", strings.NewReader("{}"))
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		r := &response{status: resp.StatusCode, header: resp.Header, body: raw}
		r.problem(t, http.StatusUnauthorized)
		if !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", tc.name, resp.Header.Get("WWW-Authenticate"))
		}
	}
	for _, key := range []string{testKey, "other-key"} {
		if r := f.doKey(key, "POST", "/v1/memories/list", "{}"); r.status != http.StatusOK {
			t.Errorf("key %q: %d %s", key, r.status, r.body)
		}
	}
	if strings.Contains(f.log.String(), testKey) || strings.Contains(f.log.String(), "not-the-key") {
		t.Errorf("the access log holds a key: %s", f.log.String())
	}
}

func TestNoKeys(t *testing.T) {
	t.Parallel()
	closed := setup(t, nil, &server.Options{APIKeys: []string{}})
	closed.doKey("", "POST", "/v1/memories/list", "{}").problem(t, http.StatusUnauthorized)
	closed.doKey("anything", "POST", "/v1/memories/list", "{}").problem(t, http.StatusUnauthorized)
	open := setup(t, nil, &server.Options{AllowNoAuth: true})
	if r := open.doKey("", "POST", "/v1/memories/list", "{}"); r.status != http.StatusOK {
		t.Fatalf("AllowNoAuth: %d %s", r.status, r.body)
	}
}

// TestAddAndRun adds each kind of input and reads its run: Engram's shape, with committed_operations'
// three lists present as arrays.
func TestAddAndRun(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, nil)
	for _, tc := range []struct {
		name      string
		body      map[string]any
		inputType string
	}{
		{"string", textBody("Alice lives in Paris.", "Alice works as a nurse."), "string"},
		{"pre_extracted", map[string]any{"input": map[string]any{"pre_extracted": map[string]any{
			"items": []map[string]string{{"content": "Bob keeps bees.", "topic": "hobbies"}}}}}, "pre_extracted"},
		{"conversation", map[string]any{"input": map[string]any{"conversation": map[string]any{
			"metadata": map[string]any{"source": "chat", "turns": 2},
			"messages": []map[string]any{
				{"role": "user", "content": "I moved to Berlin last year.", "created_at": "2026-01-02T03:04:05Z"},
				{"role": "assistant", "content": "", "tool_calls": []map[string]any{{"id": "c1", "type": "function",
					"function": map[string]string{"name": "note", "arguments": "{}"}}}},
			}}}}, "conversation"},
	} {
		body := tc.body
		body["user_id"] = "Carol"
		body["group"] = "g1"
		body["properties"] = map[string]string{"app": "test"}
		body["conversation_id"] = "conv-7"
		id := f.add(body)
		f.settle(id)
		var got run
		r := f.do("GET", "/v1/runs/"+id, nil)
		r.decode(t, &got)
		if got.RunID != id || got.Status != "completed" || got.GroupID != "g1" || got.InputType != tc.inputType ||
			got.UserID != "Carol" || got.StartingStep == nil || got.CreatedAt == "" || got.UpdatedAt == "" {
			t.Errorf("%s: run %+v", tc.name, got)
		}
		if len(got.CommittedOperations.Created) == 0 || got.CommittedOperations.Created[0].CommittedAt == "" {
			t.Errorf("%s: created %+v", tc.name, got.CommittedOperations.Created)
		}
		if !bytes.Contains(r.body, []byte(`"updated":[]`)) || !bytes.Contains(r.body, []byte(`"deleted":[]`)) {
			t.Errorf("%s: empty operation lists are not []: %s", tc.name, r.body)
		}
		var m memory
		f.do("GET", "/v1/memories/"+got.CommittedOperations.Created[0].MemoryID+"?user_id=carol&group=g1", nil).decode(t, &m)
		if m.Properties["conversation_id"] != "conv-7" || m.Properties["app"] != "test" {
			t.Errorf("%s: properties %v: conversation_id is not a property", tc.name, m.Properties)
		}
	}
}

// failing is an extractor that fails the texts that contain "FAIL" for good, and extracts the others
// by rules.
type failing struct{}

func (failing) Extract(ctx context.Context, req pipeline.ExtractRequest) ([]mnemo.Fact, error) {
	if strings.Contains(req.Text, "FAIL") {
		return nil, pipeline.Permanent(errors.New("the model refused input " + req.Text))
	}
	return rules.Extractor{}.Extract(ctx, req)
}

// blocker is the rules reconciler, holding each call until released. A run it holds is running in
// the file: its extract step's outcome is stored.
type blocker struct {
	rules.Reconciler
	entered chan struct{}
	release chan struct{}
}

func (b *blocker) Reconcile(ctx context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
	select {
	case b.entered <- struct{}{}:
	default:
	}
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return b.Reconciler.Reconcile(ctx, req)
}

// TestStatusMapping follows runs through queued, running, completed, partial_success and failed,
// reading each through both vocabularies.
func TestStatusMapping(t *testing.T) {
	t.Parallel()
	b := &blocker{entered: make(chan struct{}, 1), release: make(chan struct{})}
	f := setup(t, &mnemo.Options{Extractor: failing{}, Reconciler: b, MaxInFlight: 1, Workers: 1}, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	status := func(id string) (engram, synap string, ing map[string]any) {
		t.Helper()
		var r run
		f.do("GET", "/v1/runs/"+id, nil).decode(t, &r)
		f.do("GET", "/v1/ingestions/"+id, nil).decode(t, &ing)
		return r.Status, ing["status"].(string), ing
	}

	partial := f.add(textBody("Dana plays the cello.", "FAIL this one"))
	queued := f.add(textBody("FAIL", "FAIL too")) // waits behind partial: MaxInFlight is 1
	select {
	case <-b.entered:
	case <-ctx.Done():
		t.Fatal("the reconciler was never called")
	}
	if _, err := f.eng.Runs.WaitFor(ctx, partial, mnemo.Running); err != nil {
		t.Fatal(err)
	}
	if e, s, _ := status(partial); e != "running" || s != "processing" {
		t.Errorf("running: engram %q, synap %q", e, s)
	}
	if r, _ := f.eng.Runs.Get(ctx, queued); r.Status != mnemo.Queued {
		t.Fatalf("second run is %s, want queued", r.Status)
	}
	if e, s, _ := status(queued); e != "running" || s != "queued" {
		t.Errorf("queued: engram %q, synap %q", e, s)
	}
	close(b.release)

	if r := f.settle(partial); r.Status != mnemo.PartialSuccess {
		t.Fatalf("run %+v, want partial_success", r)
	}
	var pr run
	f.do("GET", "/v1/runs/"+partial, nil).decode(t, &pr)
	if pr.Status != "completed" || !strings.Contains(pr.Error, "refused") || len(pr.CommittedOperations.Created) == 0 {
		t.Errorf("partial_success as Engram: %+v", pr)
	}
	_, s, ing := status(partial)
	if s != "partial_success" || ing["memories_created"].(float64) < 1 || len(ing["memory_ids"].([]any)) < 1 ||
		!strings.Contains(ing["error_message"].(string), "refused") || ing["ingestion_id"] != partial {
		t.Errorf("partial_success as Synap: %v", ing)
	}

	if r := f.settle(queued); r.Status != mnemo.Failed {
		t.Fatalf("run %+v, want failed", r)
	}
	var fr run
	f.do("GET", "/v1/runs/"+queued, nil).decode(t, &fr)
	if fr.Status != "failed" || fr.Error == "" {
		t.Errorf("failed as Engram: %+v", fr)
	}
	r := f.do("GET", "/v1/ingestions/"+queued, nil)
	_, s, ing = status(queued)
	if s != "failed" || ing["error_message"] == nil || !bytes.Contains(r.body, []byte(`"memory_ids":[]`)) {
		t.Errorf("failed as Synap: %s", r.body)
	}

	done := f.add(textBody("Erin speaks Finnish."))
	f.settle(done)
	_, s, ing = status(done)
	if s != "completed" || ing["error_message"] != nil {
		t.Errorf("completed as Synap: %v", ing)
	}
}

// TestStatusTables checks every status of both vocabularies, in_buffer included.
func TestStatusTables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in            mnemo.Status
		engram, synap string
	}{
		{mnemo.Queued, "running", "queued"},
		{mnemo.Running, "running", "processing"},
		{mnemo.InBuffer, "in_buffer", "processing"},
		{mnemo.Completed, "completed", "completed"},
		{mnemo.PartialSuccess, "completed", "partial_success"},
		{mnemo.Failed, "failed", "failed"},
	} {
		if got := server.EngramStatus(tc.in); got != tc.engram {
			t.Errorf("EngramStatus(%s) = %s, want %s", tc.in, got, tc.engram)
		}
		if got := server.SynapStatus(tc.in); got != tc.synap {
			t.Errorf("SynapStatus(%s) = %s, want %s", tc.in, got, tc.synap)
		}
	}
}

func TestListAndSearch(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, nil)
	f.seed("ann", "", "Ann grows tomatoes in her garden.", "Ann drives a red car.", "Ann is allergic to peanuts.")
	f.seed("bob", "", "Bob grows roses.")

	var l memoryList
	r := f.do("POST", "/v1/memories/list", map[string]any{"user_id": "ANN"})
	r.decode(t, &l)
	if len(l.Memories) != 3 || l.Total == nil || *l.Total != 3 {
		t.Fatalf("list: %s", r.body)
	}
	m := l.Memories[0]
	if m.ProjectID != server.DefaultProjectID || m.Group != "default" || m.UserID != "ann" || m.Topic != "facts" ||
		m.CreatedAt == "" || m.UpdatedAt == "" || m.Properties == nil || m.Score != nil {
		t.Errorf("memory %+v", m)
	}
	f.do("POST", "/v1/memories/list", map[string]any{"user_id": "ann", "limit": 2}).decode(t, &l)
	if len(l.Memories) != 2 || *l.Total != 2 {
		t.Errorf("limit 2: %d memories, total %d", len(l.Memories), *l.Total)
	}
	r = f.do("POST", "/v1/memories/list", map[string]any{"user_id": "nobody"})
	if r.decode(t, &l); !bytes.Contains(r.body, []byte(`"memories":[]`)) || *l.Total != 0 {
		t.Errorf("empty list: %s", r.body)
	}
	f.do("POST", "/v1/memories/list", map[string]any{"user_id": "ann", "topics": []any{"facts", map[string]any{"name": "facts"}}}).decode(t, &l)
	if len(l.Memories) != 3 {
		t.Errorf("topics filter: %d memories", len(l.Memories))
	}

	for _, mode := range []string{"hybrid", "bm25", "vector"} {
		var s memoryList
		f.do("POST", "/v1/memories/search", map[string]any{
			"query": "what does Ann grow?", "user_id": "ann",
			"retrieval_config": map[string]any{"retrieval_type": mode, "limit": 2},
		}).decode(t, &s)
		if len(s.Memories) == 0 || len(s.Memories) > 2 || *s.Total != len(s.Memories) || s.Memories[0].Score == nil {
			t.Errorf("%s: %+v", mode, s)
			continue
		}
		if mode != "vector" && !strings.Contains(s.Memories[0].Content, "tomatoes") {
			t.Errorf("%s: first result %q", mode, s.Memories[0].Content)
		}
		for _, m := range s.Memories {
			if m.UserID != "ann" {
				t.Errorf("%s: another scope's memory %+v", mode, m)
			}
		}
	}
	// A null limit is the default, as is no retrieval_config at all.
	for _, body := range []string{
		`{"query": "Ann", "user_id": "ann", "retrieval_config": {"retrieval_type": "bm25", "limit": null}}`,
		`{"query": "Ann", "user_id": "ann"}`,
	} {
		var s memoryList
		f.do("POST", "/v1/memories/search", body).decode(t, &s)
		if len(s.Memories) != 3 {
			t.Errorf("%s: %d results", body, len(s.Memories))
		}
	}
	r = f.do("POST", "/v1/memories/search", map[string]any{"query": "tomatoes", "user_id": "zed"})
	if !bytes.Contains(r.body, []byte(`"memories":[]`)) {
		t.Errorf("empty search: %s", r.body)
	}
}

func TestGetAndDelete(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, nil)
	ids := f.seed("Fay", "team", "Fay likes jazz.")
	id := ids[0]
	var m memory
	f.do("GET", "/v1/memories/"+id+"?user_id=fay&group=team", nil).decode(t, &m)
	if m.ID != id || m.Content != "Fay likes jazz." || m.UserID != "Fay" || m.Group != "team" {
		t.Errorf("get: %+v", m)
	}
	f.do("GET", "/v1/memories/"+strings.ToUpper(id)+"?user_id=FAY&group=team", nil).decode(t, &m)
	for _, q := range []string{"", "?group=team", "?user_id=fay", "?user_id=gus&group=team", "?user_id=fay&group=other"} {
		f.do("GET", "/v1/memories/"+id+q, nil).problem(t, http.StatusNotFound)
		f.do("DELETE", "/v1/memories/"+id+q, nil).problem(t, http.StatusNotFound)
	}
	r := f.do("DELETE", "/v1/memories/"+id+"?user_id=fay&group=team", nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("delete: %d %q", r.status, r.body)
	}
	f.do("GET", "/v1/memories/"+id+"?user_id=fay&group=team", nil).problem(t, http.StatusNotFound)
	f.do("DELETE", "/v1/memories/"+id+"?user_id=fay&group=team", nil).problem(t, http.StatusNotFound)
	f.do("GET", "/v1/memories/00000000-0000-7000-8000-000000000000", nil).problem(t, http.StatusNotFound)
	f.do("GET", "/v1/runs/00000000-0000-7000-8000-000000000000", nil).problem(t, http.StatusNotFound)
	f.do("GET", "/v1/ingestions/00000000-0000-7000-8000-000000000000", nil).problem(t, http.StatusNotFound)
	for _, path := range []string{"/v1/memories/not-a-uuid", "/v1/runs/42", "/v1/ingestions/x"} {
		p := f.do("GET", path, nil).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || !strings.HasPrefix(p.Errors[0].Location, "path.") {
			t.Errorf("%s: %+v", path, p)
		}
	}
}

// TestErrors checks each error status with its problem body.
func TestErrors(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, &server.Options{MaxBodyBytes: 4096})

	for _, body := range []string{`{"input": `, `not json`, `{"input": {}} trailing`, ``} {
		f.do("POST", "/v1/memories", body).problem(t, http.StatusBadRequest)
	}
	f.do("POST", "/v1/memories", textBody(strings.Repeat("x", 5000))).problem(t, http.StatusRequestEntityTooLarge)

	for _, tc := range []struct {
		path     string
		body     any
		location string
	}{
		{"/v1/memories", textBody("fine", "  "), "body.input.string.content[1]"},
		{"/v1/memories", map[string]any{"input": map[string]any{}}, "body.input"},
		{"/v1/memories", map[string]any{"input": map[string]any{"string": map[string]any{"content": []string{"a"}}, "pre_extracted": map[string]any{"items": []any{}}}}, "body.input"},
		{"/v1/memories", map[string]any{}, "body.input"},
		{"/v1/memories", map[string]any{"input": map[string]any{"string": map[string]any{"content": []string{"a"}}}, "colour": "red"}, "body.colour"},
		{"/v1/memories", map[string]any{"input": map[string]any{"string": map[string]any{"content": "a"}}}, "body.input.string.content"},
		{"/v1/memories", map[string]any{"input": map[string]any{"conversation": map[string]any{"messages": []map[string]string{{"role": "robot", "content": "hi"}}}}}, "body.input.conversation.messages[0].role"},
		{"/v1/memories", map[string]any{"input": map[string]any{"pre_extracted": map[string]any{"items": []map[string]string{{"content": "x"}}}}}, "body.input.pre_extracted.items[0].topic"},
		{"/v1/memories", map[string]any{"input": map[string]any{"string": map[string]any{"content": []string{"a"}}}, "root": "step2"}, "body.root"},
		{"/v1/memories/list", map[string]any{"limit": 101}, "body.limit"},
		{"/v1/memories/list", map[string]any{"limit": 0}, "body.limit"},
		{"/v1/memories/list", map[string]any{"topics": []any{map[string]any{"name": "t", "properties": map[string]any{"k": "v"}}}}, "body.topics[0].properties"},
		{"/v1/memories/search", map[string]any{"query": "x", "retrieval_config": map[string]any{"retrieval_type": "bm25", "limit": 101}}, "body.retrieval_config.limit"},
		{"/v1/memories/search", map[string]any{"query": "x", "retrieval_config": map[string]any{"retrieval_type": "bm25", "limit": 0}}, "body.retrieval_config.limit"},
		{"/v1/memories/search", map[string]any{"query": "x", "retrieval_config": map[string]any{"retrieval_type": "fetch"}}, "body.retrieval_config.retrieval_type"},
		{"/v1/memories/search", map[string]any{"query": "x", "retrieval_config": map[string]any{"limit": 5}}, "body.retrieval_config.retrieval_type"},
		{"/v1/memories/search", map[string]any{"query": ""}, "body.query"},
		{"/v1/memories/search", map[string]any{}, "body.query"},
	} {
		p := f.do("POST", tc.path, tc.body).problem(t, http.StatusUnprocessableEntity)
		if len(p.Errors) != 1 || p.Errors[0].Location != tc.location || p.Errors[0].Message == "" {
			t.Errorf("%s %v: errors %+v, want location %s", tc.path, tc.body, p.Errors, tc.location)
		}
		if !strings.Contains(p.Detail, tc.location) {
			t.Errorf("%s %v: detail %q does not name %s", tc.path, tc.body, p.Detail, tc.location)
		}
	}

	// 409: an Idempotency-Key (the add's document ID) twice in one scope.
	add := func() *response {
		req, _ := http.NewRequest("POST", f.srv.URL+"/v1/memories", strings.NewReader(`{"input": {"string": {"content": ["Gil sails."]}}}`))
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Idempotency-Key", "doc-1")
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return &response{status: resp.StatusCode, header: resp.Header, body: raw}
	}
	if r := add(); r.status != http.StatusOK {
		t.Fatalf("first add: %d %s", r.status, r.body)
	}
	if p := add().problem(t, http.StatusConflict); !strings.Contains(p.Detail, "doc-1") {
		t.Errorf("409 detail %q does not name the key", p.Detail)
	}

	f.do("GET", "/v2/memories", nil).problem(t, http.StatusNotFound)
	r := f.do("GET", "/v1/memories", nil)
	r.problem(t, http.StatusMethodNotAllowed)
	if r.header.Get("Allow") != "POST" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}
	if r := f.do("PUT", "/v1/memories/00000000-0000-7000-8000-000000000000", nil); r.header.Get("Allow") != "GET, DELETE" {
		t.Errorf("Allow %q", r.header.Get("Allow"))
	}

	// 503 once the engine is closed.
	f.eng.Close()
	f.do("POST", "/v1/memories/list", "{}").problem(t, http.StatusServiceUnavailable)
	f.do("POST", "/v1/memories", textBody("late")).problem(t, http.StatusServiceUnavailable)
}

// TestReadOnly: an engine opened read-only refuses writes with 403 and serves reads.
func TestReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ro.db")
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	eng.Close()
	ro, err := mnemo.Open(path, &mnemo.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	srv := httptest.NewServer(server.New(ro, server.Options{AllowNoAuth: true}))
	defer srv.Close()
	f := &fixture{t: t, eng: ro, srv: srv}
	f.doKey("", "POST", "/v1/memories", textBody("no")).problem(t, http.StatusForbidden)
	if r := f.doKey("", "POST", "/v1/memories/list", "{}"); r.status != http.StatusOK {
		t.Errorf("list on a read-only engine: %d", r.status)
	}
}

// TestAccessLog: one record per request, with its method, path and status, and neither the key
// nor the query string.
func TestAccessLog(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, nil)
	f.do("GET", "/v1/memories/00000000-0000-7000-8000-000000000000?user_id=secret-user", nil)
	var rec map[string]any
	line, _, _ := strings.Cut(f.log.String(), "\n")
	if err := json.Unmarshal([]byte(line), &rec); err != nil {
		t.Fatalf("log %q: %v", f.log.String(), err)
	}
	if rec["method"] != "GET" || rec["path"] != "/v1/memories/00000000-0000-7000-8000-000000000000" ||
		rec["status"] != float64(404) || rec["bytes"].(float64) <= 0 || rec["duration"] == nil {
		t.Errorf("log record %v", rec)
	}
	if strings.Contains(f.log.String(), "secret-user") || strings.Contains(f.log.String(), testKey) {
		t.Errorf("log leaks: %s", f.log.String())
	}
}

// TestRequestTimeout: engine work past RequestTimeout is 503.
func TestRequestTimeout(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, &server.Options{RequestTimeout: time.Nanosecond})
	f.do("POST", "/v1/memories/list", "{}").problem(t, http.StatusServiceUnavailable)
}
