package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

func fullRun() status.Run {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	return status.Run{
		ID: "0193e0b4-0000-7000-8000-000000000001", Status: status.PartialSuccess, Group: "g", UserID: "u",
		Properties: map[string]string{"a": "1", "b": "2"}, DocumentID: "doc", Metadata: map[string]string{"m": "v"},
		InputType: status.InputConversation, Steps: []string{"extract", "transform", "commit"},
		StartingStep: 1, Step: 3, Attempts: 2,
		CommittedOperations: status.Operations{
			Created: []status.Operation{{MemoryID: "m1", CommittedAt: at}, {MemoryID: "m2", CommittedAt: at}},
			Updated: []status.Operation{{MemoryID: "m3", CommittedAt: at}},
		},
		MemoriesCreated: 2, MemoryIDs: []string{"m1", "m2"}, Error: "input 1: boom",
		CreatedAt: at, StartedAt: at.Add(time.Second), CompletedAt: at.Add(2 * time.Second), UpdatedAt: at.Add(3 * time.Second),
		Revision: 7,
	}
}

func TestRunCodecRoundTrip(t *testing.T) {
	t.Parallel()
	for _, r := range []status.Run{fullRun(), {ID: "x", Status: status.Queued}} {
		got, spilled, err := decodeRun(encodeRun(&r, 100_000)) // parts of a run far larger than its record
		if err != nil || spilled != 100_000 {
			t.Fatalf("spilled %d, %v", spilled, err)
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", r) {
			t.Fatalf("round trip\n got %#v\nwant %#v", got, r)
		}
	}
}

func TestDecodeRejectsDamagedRecords(t *testing.T) {
	t.Parallel()
	r := fullRun()
	b := encodeRun(&r, 0)
	for n := range len(b) {
		if _, _, err := decodeRun(b[:n]); !errors.Is(err, errs.Corrupt) {
			t.Fatalf("record cut to %d of %d bytes: %v, want ErrCorrupt", n, len(b), err)
		}
	}
	mr := memoryRecord{seq: 1, mem: mem("c", "g", "u", "t", nil)}
	mb := encodeMemory(&mr)
	for n := range len(mb) {
		if _, err := decodeMemory(mb[:n]); !errors.Is(err, errs.Corrupt) {
			t.Fatalf("memory cut to %d of %d bytes: %v, want ErrCorrupt", n, len(mb), err)
		}
	}
	bad := append([]byte{99}, b[1:]...)
	if _, _, err := decodeRun(bad); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("unknown format: %v", err)
	}
	if _, _, err := decodeRun(append(bytes.Clone(b), 0)); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("trailing byte: %v", err)
	}
	huge := []byte{runFormat, 0xff, 0xff, 0xff, 0xff, 0x0f}
	if _, _, err := decodeRun(huge); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("huge length: %v", err)
	}
}

func FuzzDecodeRecords(f *testing.F) {
	r := fullRun()
	f.Add(encodeRun(&r, 0))
	m := memoryRecord{seq: 5, mem: mem("content", "g", "u", "t", map[string]string{"k": "v"})}
	f.Add(encodeMemory(&m))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Whatever the bytes, decoding returns an error or a value; it never panics.
		decodeRun(b)
		decodeMemory(b)
		decodeAttrs(b)
	})
}

// TestRecordsKeepEveryTime stores times that Unix nanoseconds cannot hold, and the Unix epoch,
// which schema 1 confused with the zero time.
func TestRecordsKeepEveryTime(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Unix(0, 0).UTC(), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), {},
	} {
		r := fullRun()
		r.CreatedAt, r.CommittedOperations.Created[0].CommittedAt = at, at
		got, _, err := decodeRun(encodeRun(&r, 0))
		if err != nil || !got.CreatedAt.Equal(at) || got.CreatedAt.IsZero() != at.IsZero() || !got.CommittedOperations.Created[0].CommittedAt.Equal(at) {
			t.Fatalf("run time %v came back %v (%v)", at, got.CreatedAt, err)
		}
		m := memoryRecord{seq: 3, mem: mem("c", "g", "u", "t", nil)}
		m.mem.EventTime = at
		gm, err := decodeMemory(encodeMemory(&m))
		if err != nil || !gm.mem.EventTime.Equal(at) || gm.seq != 3 {
			t.Fatalf("memory time %v came back %v, seq %d (%v)", at, gm.mem.EventTime, gm.seq, err)
		}
	}
}

// TestSchema1RecordsDecode reads records as schema 1 wrote them (Unix-nanosecond times, inline
// attributes).
func TestSchema1RecordsDecode(t *testing.T) {
	t.Parallel()
	at := time.Date(2023, 5, 8, 13, 56, 7, 123456789, time.UTC)
	e := codec.Encoder{}
	e.Byte(runFormat1)
	for _, s := range []string{"01a211d5-15e7-70e7-92c0-1fe060323e5a", "completed", "default", "u"} {
		e.Str(s)
	}
	e.StrMap(map[string]string{"p": "1"})
	e.Str("doc")
	e.StrMap(nil)
	e.Str("string")
	e.Uint(1)
	e.Uint(0)
	e.Uint(0)
	e.Str("m1")
	e.B = binary.LittleEndian.AppendUint64(e.B, uint64(at.UnixNano()))
	e.Strs([]string{"extract", "transform", "commit"})
	e.Int(0)
	e.Int(3)
	e.Int(1)
	e.Str("")
	for range 4 {
		e.B = binary.LittleEndian.AppendUint64(e.B, uint64(at.UnixNano()))
	}
	e.Int(4)
	r, spilled, err := decodeRun(e.B)
	if err != nil || spilled != 0 || r.Status != status.Completed || !r.CreatedAt.Equal(at) || r.MemoryIDs[0] != "m1" ||
		r.Properties["p"] != "1" || r.Revision != 4 || r.Step != 3 {
		t.Fatalf("schema-1 run decoded as %+v, %v", r, err)
	}
	m := codec.Encoder{}
	m.Byte(memoryFormat1)
	m.Uint(7)
	for _, s := range []string{"id", "content", "topic", "g", "u"} {
		m.Str(s)
	}
	m.StrMap(map[string]string{"p": "1"})
	m.StrMap(map[string]string{"k": "v"})
	m.Uint(0)
	for range 3 {
		m.B = binary.LittleEndian.AppendUint64(m.B, uint64(at.UnixNano()))
	}
	m.Int(1)
	rec, err := decodeMemory(m.B)
	if err != nil || rec.seq != 7 || rec.mem.Metadata["k"] != "v" || rec.mem.Properties["p"] != "1" || !rec.mem.EventTime.Equal(at) {
		t.Fatalf("schema-1 memory decoded as %+v, %v", rec, err)
	}
}
