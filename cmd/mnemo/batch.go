package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/mnemohq/mnemo"
)

const batchHelp = `A batch file (mnemo add -batch FILE) holds one add per line, as a JSON object with one input:

  {"text": "Alice prefers tea."}                       a text
  {"texts": ["First.", "Second."]}                     several texts, one run
  {"messages": [{"role": "user", "content": "..."}]}   a conversation
  {"items": [{"content": "...", "topic": "food"}]}     pre-extracted items
  {"file": "notes/plan.md"}                            a file (relative to the batch file's folder)

and, optionally, the add's options: "user_id", "group", "properties" and "metadata" (objects of
strings), "document_id", "expires_at" (RFC 3339). The command's -user, -group, -prop, -meta and
-expires apply to the lines that do not say otherwise; blank lines are skipped. Lines are added in
batches of up to 1000, each accepted in one commit. A line that is valid JSON but a bad add (an empty
text, a missing file, a document ID added before) is reported in its item and the others are added;
with -fail-fast it refuses its whole batch. A line that is not such an object stops the command
before anything is added.
`

// batchLine is one line of a batch file.
type batchLine struct {
	Text       *string           `json:"text"`
	Texts      []string          `json:"texts"`
	Messages   []mnemo.Message   `json:"messages"`
	Items      []mnemo.Item      `json:"items"`
	File       *string           `json:"file"`
	UserID     *string           `json:"user_id"`
	Group      *string           `json:"group"`
	Properties map[string]string `json:"properties"`
	Metadata   map[string]string `json:"metadata"`
	DocumentID *string           `json:"document_id"`
	ExpiresAt  *time.Time        `json:"expires_at"`
}

// request makes the line's add, with defaults for the options it does not give; dir is where
// relative file paths start.
func (l *batchLine) request(defaults *mnemo.AddOptions, dir string) (mnemo.AddRequest, error) {
	var inputs []mnemo.Input
	if l.Text != nil {
		inputs = append(inputs, mnemo.Text(*l.Text))
	}
	if l.Texts != nil {
		inputs = append(inputs, mnemo.Text(l.Texts...))
	}
	if l.Messages != nil {
		inputs = append(inputs, mnemo.Conversation(l.Messages...))
	}
	if l.Items != nil {
		inputs = append(inputs, mnemo.PreExtracted(l.Items...))
	}
	if l.File != nil {
		path := *l.File
		if path != "" && !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		inputs = append(inputs, mnemo.File(path))
	}
	if len(inputs) != 1 {
		return mnemo.AddRequest{}, errors.New(`needs exactly one of "text", "texts", "messages", "items" and "file"`)
	}
	o := *defaults
	o.Properties, o.Metadata = maps.Clone(o.Properties), maps.Clone(o.Metadata)
	if l.UserID != nil {
		o.UserID = *l.UserID
	}
	if l.Group != nil {
		o.Group = *l.Group
	}
	if l.Properties != nil {
		o.Properties = l.Properties
	}
	if l.Metadata != nil {
		o.Metadata = l.Metadata
	}
	if l.DocumentID != nil {
		o.DocumentID = *l.DocumentID
	}
	if l.ExpiresAt != nil {
		o.ExpiresAt = *l.ExpiresAt
	}
	return mnemo.AddRequest{Input: inputs[0], Options: o}, nil
}

// readBatch reads the adds of a batch file (- for stdin).
func (c *cli) readBatch(name string, defaults *mnemo.AddOptions) ([]mnemo.AddRequest, error) {
	var r io.Reader = c.stdin
	dir := "."
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r, dir = f, filepath.Dir(name)
	} else {
		name = "stdin"
	}
	var reqs []mnemo.AddRequest
	br := bufio.NewReader(r)
	for n := 1; ; n++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			var l batchLine
			dec := json.NewDecoder(bytes.NewReader(trimmed))
			dec.DisallowUnknownFields()
			req, lerr := mnemo.AddRequest{}, dec.Decode(&l)
			if lerr == nil && dec.More() {
				lerr = errors.New("more data after the JSON object")
			}
			if lerr == nil {
				req, lerr = l.request(defaults, dir)
			}
			if lerr != nil {
				return nil, fmt.Errorf("%w: %s: line %d: %v", mnemo.ErrInvalidInput, name, n, lerr)
			}
			reqs = append(reqs, req)
		}
		if err == io.EOF {
			break
		}
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("%w: %s: no adds in it", mnemo.ErrInvalidInput, name)
	}
	return reqs, nil
}

// addBatch adds the lines of a batch file in batches of up to mnemo.MaxBatchItems, and prints the
// batches; with wait, once their runs have ended, with a progress bar (on a terminal) meanwhile.
func (c *cli) addBatch(name string, defaults *mnemo.AddOptions, failFast, wait bool) error {
	reqs, err := c.readBatch(name, defaults)
	if err != nil {
		return err
	}
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
	bar := newProgress(c.stderr, "added", isTerminal(c.stderr))
	var batches []*mnemo.Batch
	for start := 0; start < len(reqs); start += mnemo.MaxBatchItems {
		part := reqs[start:min(start+mnemo.MaxBatchItems, len(reqs))]
		b, err := eng.Memories.AddBatch(c.ctx, part, &mnemo.BatchOptions{FailFast: failFast})
		if err != nil {
			bar.end()
			if start > 0 {
				c.print(batches) // what was accepted before stays accepted: say so
				return fmt.Errorf("lines from %d on: %w (the batches above were added)", start+1, c.explain(err))
			}
			return c.explain(err)
		}
		batches = append(batches, b)
		bar.update(start+len(part), len(reqs))
	}
	bar.end()
	if wait {
		if err := c.waitBatches(eng, batches, len(reqs)); err != nil {
			return err
		}
	}
	return c.print(batches)
}

// waitBatches waits for every run of the batches to end, drawing their progress, and reads the
// batches again.
func (c *cli) waitBatches(eng *mnemo.Engine, batches []*mnemo.Batch, total int) error {
	bar := newProgress(c.stderr, "ended", isTerminal(c.stderr))
	defer bar.end()
	done := 0
	for i, b := range batches {
		for _, it := range b.Items {
			if it.RunID != "" {
				if _, err := eng.Runs.Wait(c.ctx, it.RunID); err != nil && !errors.Is(err, mnemo.ErrNotFound) {
					return err
				}
			}
			done++
			bar.update(done, total)
		}
		again, err := eng.Batches.Get(c.ctx, b.ID)
		if err != nil {
			return err
		}
		batches[i] = again
	}
	return nil
}
