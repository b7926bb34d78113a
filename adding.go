package mnemo

import (
	"fmt"
	"maps"
	"os"

	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/store"
)

// pendingAdd is an add checked and ready to record: its run and its input (for a file, checked and
// its format detected; stage stores its bytes).
type pendingAdd struct {
	run     Run
	payload pipeline.Payload
	staged  bool
}

// prepareAdd checks an add's input and options and makes its run, queued, with a new ID. Nothing is
// stored.
func (e *Engine) prepareAdd(in Input, opts *AddOptions) (*pendingAdd, error) {
	if in == nil {
		return nil, invalid("input", "nil")
	}
	p := in.payload()
	if err := checkPayload(&p); err != nil {
		return nil, err
	}
	var o AddOptions
	if opts != nil {
		o = *opts
	}
	if err := checkAddOptions(&o); err != nil {
		return nil, err
	}
	start, err := e.opts.Pipeline.StartingStep(p.Type)
	if err != nil {
		return nil, err
	}
	if err := checkSize(&p, &o); err != nil {
		return nil, err
	}
	id, err := e.ids.New()
	if err != nil {
		return nil, fmt.Errorf("add: new run id: %w", err)
	}
	a := &pendingAdd{payload: p}
	if p.Type == InputFile {
		// Checked (and its format detected) now, read by stage: a batch of many files does not
		// hold them all open.
		if err := checkFile(p.File); err != nil {
			return nil, err
		}
	}
	now := e.now()
	a.run = Run{
		ID: id.String(), Status: Queued, Group: o.Group, UserID: o.UserID,
		Properties: maps.Clone(o.Properties), DocumentID: o.DocumentID, Metadata: maps.Clone(o.Metadata),
		InputType: p.Type, Steps: e.opts.Pipeline.Names(), StartingStep: start, Step: start,
		CreatedAt: now, UpdatedAt: now, ExpiresAt: o.ExpiresAt.UTC().Round(0),
	}
	return a, nil
}

// stage stores the bytes of a file add under its run's ID, before the run is created; other adds
// have nothing to stage. A document ID already added is refused first, so that a large file is not
// copied for nothing (the run's creation checks again, atomically).
func (e *Engine) stage(a *pendingAdd) error {
	if a.payload.Type != InputFile {
		return nil
	}
	if a.run.DocumentID != "" {
		prior, err := e.store.DocumentRun(store.Scope{Group: a.run.Group, UserID: a.run.UserID}, a.run.DocumentID)
		if err != nil {
			return err
		}
		if prior != "" {
			return &store.ConflictError{DocumentID: a.run.DocumentID, RunID: prior}
		}
	}
	f, err := os.Open(a.payload.File.Path)
	if err != nil {
		return invalid("file", "%s: %v", a.payload.File.Path, err)
	}
	defer f.Close()
	staged, err := e.store.StageFile(a.run.ID, f, MaxFileBytes)
	if err != nil {
		return fmt.Errorf("file %s: %w", a.payload.File.Path, err)
	}
	a.staged = true
	a.payload.File.Size, a.payload.File.SHA256 = staged.Size, staged.SHA256
	if staged.Size == 0 {
		a.drop(e)
		return invalid("file", "%s is empty", a.payload.File.Path)
	}
	return nil
}

// drop deletes what stage stored, for an add that was not recorded.
func (a *pendingAdd) drop(e *Engine) {
	if a.staged {
		a.staged = false
		if err := e.store.DropFile(a.run.ID); err != nil {
			e.opts.Logger.Warn("mnemo: could not delete the bytes of a file not added; the next Open will", "run", a.run.ID, "err", err)
		}
	}
}
