package store

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// Run record formats. Format 1 (schema 1) stored times as Unix nanoseconds, which cannot hold years
// before 1678 or after 2262; format 2 stores every time exactly (codec.Encoder.Time) and says how
// many parts of its operations a large run keeps in bucketRunOps. Readers decode both.
const (
	runFormat1 byte = 1
	runFormat  byte = 2
)

// encodeRun encodes r with its inline operations; spilled is how many parts of further operations
// the run keeps in bucketRunOps.
func encodeRun(r *status.Run, spilled int) []byte {
	e := codec.Encoder{B: make([]byte, 0, 320)}
	e.Byte(runFormat)
	e.Str(r.ID)
	e.Str(string(r.Status))
	e.Str(r.Group)
	e.Str(r.UserID)
	e.StrMap(r.Properties)
	e.Str(r.DocumentID)
	e.StrMap(r.Metadata)
	e.Str(string(r.InputType))
	encodeOps(&e, &r.CommittedOperations)
	e.Uint(uint64(spilled))
	e.Strs(r.Steps)
	e.Int(int64(r.StartingStep))
	e.Int(int64(r.Step))
	e.Int(int64(r.Attempts))
	e.Str(r.Error)
	e.Time(r.CreatedAt)
	e.Time(r.StartedAt)
	e.Time(r.CompletedAt)
	e.Time(r.UpdatedAt)
	e.Int(r.Revision)
	e.Time(r.ExpiresAt)
	return e.B
}

// encodeOps writes the three counts first, so that the decoder can allocate every operation at once.
func encodeOps(e *codec.Encoder, ops *status.Operations) {
	e.Uint(uint64(len(ops.Created)))
	e.Uint(uint64(len(ops.Updated)))
	e.Uint(uint64(len(ops.Deleted)))
	for _, list := range [][]status.Operation{ops.Created, ops.Updated, ops.Deleted} {
		for _, op := range list {
			e.Str(op.MemoryID)
			e.Time(op.CommittedAt)
		}
	}
}

// opCounts reads the counts of created, updated and deleted operations that encodeOps writes first,
// and fails d if they are more than its bytes could hold (an operation takes a byte at least).
func opCounts(d *codec.Decoder) (created, updated, deleted int) {
	created, updated, deleted = d.Length(), d.Length(), d.Length()
	if d.Err() == nil && created+updated+deleted > d.Len() {
		d.Fail("operation count")
	}
	return created, updated, deleted
}

// readOp reads one operation as encodeOps wrote it (legacy: a schema-1 record's time).
func readOp(d *codec.Decoder, legacy bool) status.Operation {
	return status.Operation{MemoryID: d.Str(), CommittedAt: readTime(d, legacy)}
}

// appendOps appends the operations of one part (as encodeOps wrote them) to ops, in place: the
// caller has made room for them.
func appendOps(d *codec.Decoder, ops *status.Operations) {
	created, updated, deleted := opCounts(d)
	for _, kind := range []struct {
		list *[]status.Operation
		n    int
	}{{&ops.Created, created}, {&ops.Updated, updated}, {&ops.Deleted, deleted}} {
		for range kind.n {
			if d.Err() != nil {
				return
			}
			*kind.list = append(*kind.list, readOp(d, false))
		}
	}
}

// decodeOps decodes the operations of a run record into ops.
func decodeOps(d *codec.Decoder, ops *status.Operations, legacy bool) {
	created, updated, deleted := opCounts(d)
	n := created + updated + deleted
	if n == 0 || d.Err() != nil {
		return
	}
	all := make([]status.Operation, n) // one allocation, cut in three capped slices
	for i := range all {
		all[i] = readOp(d, legacy)
	}
	ops.Created = capped(all[:created])
	ops.Updated = capped(all[created : created+updated])
	ops.Deleted = capped(all[created+updated:])
}

func decodeRun(b []byte) (status.Run, int, error) {
	var r status.Run
	spilled, err := decodeRunInto(b, &r)
	return r, spilled, err
}

// decodeRunInto decodes a run record into *r, which the caller has zeroed, and returns how many parts
// of operations the run keeps in bucketRunOps (not read here). Decoding in place spares the lookup
// path copies of a large struct.
func decodeRunInto(b []byte, r *status.Run) (spilled int, err error) {
	d := codec.NewDecoder(b)
	format := d.Byte()
	if d.Err() == nil && format != runFormat && format != runFormat1 {
		return 0, fmt.Errorf("%w: unknown run record format %d", errs.Corrupt, format)
	}
	legacy := format == runFormat1
	r.ID = d.Str()
	r.Status = status.Status(d.Str())
	r.Group = d.Str()
	r.UserID = d.Str()
	r.Properties = d.StrMap()
	r.DocumentID = d.Str()
	r.Metadata = d.StrMap()
	r.InputType = status.InputType(d.Str())
	decodeOps(&d, &r.CommittedOperations, legacy)
	if !legacy {
		// A count of parts kept elsewhere, not of bytes in this record: not a Length.
		if n := d.Uint(); n > 1<<31 {
			d.Fail("spilled parts")
		} else {
			spilled = int(n)
		}
	}
	created := len(r.CommittedOperations.Created)
	r.MemoriesCreated = created
	steps := d.Length()
	if n := steps + created; n > 0 && d.Err() == nil {
		// Steps and MemoryIDs share one allocation. MemoryIDs and MemoriesCreated are views of the
		// created operations (see Run.DeriveCreated), so they are derived, not stored.
		strs := make([]string, n)
		for i := range steps {
			strs[i] = d.Str()
		}
		for i, op := range r.CommittedOperations.Created {
			strs[steps+i] = op.MemoryID
		}
		r.Steps = capped(strs[:steps])
		r.MemoryIDs = capped(strs[steps:])
	}
	r.StartingStep = int(d.Int())
	r.Step = int(d.Int())
	r.Attempts = int(d.Int())
	r.Error = d.Str()
	r.CreatedAt = readTime(&d, legacy)
	r.StartedAt = readTime(&d, legacy)
	r.CompletedAt = readTime(&d, legacy)
	r.UpdatedAt = readTime(&d, legacy)
	r.Revision = d.Int()
	if !legacy {
		r.ExpiresAt = d.Time()
	}
	if d.Err() == nil && !r.Status.Valid() {
		d.Fail("run status " + string(r.Status))
	}
	return spilled, d.End()
}

// readTime reads a time in the encoding of the record's format.
func readTime(d *codec.Decoder, legacy bool) time.Time {
	if legacy {
		return d.UnixNanoTime()
	}
	return d.Time()
}

// capped returns s with its capacity cut to its length, so that appending to one of several slices
// sharing a backing array copies instead of overwriting its neighbour; an empty s becomes nil.
func capped[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s[:len(s):len(s)]
}
