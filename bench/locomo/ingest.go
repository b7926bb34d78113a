package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/mnemohq/mnemo"
)

// openIngested opens the mnemo file at path (a temporary one when path is empty) and ingests the
// conversations into it, unless the file existed: then it is evaluated as it is. cleanup closes
// the engine and removes a temporary file.
func openIngested(ctx context.Context, path string, convs []conversation) (*mnemo.Engine, func(), error) {
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
	eng, err := mnemo.Open(path, nil)
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
// scope, waits for every run, and prints what the runs made. A run that did not complete is
// reported, and fails the ingestion.
func ingestAll(ctx context.Context, eng *mnemo.Engine, convs []conversation) error {
	began := time.Now()
	var runs []string
	turns := 0
	for _, c := range convs {
		for _, s := range c.Sessions {
			at, err := parseSessionTime(s.DateTime)
			if err != nil {
				return fmt.Errorf("%s session %d: %w", c.ID, s.Number, err)
			}
			msgs := make([]mnemo.Message, len(s.Turns))
			for i, t := range s.Turns {
				msgs[i] = mnemo.Message{ID: t.DiaID, Role: "user", Name: t.Speaker, Content: t.Text, CreatedAt: at}
			}
			turns += len(msgs)
			run, err := eng.Memories.Add(ctx, mnemo.Conversation(msgs...), &mnemo.AddOptions{Group: group, UserID: c.ID})
			if err != nil {
				return fmt.Errorf("add %s session %d: %w", c.ID, s.Number, err)
			}
			runs = append(runs, run.ID)
		}
	}
	var failed []string
	created, updated, deleted := 0, 0, 0
	for _, id := range runs {
		run, err := eng.Runs.Wait(ctx, id)
		if err != nil {
			return fmt.Errorf("wait for run %s: %w", id, err)
		}
		if run.Status != "completed" {
			failed = append(failed, fmt.Sprintf("%s %s: %s", id, run.Status, run.Error))
		}
		created += len(run.CommittedOperations.Created)
		updated += len(run.CommittedOperations.Updated)
		deleted += len(run.CommittedOperations.Deleted)
	}
	fmt.Printf("ingested %d conversations, %d sessions, %d turns in %v: %d memories created, %d updated, %d deleted\n",
		len(convs), len(runs), turns, time.Since(began).Round(time.Millisecond), created, updated, deleted)
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Println("run not completed:", f)
		}
		return fmt.Errorf("%d of %d runs did not complete", len(failed), len(runs))
	}
	return nil
}
