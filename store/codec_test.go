package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

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
		got, err := decodeRun(encodeRun(&r))
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%#v", got) != fmt.Sprintf("%#v", r) {
			t.Fatalf("round trip\n got %#v\nwant %#v", got, r)
		}
	}
}

func TestDecodeRejectsDamagedRecords(t *testing.T) {
	t.Parallel()
	r := fullRun()
	b := encodeRun(&r)
	for n := range len(b) {
		if _, err := decodeRun(b[:n]); !errors.Is(err, errs.Corrupt) {
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
	if _, err := decodeRun(bad); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("unknown format: %v", err)
	}
	huge := []byte{runFormat, 0xff, 0xff, 0xff, 0xff, 0x0f}
	if _, err := decodeRun(huge); !errors.Is(err, errs.Corrupt) {
		t.Fatalf("huge length: %v", err)
	}
}

func FuzzDecodeRecords(f *testing.F) {
	r := fullRun()
	f.Add(encodeRun(&r))
	m := memoryRecord{seq: 5, mem: mem("content", "g", "u", "t", map[string]string{"k": "v"})}
	f.Add(encodeMemory(&m))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		// Whatever the bytes, decoding returns an error or a value; it never panics.
		decodeRun(b)
		decodeMemory(b)
	})
}

func TestVarintsRoundTrip(t *testing.T) {
	t.Parallel()
	ints := []int64{0, 1, -1, 63, -64, 64, 1 << 40, -(1 << 40), 1<<63 - 1, -1 << 63}
	uints := []uint64{0, 1, 127, 128, 1<<63 + 5, 1<<64 - 1}
	var e encoder
	for _, v := range ints {
		e.int(v)
	}
	for _, v := range uints {
		e.uint(v)
	}
	d := newDecoder(e.b)
	for _, want := range ints {
		if got := d.int(); got != want {
			t.Fatalf("int %d decoded as %d", want, got)
		}
	}
	for _, want := range uints {
		if got := d.uint(); got != want {
			t.Fatalf("uint %d decoded as %d", want, got)
		}
	}
	if d.err != nil || d.src != "" {
		t.Fatalf("leftover %q, err %v", d.src, d.err)
	}
	over := newDecoder([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})
	if over.uint(); !errors.Is(over.err, errs.Corrupt) {
		t.Fatal("a varint over 64 bits decoded")
	}
}
