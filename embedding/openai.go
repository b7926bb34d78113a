package embedding

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
)

// Bounds of the OpenAI embedder.
const (
	// openAIBatch is the most inputs one request carries; OpenAI allows 2048, smaller servers
	// less, and a failed request loses less work.
	openAIBatch = 256
	// errorBodyBytes is how much of an error response's body a StatusError keeps.
	errorBodyBytes = 512
)

// OpenAI embeds texts with an OpenAI-compatible embeddings endpoint: it POSTs
// {"model": Model, "input": [texts]} to BaseURL + "/embeddings", at most 256 texts per request,
// one request after another, and reads {"data": [{"index": i, "embedding": [...]}]}. Vectors are
// put back in the order of the texts and normalised. Texts of only white space are not sent
// (endpoints reject empty input): they get the zero vector.
//
// Its fields must not change once it is in use. An OpenAI is safe for concurrent use.
type OpenAI struct {
	// BaseURL is the API's root, such as "https://api.openai.com/v1" or
	// "http://localhost:11434/v1"; a trailing slash is ignored.
	BaseURL string
	// Model is the model to ask for, such as "text-embedding-3-small".
	Model string
	// APIKey, if not "", is sent as "Authorization: Bearer APIKey".
	APIKey string
	// Dimensions is the length of the model's vectors, which Dims returns. It is not sent: a
	// vector of another length is an error wrapping ErrDimensions.
	Dimensions int
	// Client sends the requests; nil means http.DefaultClient. Its Timeout, if any, bounds each
	// request; the ctx given to Embed bounds them all.
	Client *http.Client
}

// Name implements Embedder: "openai:<Model>/<Dimensions>". The endpoint is not part of it: one
// model served from two places makes the same vectors.
func (o *OpenAI) Name() string { return fmt.Sprintf("openai:%s/%d", o.Model, o.Dimensions) }

// Dims implements Embedder.
func (o *OpenAI) Dims() int { return o.Dimensions }

type openAIRequest struct {
	Model string   `json:"model"`
	Input []string `json:"input"`
}

type openAIResponse struct {
	Data []struct {
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	} `json:"data"`
}

// Embed implements Embedder. Its errors are ctx's error when ctx is done, a *StatusError when
// the endpoint answers with an error status, and an error wrapping ErrDimensions when a vector
// has the wrong length.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if o.Dimensions < 1 {
		return nil, fmt.Errorf("embedding: OpenAI.Dimensions is %d, want the model's vector length", o.Dimensions)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := vectors(len(texts), o.Dimensions)
	var batch []string
	var slots []int // slots[j]: the index in texts of batch[j]
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		vs, err := o.request(ctx, batch)
		if err != nil {
			return err
		}
		for j, v := range vs {
			copy(out[slots[j]], v)
			Normalize(out[slots[j]])
		}
		batch, slots = batch[:0], slots[:0]
		return nil
	}
	for i, t := range texts {
		if strings.TrimFunc(t, unicode.IsSpace) == "" {
			continue
		}
		batch = append(batch, t)
		slots = append(slots, i)
		if len(batch) == openAIBatch {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// request embeds one batch, returning its vectors in the order of inputs.
func (o *OpenAI) request(ctx context.Context, inputs []string) ([][]float32, error) {
	body, err := json.Marshal(openAIRequest{Model: o.Model, Input: inputs})
	if err != nil {
		return nil, err
	}
	url := strings.TrimSuffix(o.BaseURL, "/") + "/embeddings"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("embedding: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if o.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.APIKey)
	}
	client := o.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("embedding: POST %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		excerpt, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyBytes))
		return nil, &StatusError{StatusCode: resp.StatusCode, Body: strings.TrimSpace(strings.ToValidUTF8(string(excerpt), "\uFFFD"))}
	}
	var r openAIResponse
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("embedding: read response of %s: %w", url, err)
	}
	if len(r.Data) != len(inputs) {
		return nil, fmt.Errorf("embedding: %s returned %d vectors for %d inputs", url, len(r.Data), len(inputs))
	}
	vs := make([][]float32, len(inputs))
	for _, d := range r.Data {
		if d.Index < 0 || d.Index >= len(inputs) || vs[d.Index] != nil {
			return nil, fmt.Errorf("embedding: %s returned index %d, out of range or repeated", url, d.Index)
		}
		if len(d.Embedding) != o.Dimensions {
			return nil, fmt.Errorf("%w: %s returned %d values, want %d", ErrDimensions, url, len(d.Embedding), o.Dimensions)
		}
		vs[d.Index] = d.Embedding
	}
	return vs, nil
}
