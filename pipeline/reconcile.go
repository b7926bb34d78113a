package pipeline

import (
	"context"
	"errors"
	"fmt"
	"github.com/google/uuid"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// verdict is a Reconciler's decision on one fact, with the version its target had when it was read:
// the decision is applied as a compare-and-set on it. A target that is an earlier fact of the same
// commit part (local) is the memory that fact creates in the same write.
type verdict struct {
	Decision
	expect int
	local  bool
	vector []float32 // an update's new content's, where the engine embeds (see embed)
}

// reconcile decides, through the engine's Reconciler, what facts[from:to] of out do to the memories
// of their scope: each fact's related memories are found through the scope's term index (never a
// scan of the scope), read, and handed over with it, after the related earlier facts of the same part
// (see partIndex), at most half of them. It returns nil (every fact an add) when the stage ran no
// transform step, or the engine has no Reconciler, or out is a summary.
func (d *driver) reconcile(r *status.Run, runUUID uuid.UUID, step int, out *batch, from, to int) ([]verdict, error) {
	x := d.x
	if x.cfg.Reconciler == nil || !out.reconcile || out.summary != nil || from == to {
		return nil, nil
	}
	st := x.cfg.Store
	now := x.now()
	scope := store.Scope{Group: r.Group, UserID: r.UserID}
	req := ReconcileRequest{Group: r.Group, UserID: r.UserID, Properties: r.Properties, Facts: make([]Candidate, to-from)}
	part := newPartIndex(r, runUUID, step, now, to-from)
	queries := make([]store.RelatedQuery, to-from)
	for i := from; i < to; i++ {
		f := &out.Facts[i]
		terms := out.termsOf(st, i)
		local := part.related(terms, f.Topic, RelatedLimit/2)
		part.add(out.idBase+i, f, terms)
		req.Facts[i-from] = Candidate{Fact: *f, Related: local}
		queries[i-from] = store.RelatedQuery{Topic: f.Topic, Terms: terms, Limit: RelatedLimit - len(local)}
	}
	stored, err := st.Related(scope, r.Properties, queries, now)
	if err != nil {
		return nil, err
	}
	for i := range req.Facts {
		c := &req.Facts[i]
		if len(c.Related) == 0 {
			c.Related = stored[i] // Related's own slice: no copy
		} else {
			c.Related = append(c.Related, stored[i]...)
		}
	}
	related := newRelatedRefs(req.Facts) // as handed over: the Reconciler may change req
	var decisions []Decision
	if cerr := d.computing(func() {
		err = d.retry(x.ctx, step, func(ctx context.Context) (err error) {
			decisions, err = x.cfg.Reconciler.Reconcile(ctx, req)
			return err
		})
	}); cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	if len(decisions) != to-from {
		return nil, Permanent(fmt.Errorf("reconcile: %d decisions for %d facts", len(decisions), to-from))
	}
	out2 := make([]verdict, len(decisions))
	taken := map[string]bool{} // one decision per target in a part: the first fact's
	for i, dec := range decisions {
		switch dec.Op {
		case OpAdd, "":
			dec.Op = OpAdd
		case OpNoop, OpUpdate, OpSupersede:
			if _, ok := related.version(i, dec.Target); !ok {
				return nil, Permanent(fmt.Errorf("reconcile: fact %d: %s of memory %q, which is not one of its related memories", from+i, dec.Op, dec.Target))
			}
		default:
			return nil, Permanent(fmt.Errorf("reconcile: fact %d: unknown operation %q", from+i, dec.Op))
		}
		j, local := part.local(dec.Target)
		switch changes := dec.Op == OpUpdate || dec.Op == OpSupersede; {
		case dec.Op != OpAdd && local && !creates(out2[j].Op):
			dec = Decision{Op: OpAdd, Reason: "the fact of the run it relates to makes no memory"}
		case changes && taken[dec.Target]:
			dec = Decision{Op: OpAdd, Reason: "its related memory is changed by an earlier fact of the run"}
		case changes:
			taken[dec.Target] = true
		}
		expect, _ := related.version(i, dec.Target)
		out2[i] = verdict{Decision: dec, expect: expect, local: local && dec.Op != OpAdd}
	}
	return out2, nil
}

// relatedRefs are the IDs and versions of each fact's related memories as the Reconciler was handed
// them, in one slice for the whole part: a fact's decision may only name one of its own.
type relatedRefs struct {
	refs  []relatedRef
	start []int // fact i's are refs[start[i]:start[i+1]]
}

type relatedRef struct {
	id      string
	version int
}

func newRelatedRefs(facts []Candidate) relatedRefs {
	n := 0
	for i := range facts {
		n += len(facts[i].Related)
	}
	r := relatedRefs{refs: make([]relatedRef, 0, n), start: make([]int, 0, len(facts)+1)}
	for i := range facts {
		r.start = append(r.start, len(r.refs))
		for _, m := range facts[i].Related {
			r.refs = append(r.refs, relatedRef{m.ID, m.Version})
		}
	}
	r.start = append(r.start, len(r.refs))
	return r
}

// version returns the version memory id had when it was handed over as related to fact i, and
// whether it was.
func (r relatedRefs) version(i int, id string) (int, bool) {
	for _, ref := range r.refs[r.start[i]:r.start[i+1]] {
		if ref.id == id {
			return ref.version, true
		}
	}
	return 0, false
}

// creates reports whether a fact decided op creates a memory.
func creates(op Op) bool { return op == OpAdd || op == OpSupersede }

// apply writes one fact's verdict (inside the part's write): the fact's memory nm is inserted for an
// add or a supersede; the target is updated or superseded as a compare-and-set on the version read.
// It adds what it did to ops, and the memories it created to made. A target changed or gone since it
// was read is a conflict: the stage is read and reconciled again. A local target whose fact created no
// memory (its content was another memory's already) leaves the fact an add.
func apply(t *store.Tx, run *status.Run, v *verdict, f *memory.Fact, nm *store.NewMemory, now time.Time, ops *status.Operations, made map[string]bool) error {
	op := func(id string) status.Operation { return status.Operation{MemoryID: id, CommittedAt: now} }
	if v.local && !made[v.Target] && v.Op != OpNoop {
		v = &verdict{Decision: Decision{Op: OpAdd}}
	}
	switch v.Op {
	case OpNoop:
		return nil
	case OpUpdate:
		content := v.Content
		if content == "" {
			content = f.Content
		}
		m, err := t.UpdateMemory(&store.MemoryUpdate{ID: v.Target, Expect: v.expect, Content: content, Sources: f.Sources,
			EventTime: f.EventTime, Vector: v.vector, RunID: run.ID, Reason: v.Reason, Now: now})
		switch {
		case errors.Is(err, store.ErrContentTaken):
			return nil // the refined statement is another memory already: nothing to do
		case err != nil:
			return asConflict(err)
		case m.Version == v.expect:
			return nil // the memory says it already
		}
		ops.Updated = append(ops.Updated, op(v.Target))
		return nil
	}
	change, err := t.InsertMemory(nm)
	if err != nil {
		return err
	}
	successor := nm.ID
	switch {
	case change == store.Created:
		ops.Created = append(ops.Created, op(nm.ID))
		made[nm.ID] = true
	case change == store.Updated: // a summary, updated in place
		ops.Updated = append(ops.Updated, op(nm.ID))
	case v.Op == OpSupersede:
		successor = t.ContentOwner(nm) // the contradicting statement is a memory already
	}
	if v.Op != OpSupersede || successor == v.Target || successor == "" {
		return nil
	}
	if _, err := t.SupersedeMemory(v.Target, v.expect, successor, f.Content, run.ID, v.Reason, now); err != nil {
		return asConflict(err)
	}
	ops.Deleted = append(ops.Deleted, op(v.Target))
	return nil
}

// asConflict marks the error of a target that changed or went (deleted, purged) since it was read:
// the stage is reconciled again, at once (see errTargetChanged).
func asConflict(err error) error {
	if errors.Is(err, errs.NotFound) || errors.Is(err, errs.Conflict) {
		return fmt.Errorf("%w: %w: %w", errs.Conflict, errTargetChanged, err)
	}
	return err
}

// errTargetChanged marks a conflict on a memory a stage reconciled with: another write changed it
// first, which is progress, so the stage is read and reconciled again without waiting.
var errTargetChanged = errors.New("a memory the facts were reconciled with has changed")

// maxRaces bounds the stages in a row a run reconciles again at once because a memory changed under
// it; past it, it backs off as from any repeated conflict.
const maxRaces = 100

// checkTargets returns, as a rejection (nothing written), the conflict of the first target of
// verdicts that has changed since it was read. Checked before a part writes anything, so a lost race
// costs the other writes of the transaction nothing.
func checkTargets(t *store.Tx, verdicts []verdict) error {
	for i := range verdicts {
		v := &verdicts[i]
		if (v.Op == OpUpdate || v.Op == OpSupersede) && !v.local {
			if err := t.CheckMemory(v.Target, v.expect); err != nil {
				return store.Reject(asConflict(err))
			}
		}
	}
	return nil
}
