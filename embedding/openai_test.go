package embedding_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo/embedding"
)

// fakeVector is the unnormalised vector the fake endpoint returns for text: its length in each
// position, then 0s, so that tests can tell texts apart after normalisation.
func fakeVector(text string, dims int) []float32 {
	v := make([]float32, dims)
	v[0] = float32(len(text))
	v[1] = 1
	return v
}

// fakeServer is an OpenAI-compatible endpoint. It answers each request's inputs in reverse order
// of index, as a server may, with vectors of length dims; it records the batches it was sent.
type fakeServer struct {
	*httptest.Server
	mu      sync.Mutex
	batches [][]string // guarded by mu
}

func newFakeServer(t *testing.T, dims int) *fakeServer {
	t.Helper()
	f := &fakeServer{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer sk-test" || r.Header.Get("Content-Type") != "application/json" {
			http.Error(w, `{"error":"bad headers"}`, http.StatusUnauthorized)
			return
		}
		var req struct {
			Model string   `json:"model"`
			Input []string `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model != "test-model" {
			http.Error(w, `{"error":"bad request"}`, http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		f.batches = append(f.batches, req.Input)
		f.mu.Unlock()
		type datum struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		var data []datum
		for i := len(req.Input) - 1; i >= 0; i-- {
			data = append(data, datum{"embedding", i, fakeVector(req.Input[i], dims)})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": req.Model})
	}))
	t.Cleanup(f.Close)
	return f
}

func TestOpenAI(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, 8)
	e := &embedding.OpenAI{BaseURL: srv.URL + "/v1/", Model: "test-model", APIKey: "sk-test", Dimensions: 8, Client: srv.Client()}
	if e.Name() != "openai:test-model/8" || e.Dims() != 8 {
		t.Errorf("Name, Dims = %q, %d", e.Name(), e.Dims())
	}
	texts := make([]string, 600)
	for i := range texts {
		texts[i] = strings.Repeat("x", i%50+1)
	}
	texts[3], texts[300] = "", " \n "
	vs, err := e.Embed(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != len(texts) {
		t.Fatalf("%d vectors for %d texts", len(vs), len(texts))
	}
	for i, v := range vs {
		if i == 3 || i == 300 {
			if norm(v) != 0 {
				t.Errorf("blank text %d: vector %v, want zero", i, v)
			}
			continue
		}
		want := fakeVector(texts[i], 8)
		embedding.Normalize(want)
		for j := range v {
			if math.Abs(float64(v[j]-want[j])) > 1e-6 {
				t.Fatalf("text %d: vector %v, want %v", i, v, want)
			}
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	sent := 0
	for _, b := range srv.batches {
		if len(b) > 256 {
			t.Errorf("a request carried %d inputs, want at most 256", len(b))
		}
		for _, in := range b {
			if strings.TrimSpace(in) == "" {
				t.Errorf("blank input %q was sent", in)
			}
		}
		sent += len(b)
	}
	if len(srv.batches) != 3 || sent != 598 {
		t.Errorf("%d requests carried %d inputs, want 3 carrying 598", len(srv.batches), sent)
	}
}

func TestOpenAIDimensionsMismatch(t *testing.T) {
	t.Parallel()
	srv := newFakeServer(t, 8)
	e := &embedding.OpenAI{BaseURL: srv.URL + "/v1", Model: "test-model", APIKey: "sk-test", Dimensions: 16, Client: srv.Client()}
	vs, err := e.Embed(context.Background(), []string{"hello"})
	if !errors.Is(err, embedding.ErrDimensions) || vs != nil {
		t.Errorf("Embed = %v, %v; want nil and an error wrapping ErrDimensions", vs, err)
	}
	e.Dimensions = 0
	if _, err := e.Embed(context.Background(), []string{"hello"}); err == nil {
		t.Error("Embed with Dimensions 0 succeeded")
	}
}

func TestOpenAIStatusError(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("y", 2000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"error":{"message":"Rate limit reached %s"}}`, long)
	}))
	t.Cleanup(srv.Close)
	e := &embedding.OpenAI{BaseURL: srv.URL, Model: "m", Dimensions: 4, Client: srv.Client()}
	_, err := e.Embed(context.Background(), []string{"hello"})
	var se *embedding.StatusError
	if !errors.As(err, &se) {
		t.Fatalf("Embed = %v, want a *StatusError", err)
	}
	if se.StatusCode != http.StatusTooManyRequests || !strings.Contains(se.Body, "Rate limit reached") || len(se.Body) > 512 {
		t.Errorf("StatusError{%d, %d bytes %.40q}: want 429 and the body's first 512 bytes", se.StatusCode, len(se.Body), se.Body)
	}
	if !strings.Contains(err.Error(), "429") {
		t.Errorf("error %q does not name the status", err)
	}
}

func TestOpenAIBadResponse(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"too few":  `{"data":[]}`,
		"repeated": `{"data":[{"index":0,"embedding":[1,0]},{"index":0,"embedding":[0,1]}]}`,
		"range":    `{"data":[{"index":0,"embedding":[1,0]},{"index":5,"embedding":[0,1]}]}`,
		"json":     `{"data":[{"index":0,`,
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, body)
		}))
		e := &embedding.OpenAI{BaseURL: srv.URL, Model: "m", Dimensions: 2, Client: srv.Client()}
		if vs, err := e.Embed(context.Background(), []string{"a", "b"}); err == nil {
			t.Errorf("%s: Embed = %v, want an error", name, vs)
		}
		srv.Close()
	}
}

func TestOpenAICancelled(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select { // hold the request until the client gives up
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	e := &embedding.OpenAI{BaseURL: srv.URL, Model: "m", Dimensions: 4, Client: srv.Client()}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	vs, err := e.Embed(ctx, []string{"hello"})
	if !errors.Is(err, context.Canceled) || vs != nil {
		t.Errorf("Embed = %v, %v; want nil, context.Canceled", vs, err)
	}
	// Already cancelled: no request at all.
	if _, err := e.Embed(ctx, []string{"again"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Embed with a cancelled ctx = %v, want context.Canceled", err)
	}
}
