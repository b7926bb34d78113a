package pipeline

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// A file run streams through a pipeline whose extract step is followed by transforms and then a
// commit that ends it (the default pipeline): its file is read back from the store and cut into
// chunks as it goes (package files), and the chunks are extracted, transformed and committed a
// window at a time, each window in one write that also records how far the run got. So a file of any
// size needs the memory of one window, other runs' writes interleave with its windows, and a resumed
// run starts after its last committed window. In other pipelines a file is extracted whole, as a
// text is, and its facts go on as one batch.

// FileWindowBytes bounds the text of the chunks one window of a file run extracts and commits
// together; a window also ends once its facts reach FileWindowFacts, or the engine's CommitPartSize
// if that is smaller (so a window commits at most that many facts plus those of one chunk). Windows
// of 256 facts use less memory than windows of 512 (the writer's transaction holds a node for every
// page it touches, and a window's index terms touch a page each) and are as fast: on a generated
// 8 MB Markdown file, 256 gave 2,690 memories/s with a peak live heap of 62 MiB, 512 gave 2,550/s
// and 85 MiB, 128 gave 2,230/s and 51 MiB; on 50 MB, with memory IDs sorted by fact, 256 gave
// 3,550/s and 52 MiB, 128 gave 2,987/s and 48 MiB (bench/README.md).
const (
	FileWindowBytes = 1 << 20
	FileWindowFacts = 256
)

// streamsFiles reports whether the pipeline streams file runs (see above), and the index of the
// commit that ends them.
func (p *Pipeline) streamsFiles() (int, bool) {
	if len(p.steps) == 0 || p.steps[0].kind() != kindExtract {
		return 0, false
	}
	for i := 1; i < len(p.steps); i++ {
		switch p.steps[i].(type) {
		case transformStep:
		case commitStep:
			return i, i == len(p.steps)-1
		default:
			return 0, false
		}
	}
	return 0, false
}

// fileWindow is the chunks of a file run being gathered for one commit, extracted as they come.
type fileWindow struct {
	facts []memory.Fact
	bytes int
	// prog is the run's progress once this window is committed; first says that no window of the
	// run was committed before this one.
	prog  fileProgress
	first bool
}

// fileStage takes a file run at its extract step k through the commit c that ends it, a window at
// a time (see streamsFiles).
func (d *driver) fileStage(r *status.Run, k, c int) (status.Run, error) {
	x := d.x
	p, err := d.payload(r.ID)
	if err != nil {
		return status.Run{}, err
	}
	if p.File == nil {
		return status.Run{}, Permanent(fmt.Errorf("run %s: a file input without its file", r.ID))
	}
	prog, err := d.fileProgress(r, k)
	if err != nil {
		return status.Run{}, err
	}
	ra, err := x.cfg.Store.FileReader(r.ID, p.File.Size)
	if err != nil {
		return status.Run{}, err
	}
	cur := *r
	w := &fileWindow{prog: prog, first: prog.next == 0}
	stopped := errors.New("stopped")
	err = files.Split(x.ctx, ra, p.File.Size, files.Format(p.File.Format), func(ch files.Chunk) error {
		if ch.Index < prog.next {
			return nil // committed by an earlier attempt
		}
		if _, err := d.extractChunk(&cur, p.File, &ch, w); err != nil {
			return err
		}
		if w.bytes < FileWindowBytes && len(w.facts) < min(FileWindowFacts, x.cfg.CommitPartSize) {
			return nil
		}
		next, err := d.commitWindow(&cur, k, c, w, false)
		if err != nil {
			return err
		}
		cur, w = next, &fileWindow{prog: w.prog}
		if x.stopped() {
			return stopped // Close: the run resumes from this window at the next Open
		}
		return nil
	})
	switch {
	case errors.Is(err, stopped):
		return cur, nil
	case x.ctx.Err() != nil:
		return status.Run{}, x.ctx.Err()
	case errors.Is(err, errs.InvalidInput):
		// The file is malformed past what its windows committed (or before any): a fault of the
		// input. Say so, and keep what was committed.
		return status.Run{}, Permanent(fmt.Errorf("%s: %w", p.File.Path, err))
	case err != nil:
		return status.Run{}, err
	}
	return d.commitWindow(&cur, k, c, w, true)
}

// extractFile extracts the whole of a file run's file, for a pipeline that does not stream files:
// a chunk whose extraction fails for good is recorded in the batch's Failures (its Input the chunk's
// index) and the others go on.
func (d *driver) extractFile(r *status.Run, p *Payload) (*batch, error) {
	x := d.x
	if p.File == nil {
		return nil, Permanent(fmt.Errorf("run %s: a file input without its file", r.ID))
	}
	ra, err := x.cfg.Store.FileReader(r.ID, p.File.Size)
	if err != nil {
		return nil, err
	}
	w := &fileWindow{}
	out := &batch{}
	err = files.Split(x.ctx, ra, p.File.Size, files.Format(p.File.Format), func(ch files.Chunk) error {
		failure, err := d.extractChunk(r, p.File, &ch, w)
		if failure != nil {
			out.Failures = append(out.Failures, *failure)
		}
		return err
	})
	switch {
	case x.ctx.Err() != nil:
		return nil, x.ctx.Err()
	case errors.Is(err, errs.InvalidInput):
		return nil, Permanent(fmt.Errorf("%s: %w", p.File.Path, err))
	case err != nil:
		return nil, err
	case w.prog.next == 0:
		return nil, Permanent(errors.New("the file has no text to extract"))
	}
	out.Inputs, out.Facts = w.prog.next, w.facts
	return out, nil
}

// extractChunk extracts chunk ch of the run's file into w: its facts, whose sources name the file,
// the chunk and the page; or, if extraction fails for good, its failure, which it also returns.
func (d *driver) extractChunk(r *status.Run, ref *FileRef, ch *files.Chunk, w *fileWindow) (*inputFailure, error) {
	x := d.x
	req := chunkRequest(r, ch)
	var facts []memory.Fact
	var err error
	if cerr := d.computing(func() {
		err = d.retry(x.ctx, r.Step, func(ctx context.Context) (err error) {
			facts, err = x.cfg.Extractor.Extract(ctx, req)
			return err
		})
	}); cerr != nil {
		return nil, cerr
	}
	if x.ctx.Err() != nil {
		return nil, x.ctx.Err()
	}
	w.prog.next = ch.Index + 1
	w.bytes += len(ch.Text)
	for _, m := range ch.Messages {
		w.bytes += len(m.Content)
	}
	defer func() { w.prog.messages += len(ch.Messages) }()
	if err != nil {
		f := w.prog.fail(ch, err)
		return &f, nil
	}
	facts = cleanFacts(facts, req)
	creditFile(facts, r.ID, ref, ch, w.prog.messages)
	w.facts = append(w.facts, facts...)
	return nil, nil
}

// chunkRequest is the extraction request of a file's chunk: its text, or its messages, and the
// heading it sits under.
func chunkRequest(r *status.Run, ch *files.Chunk) ExtractRequest {
	return ExtractRequest{RunID: r.ID, UserID: r.UserID, Input: ch.Index, Text: ch.Text, Messages: ch.Messages, Heading: ch.Heading}
}

// creditFile makes the sources of facts extracted from chunk ch name the file, the chunk (from 1)
// and the page; a chat chunk's message indexes become indexes into the whole export (messages is
// how many messages the chunks before ch held).
func creditFile(facts []memory.Fact, runID string, ref *FileRef, ch *files.Chunk, messages int) {
	for i := range facts {
		srcs := facts[i].Sources
		for j := range srcs {
			if srcs[j].RunID != runID {
				continue
			}
			srcs[j].File, srcs[j].Chunk, srcs[j].Page = ref.Path, ch.Index+1, ch.Page
			if len(ch.Messages) > 0 {
				srcs[j].Input += messages
			} else {
				srcs[j].Input = ch.Index
			}
		}
	}
}

// commitWindow transforms the facts of window w, commits them as step c in one write with the run's
// progress, and returns the run. The final window ends the run (or with no chunk at all, fails it).
func (d *driver) commitWindow(r *status.Run, k, c int, w *fileWindow, final bool) (status.Run, error) {
	x, st := d.x, d.x.cfg.Store
	runUUID, err := uuid.Parse(r.ID)
	if err != nil {
		return status.Run{}, Permanent(fmt.Errorf("commit: run id: %w", err))
	}
	if final && w.prog.next == 0 {
		return status.Run{}, Permanent(errors.New("the file has no text to extract"))
	}
	in := &batch{Inputs: len(w.facts), Facts: w.facts, idBase: w.prog.facts}
	out, j, err := d.compute(r, in, k+1)
	if err != nil {
		return status.Run{}, err
	}
	if j != c {
		return status.Run{}, Permanent(fmt.Errorf("a file run reached step %d, not its commit %d", j, c))
	}
	now := x.now()
	n := len(out.Facts)
	verdicts, err := d.reconcile(r, runUUID, c, out, 0, n)
	if err != nil {
		return status.Run{}, err
	}
	var part []store.NewMemory
	if cerr := d.computing(func() { part = d.prepare(r, runUUID, c, out, 0, n, nil, verdicts, now) }); cerr != nil {
		return status.Run{}, cerr
	}
	if err := d.embed(c, out, 0, part, verdicts); err != nil {
		return status.Run{}, err
	}
	prog := w.prog
	prog.facts += n
	large := !(final && w.first) // a run of one window records its operations as a small run does
	cp := store.NewCheckpoint(k, prog.encode())
	starting := !d.started
	next, err := st.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		if err := checkTargets(t, verdicts); err != nil {
			return err
		}
		start(t, run, starting, now)
		if err := writePart(t, run, out, 0, part, verdicts, now, large); err != nil {
			return err
		}
		run.UpdatedAt = now
		if !final {
			return t.PutCheckpoint(run.ID, cp)
		}
		run.Step = c + 1
		finishFile(run, &prog, now)
		return d.endFiring(t, run, succeeded(now), now)
	})
	if err != nil {
		return status.Run{}, err
	}
	d.started = true
	w.prog = prog // the next window's facts are numbered after this one's
	return next, nil
}
