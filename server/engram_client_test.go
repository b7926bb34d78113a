package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// engramClient is user code written against Engram's REST API the way the official SDK calls it:
// every path under /v1, a bearer key, Content-Type on every request (bodiless GET and DELETE too),
// conversation_id and a null retrieval_config.limit sent, errors read from detail. It knows nothing
// of mnemo: the test points its base URL at the server.
type engramClient struct {
	baseURL, apiKey string
	http            *http.Client
}

// engramError is how the SDK surfaces a problem: the status and the detail.
type engramError struct {
	Status int
	Detail string
}

func (e *engramError) Error() string { return fmt.Sprintf("engram: %d: %s", e.Status, e.Detail) }

func (c *engramClient) call(ctx context.Context, method, path string, body, out any) error {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+"/v1"+path, &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		var p struct {
			Detail string `json:"detail"`
		}
		json.NewDecoder(resp.Body).Decode(&p)
		return &engramError{Status: resp.StatusCode, Detail: p.Detail}
	}
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

type engramMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type engramRun struct {
	RunID               string `json:"run_id"`
	Status              string `json:"status"`
	Error               string `json:"error"`
	CommittedOperations struct {
		Created []struct {
			MemoryID string `json:"memory_id"`
		} `json:"created"`
		Updated []struct {
			MemoryID string `json:"memory_id"`
		} `json:"updated"`
		Deleted []struct {
			MemoryID string `json:"memory_id"`
		} `json:"deleted"`
	} `json:"committed_operations"`
}

type engramMemory struct {
	ID      string   `json:"id"`
	Content string   `json:"content"`
	Topic   string   `json:"topic"`
	UserID  string   `json:"user_id"`
	Score   *float64 `json:"score"`
}

type engramList struct {
	Memories []engramMemory `json:"memories"`
	Total    int            `json:"total"`
}

// addConversation is memories.add(messages, user_id=..., conversation_id=...).
func (c *engramClient) addConversation(ctx context.Context, userID, conversationID string, msgs []engramMessage) (string, error) {
	var out struct {
		RunID  string `json:"run_id"`
		Status string `json:"status"`
	}
	err := c.call(ctx, "POST", "/memories", map[string]any{
		"input":           map[string]any{"conversation": map[string]any{"messages": msgs}},
		"user_id":         userID,
		"conversation_id": conversationID,
	}, &out)
	return out.RunID, err
}

// waitRun is runs.wait: it polls until the run is completed or failed.
func (c *engramClient) waitRun(ctx context.Context, runID string) (*engramRun, error) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		var r engramRun
		if err := c.call(ctx, "GET", "/runs/"+runID, nil, &r); err != nil {
			return nil, err
		}
		if r.Status == "completed" || r.Status == "failed" {
			return &r, nil
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return &r, ctx.Err()
		}
	}
}

func (c *engramClient) search(ctx context.Context, userID, query string) (*engramList, error) {
	var out engramList
	err := c.call(ctx, "POST", "/memories/search", map[string]any{
		"query": query, "user_id": userID,
		"retrieval_config": map[string]any{"retrieval_type": "hybrid", "limit": nil},
	}, &out)
	return &out, err
}

func (c *engramClient) list(ctx context.Context, userID string) (*engramList, error) {
	var out engramList
	err := c.call(ctx, "POST", "/memories/list", map[string]any{"user_id": userID}, &out)
	return &out, err
}

func (c *engramClient) get(ctx context.Context, userID, id string) (*engramMemory, error) {
	var out engramMemory
	err := c.call(ctx, "GET", "/memories/"+id+"?"+url.Values{"user_id": {userID}}.Encode(), nil, &out)
	return &out, err
}

func (c *engramClient) delete(ctx context.Context, userID, id string) error {
	return c.call(ctx, "DELETE", "/memories/"+id+"?"+url.Values{"user_id": {userID}}.Encode(), nil, nil)
}

// TestEngramUserCodeRunsUnchanged is a user's test of their own agent code, written against Engram's
// shapes, run against mnemo serve by pointing the client's base URL at it.
func TestEngramUserCodeRunsUnchanged(t *testing.T) {
	t.Parallel()
	f := setup(t, nil, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := &engramClient{baseURL: f.srv.URL, apiKey: testKey, http: f.srv.Client()}

	runID, err := client.addConversation(ctx, "user-42", "conv-1", []engramMessage{
		{Role: "user", Content: "I'm vegetarian and I live in Lisbon."},
		{Role: "assistant", Content: "Noted! Any favourite cuisine?"},
		{Role: "user", Content: "I love Thai food."},
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := client.waitRun(ctx, runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "completed" || len(run.CommittedOperations.Created) == 0 ||
		run.CommittedOperations.Updated == nil || run.CommittedOperations.Deleted == nil {
		t.Fatalf("run %+v", run)
	}

	found, err := client.search(ctx, "user-42", "where does the user live?")
	if err != nil {
		t.Fatal(err)
	}
	if len(found.Memories) == 0 || found.Total != len(found.Memories) || found.Memories[0].Score == nil {
		t.Fatalf("search %+v", found)
	}
	all, err := client.list(ctx, "user-42")
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != len(run.CommittedOperations.Created) {
		t.Fatalf("list has %d memories, the run created %d", all.Total, len(run.CommittedOperations.Created))
	}
	first := all.Memories[0]
	m, err := client.get(ctx, "user-42", first.ID)
	if err != nil || m.Content != first.Content {
		t.Fatalf("get %+v, %v", m, err)
	}
	if err := client.delete(ctx, "user-42", first.ID); err != nil {
		t.Fatal(err)
	}
	_, err = client.get(ctx, "user-42", first.ID)
	if e, ok := err.(*engramError); !ok || e.Status != http.StatusNotFound || e.Detail == "" {
		t.Fatalf("get after delete: %v", err)
	}
	after, err := client.list(ctx, "user-42")
	if err != nil || after.Total != all.Total-1 {
		t.Fatalf("list after delete: %+v, %v", after, err)
	}
	_, err = client.search(ctx, "user-42", "")
	if e, ok := err.(*engramError); !ok || e.Status != http.StatusUnprocessableEntity || e.Detail == "" {
		t.Fatalf("empty query: %v", err)
	}
	bad := &engramClient{baseURL: f.srv.URL, apiKey: "wrong", http: f.srv.Client()}
	if _, err := bad.list(ctx, "user-42"); err == nil || err.(*engramError).Status != http.StatusUnauthorized {
		t.Fatalf("wrong key: %v", err)
	}
}
