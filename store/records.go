package store

import (
	"fmt"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
)

// Record format bytes. A reader refuses a format it does not know rather than misreading it.
const (
	runFormat    byte = 1
	memoryFormat byte = 1
)

func encodeRun(r *status.Run) []byte {
	e := encoder{b: make([]byte, 0, 256)}
	e.byte(runFormat)
	e.str(r.ID)
	e.str(string(r.Status))
	e.str(r.Group)
	e.str(r.UserID)
	e.strMap(r.Properties)
	e.str(r.DocumentID)
	e.strMap(r.Metadata)
	e.str(string(r.InputType))
	// The operations come before the steps so that the decoder knows, when it meets the steps, how
	// many strings Steps and MemoryIDs need together, and allocates them at once.
	ops := &r.CommittedOperations
	e.uint(uint64(len(ops.Created)))
	e.uint(uint64(len(ops.Updated)))
	e.uint(uint64(len(ops.Deleted)))
	for _, list := range [][]status.Operation{ops.Created, ops.Updated, ops.Deleted} {
		for _, op := range list {
			e.str(op.MemoryID)
			e.time(op.CommittedAt)
		}
	}
	e.strs(r.Steps)
	e.int(int64(r.StartingStep))
	e.int(int64(r.Step))
	e.int(int64(r.Attempts))
	e.str(r.Error)
	e.time(r.CreatedAt)
	e.time(r.StartedAt)
	e.time(r.CompletedAt)
	e.time(r.UpdatedAt)
	e.int(r.Revision)
	return e.b
}

func decodeRun(b []byte) (status.Run, error) {
	var r status.Run
	err := decodeRunInto(b, &r)
	return r, err
}

// decodeRunInto decodes a run record into *r, which the caller has zeroed; decoding in place spares
// the lookup path copies of a large struct.
func decodeRunInto(b []byte, r *status.Run) error {
	d := newDecoder(b)
	if f := d.byte(); d.err == nil && f != runFormat {
		return fmt.Errorf("%w: unknown run record format %d", errs.Corrupt, f)
	}
	r.ID = d.str()
	r.Status = status.Status(d.str())
	r.Group = d.str()
	r.UserID = d.str()
	r.Properties = d.strMap()
	r.DocumentID = d.str()
	r.Metadata = d.strMap()
	r.InputType = status.InputType(d.str())
	created, updated, deleted := d.length(), d.length(), d.length()
	if n := created + updated + deleted; n > 0 && d.err == nil {
		if n > len(d.src) {
			d.fail("operation count")
			return d.err
		}
		all := make([]status.Operation, n) // one allocation, cut in three capped slices
		for i := range all {
			all[i] = status.Operation{MemoryID: d.str(), CommittedAt: d.time()}
		}
		ops := &r.CommittedOperations
		ops.Created = capped(all[:created])
		ops.Updated = capped(all[created : created+updated])
		ops.Deleted = capped(all[created+updated:])
	}
	r.MemoriesCreated = created
	steps := d.length()
	if n := steps + created; n > 0 && d.err == nil {
		// Steps and MemoryIDs share one allocation. MemoryIDs and MemoriesCreated are views of the
		// created operations (see Run.DeriveCreated), so they are derived, not stored.
		strs := make([]string, n)
		for i := range steps {
			strs[i] = d.str()
		}
		for i, op := range r.CommittedOperations.Created {
			strs[steps+i] = op.MemoryID
		}
		r.Steps = capped(strs[:steps])
		r.MemoryIDs = capped(strs[steps:])
	}
	r.StartingStep = int(d.int())
	r.Step = int(d.int())
	r.Attempts = int(d.int())
	r.Error = d.str()
	r.CreatedAt = d.time()
	r.StartedAt = d.time()
	r.CompletedAt = d.time()
	r.UpdatedAt = d.time()
	r.Revision = d.int()
	if d.err == nil && !r.Status.Valid() {
		d.fail("run status " + string(r.Status))
	}
	return d.err
}

// memoryRecord is a memory as stored: the memory and the sequence number that orders it in its
// scope index.
type memoryRecord struct {
	seq uint64
	mem memory.Memory
}

func encodeMemory(rec *memoryRecord) []byte {
	m := &rec.mem
	e := encoder{b: make([]byte, 0, 128+len(m.Content))}
	e.byte(memoryFormat)
	e.uint(rec.seq)
	e.str(m.ID)
	e.str(m.Content)
	e.str(m.Topic)
	e.str(m.Group)
	e.str(m.UserID)
	e.strMap(m.Properties)
	e.strMap(m.Metadata)
	e.uint(uint64(len(m.Sources)))
	for _, s := range m.Sources {
		e.str(s.RunID)
		e.int(int64(s.Input))
		e.str(s.MessageID)
	}
	e.time(m.CreatedAt)
	e.time(m.UpdatedAt)
	e.time(m.EventTime)
	e.int(int64(m.Version))
	return e.b
}

func decodeMemory(b []byte) (memoryRecord, error) {
	d := newDecoder(b)
	if f := d.byte(); d.err == nil && f != memoryFormat {
		return memoryRecord{}, fmt.Errorf("%w: unknown memory record format %d", errs.Corrupt, f)
	}
	var rec memoryRecord
	rec.seq = d.uint()
	m := &rec.mem
	m.ID = d.str()
	m.Content = d.str()
	m.Topic = d.str()
	m.Group = d.str()
	m.UserID = d.str()
	m.Properties = d.strMap()
	m.Metadata = d.strMap()
	if n := d.length(); n > 0 {
		m.Sources = make([]memory.Source, n)
		for i := range m.Sources {
			m.Sources[i] = memory.Source{RunID: d.str(), Input: int(d.int()), MessageID: d.str()}
		}
	}
	m.CreatedAt = d.time()
	m.UpdatedAt = d.time()
	m.EventTime = d.time()
	m.Version = int(d.int())
	return rec, d.err
}

// capped returns s with its capacity cut to its length, so that appending to one of several slices
// sharing a backing array copies instead of overwriting its neighbour; an empty s becomes nil.
func capped[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s[:len(s):len(s)]
}
