package codec

import (
	"errors"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

func TestVarintsRoundTrip(t *testing.T) {
	t.Parallel()
	ints := []int64{0, 1, -1, 63, -64, 64, 1 << 40, -(1 << 40), 1<<63 - 1, -1 << 63}
	uints := []uint64{0, 1, 127, 128, 1<<63 + 5, 1<<64 - 1}
	var e Encoder
	for _, v := range ints {
		e.Int(v)
	}
	for _, v := range uints {
		e.Uint(v)
	}
	d := NewDecoder(e.B)
	for _, want := range ints {
		if got := d.Int(); got != want {
			t.Fatalf("int %d decoded as %d", want, got)
		}
	}
	for _, want := range uints {
		if got := d.Uint(); got != want {
			t.Fatalf("uint %d decoded as %d", want, got)
		}
	}
	if d.Err() != nil || d.Len() != 0 {
		t.Fatalf("%d bytes left, err %v", d.Len(), d.Err())
	}
	over := NewDecoder([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})
	if over.Uint(); !errors.Is(over.Err(), errs.Corrupt) {
		t.Fatal("a varint over 64 bits decoded")
	}
}

// TestTimesRoundTrip encodes times across the whole range a time.Time can take from year 1 to 9999,
// and beyond, and the zero time: each comes back as the same instant, in UTC.
func TestTimesRoundTrip(t *testing.T) {
	t.Parallel()
	tokyo := time.FixedZone("JST", 9*3600)
	times := []time.Time{
		{},
		time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC),
		time.Unix(0, 0).UTC(),
		time.Unix(0, 0).In(tokyo),
		time.Date(2262, 4, 11, 23, 47, 16, 854775808, time.UTC),
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(-5, 3, 1, 0, 0, 0, 7, time.UTC),
		time.Date(123456, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Now(), // with a monotonic reading, which is dropped
	}
	var e Encoder
	for _, at := range times {
		e.Time(at)
	}
	if len(e.B) != len(times)*TimeSize {
		t.Fatalf("%d bytes for %d times", len(e.B), len(times))
	}
	d := NewDecoder(e.B)
	for _, want := range times {
		got := d.Time()
		if !got.Equal(want) || got.Location() != time.UTC || got.IsZero() != want.IsZero() {
			t.Errorf("%v came back as %v", want, got)
		}
	}
	zero := NewDecoder(make([]byte, TimeSize))
	if want := (time.Time{}); zero.Time() != want {
		t.Error("twelve zero bytes are not the zero time")
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	bad := NewDecoder([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
	if bad.Time(); !errors.Is(bad.Err(), errs.Corrupt) {
		t.Fatal("nanoseconds over a second decoded")
	}
}

func FuzzDecoder(f *testing.F) {
	var e Encoder
	e.Str("x")
	e.Time(time.Now())
	e.StrMap(map[string]string{"a": "b"})
	f.Add(e.B)
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		d.Str()
		d.Time()
		d.StrMap()
		d.Strs()
		d.Int()
	})
}
