package pipeline

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/internal/files"
	"github.com/mnemohq/mnemo/status"
)

// maxListedFailures bounds the failed chunks a file run's Error names; it counts the rest.
const maxListedFailures = 20

// fileProgress is how far a file run got: it is stored as the extract step's checkpoint with each
// window's commit.
type fileProgress struct {
	next     int            // chunks done: the index of the next chunk
	messages int            // messages of chat chunks done, for the sources' message indexes
	facts    int            // facts committed: the next window's idBase
	failed   int            // chunks whose extraction failed
	failures []inputFailure // the first maxListedFailures of them: Input is the chunk's index
}

const fileProgressFormat byte = 1

func (p *fileProgress) encode() []byte {
	e := codec.Encoder{}
	e.Byte(fileProgressFormat)
	e.Uint(uint64(p.next))
	e.Uint(uint64(p.messages))
	e.Uint(uint64(p.facts))
	e.Uint(uint64(p.failed))
	e.Uint(uint64(len(p.failures)))
	for _, f := range p.failures {
		e.Int(int64(f.Input))
		e.Str(f.Error)
	}
	return e.B
}

func decodeFileProgress(b []byte) (fileProgress, error) {
	d := codec.NewDecoder(b)
	if f := d.Byte(); d.Err() == nil && f != fileProgressFormat {
		return fileProgress{}, fmt.Errorf("%w: file progress: unknown format %d", errs.Corrupt, f)
	}
	p := fileProgress{next: int(d.Uint()), messages: int(d.Uint()), facts: int(d.Uint()), failed: int(d.Uint())}
	if n := d.Length(); n > 0 {
		p.failures = make([]inputFailure, n)
		for i := range p.failures {
			p.failures[i] = inputFailure{Input: int(d.Int()), Error: d.Str()}
		}
	}
	return p, d.End()
}

// fail records that chunk ch's extraction failed with err.
// It returns the failure as the run's Error names it.
func (p *fileProgress) fail(ch *files.Chunk, err error) inputFailure {
	f := inputFailure{Input: ch.Index, Error: "extract: " + err.Error()}
	if ch.Page > 0 {
		f.Error = fmt.Sprintf("page %d: %s", ch.Page, f.Error)
	}
	p.failed++
	if len(p.failures) < maxListedFailures {
		p.failures = append(p.failures, f)
	}
	return f
}

// errorText is the run's Error for its failed chunks.
func (p *fileProgress) errorText() string {
	parts := make([]string, 0, len(p.failures)+1)
	for _, f := range p.failures {
		parts = append(parts, fmt.Sprintf("chunk %d: %s", f.Input+1, f.Error))
	}
	if more := p.failed - len(p.failures); more > 0 {
		parts = append(parts, fmt.Sprintf("and %d more chunks failed", more))
	}
	return fmt.Sprintf("%d of %d chunks failed: %s", p.failed, p.next, strings.Join(parts, "; "))
}

// fileProgress reads how far the file run got, from the extract step's checkpoint: nowhere if it has
// none.
func (d *driver) fileProgress(r *status.Run, k int) (fileProgress, error) {
	if r.Attempts == 0 {
		return fileProgress{}, nil
	}
	data, err := d.x.cfg.Store.Checkpoint(r.ID, k)
	switch {
	case errors.Is(err, errs.NotFound):
		return fileProgress{}, nil
	case err != nil:
		return fileProgress{}, err
	}
	prog, err := decodeFileProgress(data)
	if err != nil {
		return fileProgress{}, Permanent(fmt.Errorf("run %s: %w", r.ID, err))
	}
	return prog, nil
}

// finishFile ends a file run whose windows are all committed: completed when no chunk failed,
// failed when every chunk failed, partial_success in between.
func finishFile(run *status.Run, prog *fileProgress, now time.Time) {
	run.CompletedAt = now
	switch {
	case prog.failed == 0:
		run.Status = status.Completed
	case prog.failed < prog.next:
		run.Status = status.PartialSuccess
		run.Error = prog.errorText()
	default:
		run.Status = status.Failed
		run.Error = prog.errorText()
	}
}
