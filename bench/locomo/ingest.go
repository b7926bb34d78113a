package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/bench/internal/locomo"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// openIngested opens the mnemo file at path (a temporary one when path is empty) and ingests the
// conversations into it, unless the file existed: then it is evaluated as it is. cleanup closes
// the engine and removes a temporary file. x extracts the facts.
func openIngested(ctx context.Context, path string, x rules.Extractor, convs []locomo.Conversation) (*mnemo.Engine, func(), error) {
	ingest := true
	var tmp string
	if path == "" {
		dir, err := os.MkdirTemp("", "locomo-")
		if err != nil {
			return nil, nil, err
		}
		tmp = dir
		path = filepath.Join(dir, "locomo.db")
	} else if _, err := os.Stat(path); err == nil {
		ingest = false
		fmt.Printf("reusing %s as it is (delete it to ingest again)\n", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	eng, err := mnemo.Open(path, &mnemo.Options{Extractor: x, Embedder: *embedderFlag})
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		if err := eng.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "locomo: close:", err)
		}
		if tmp != "" {
			os.RemoveAll(tmp)
		}
	}
	if ingest {
		if err := ingestAll(ctx, eng, convs); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	return eng, cleanup, nil
}

// ingestAll adds each session of each conversation as one Conversation, in its conversation's
// scope, and prints what the runs made. The sessions of one conversation are added in order, each
// after the previous one's run ended, as an application would add them, so that reconciliation sees
// them in order and the result is the same every time; conversations are ingested concurrently. A
// run that did not complete is reported, and fails the ingestion.
func ingestAll(ctx context.Context, eng *mnemo.Engine, convs []locomo.Conversation) error {
	began := time.Now()
	results := make([]ingested, len(convs))
	var wg sync.WaitGroup
	for i, c := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = ingestConversation(ctx, eng, c)
		}()
	}
	wg.Wait()
	var total ingested
	for _, r := range results {
		if r.err != nil {
			return r.err
		}
		total.sessions += r.sessions
		total.turns += r.turns
		total.created += r.created
		total.updated += r.updated
		total.deleted += r.deleted
		total.failed = append(total.failed, r.failed...)
	}
	fmt.Printf("ingested %d conversations, %d sessions, %d turns in %v: %d memories created, %d updated, %d deleted\n",
		len(convs), total.sessions, total.turns, time.Since(began).Round(time.Millisecond), total.created, total.updated, total.deleted)
	if len(total.failed) > 0 {
		for _, f := range total.failed {
			fmt.Println("run not completed:", f)
		}
		return fmt.Errorf("%d of %d runs did not complete", len(total.failed), total.sessions)
	}
	return nil
}

// ingested counts what the runs of an ingestion did.
type ingested struct {
	sessions, turns           int
	created, updated, deleted int
	failed                    []string // the runs that did not complete: ID, status and error
	err                       error
}

// ingestConversation adds c's sessions in order, waiting for each run.
func ingestConversation(ctx context.Context, eng *mnemo.Engine, c locomo.Conversation) (r ingested) {
	for _, s := range c.Sessions {
		at, err := locomo.ParseSessionTime(s.DateTime)
		if err != nil {
			r.err = fmt.Errorf("%s session %d: %w", c.ID, s.Number, err)
			return r
		}
		msgs := make([]mnemo.Message, len(s.Turns))
		for i, t := range s.Turns {
			msgs[i] = mnemo.Message{ID: t.DiaID, Role: "user", Name: t.Speaker, Content: t.Text, CreatedAt: at}
		}
		run, err := eng.Memories.Add(ctx, mnemo.Conversation(msgs...), &mnemo.AddOptions{Group: group, UserID: c.ID})
		if err != nil {
			r.err = fmt.Errorf("add %s session %d: %w", c.ID, s.Number, err)
			return r
		}
		run, err = eng.Runs.Wait(ctx, run.ID)
		if err != nil {
			r.err = fmt.Errorf("wait for run %s: %w", run.ID, err)
			return r
		}
		r.sessions++
		r.turns += len(msgs)
		if run.Status != "completed" {
			r.failed = append(r.failed, fmt.Sprintf("%s (%s session %d) %s: %s", run.ID, c.ID, s.Number, run.Status, run.Error))
		}
		r.created += len(run.CommittedOperations.Created)
		r.updated += len(run.CommittedOperations.Updated)
		r.deleted += len(run.CommittedOperations.Deleted)
	}
	return r
}
