package pipeline

import (
	"github.com/oklog/ulid/v2"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
	"time"
)

// parking is a run's move into the buffer at step Step, prepared before its write: the items (one
// per fact, each with a monotonic ULID that orders it in its buffer) and what the run says of itself
// for when the buffer fires (member).
type parking struct {
	scope  store.BufferScope
	items  []store.BufferItem
	member []byte
	header store.Buffer // the buffer as the write left it
}

func newParking(r *status.Run, step int, out *batch) *parking {
	p := &parking{
		scope:  store.BufferScope{Step: step, Group: r.Group, UserID: r.UserID, Properties: r.Properties},
		items:  make([]store.BufferItem, len(out.Facts)),
		member: encodeMember(out),
	}
	for i := range out.Facts {
		p.items[i] = store.BufferItem{ID: ulid.Make(), Data: encodeFact(&out.Facts[i], r.ID)}
	}
	return p
}

// write parks the run, inside the write that also ends its stage.
func (p *parking) write(t *store.Tx, run *status.Run, now time.Time) error {
	h, err := t.Park(run.ID, p.scope, p.items, p.member, now)
	if err != nil {
		return err
	}
	p.header = h
	run.Status = status.InBuffer
	run.Step = p.scope.Step
	run.UpdatedAt = now
	return nil
}

// park parks the run at buffer step b with the facts of out, in a write of its own (a buffer with no
// commit right before it).
func (d *driver) park(r *status.Run, b int, out *batch) (status.Run, error) {
	var p *parking
	if err := d.computing(func() { p = newParking(r, b, out) }); err != nil {
		return status.Run{}, err
	}
	starting := !d.started
	next, err := d.x.cfg.Store.UpdateRun(r.ID, r.Revision, func(t *store.Tx, run *status.Run) error {
		now := d.x.now()
		start(t, run, starting, now)
		return p.write(t, run, now)
	})
	if err != nil {
		return status.Run{}, err
	}
	d.started = true
	d.x.sched.parked(p.header)
	return next, nil
}

// encodeFact encodes one fact as a buffer item, as a batch does (a source naming runID is stored
// without it), after a byte that says the batch format.
func encodeFact(f *memory.Fact, runID string) []byte {
	e := codec.Encoder{B: make([]byte, 0, len(f.Content)+len(f.Topic)+32)}
	e.Byte(batchFormat)
	writeFact(&e, f, runID)
	return e.B
}

// decodeFact decodes a buffer item. Items parked by schema 3 and earlier have no format byte and
// sources in batch format 2; one whose content was 3 bytes long starts like a format-3 item, and is
// told apart by failing to decode as one.
func decodeFact(data []byte, runID string) (memory.Fact, error) {
	if len(data) > 0 && data[0] == batchFormat {
		d := codec.NewDecoder(data[1:])
		if f := readFact(&d, runID, batchFormat); d.End() == nil {
			return f, nil
		}
	}
	d := codec.NewDecoder(data)
	f := readFact(&d, runID, batchFormat2)
	return f, d.End()
}

// member is what a parked run says of itself, for when its buffer fires: how many inputs it had, and
// the text of those that failed before it parked (its own partial failure).
type member struct {
	inputs int
	errors string
}

func encodeMember(out *batch) []byte {
	e := codec.Encoder{}
	e.Uint(uint64(out.Inputs))
	e.Str(out.errorText())
	return e.B
}

func decodeMember(b []byte) member {
	d := codec.NewDecoder(b)
	m := member{inputs: int(d.Uint()), errors: d.Str()}
	if d.Err() != nil {
		return member{} // a damaged record says nothing of failures: the firing's outcome stands
	}
	return m
}

// succeeded ends the runs of a firing whose steps all succeeded: completed, or partial_success for a
// run some of whose own inputs failed before it parked.
func succeeded(now time.Time) store.EndFunc {
	return func(r *status.Run, m []byte, _ bool) {
		r.Status, r.Error = status.Completed, ""
		if own := decodeMember(m); own.errors != "" {
			r.Status, r.Error = status.PartialSuccess, own.errors
		}
		r.CompletedAt, r.UpdatedAt = now, now
	}
}

// failedWith ends the runs of a firing whose steps failed: failed, or partial_success for a run that
// committed memories (before it parked, or in the firing before the failure), with the error.
func failedWith(text string, now time.Time) store.EndFunc {
	return func(r *status.Run, _ []byte, committed bool) {
		r.Status = status.Failed
		if committed {
			r.Status = status.PartialSuccess
		}
		r.Error = text
		r.CompletedAt, r.UpdatedAt = now, now
	}
}

// endFiring ends, in the run's last write, the firing it leads, if any (see store.Tx.EndFiring).
func (d *driver) endFiring(t *store.Tx, run *status.Run, end store.EndFunc, now time.Time) error {
	if !d.x.buffered {
		return nil
	}
	return t.EndFiring(run, end, now)
}
