package store

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

// The records on the hot path (runs, memories) use a small binary encoding rather than JSON: a run
// lookup must cost about what bbolt's own Get costs, and decoding JSON would cost several times more.
// Every record starts with a format byte and its fields follow in a fixed order; a record cut short
// or with a length that overruns it is refused as corrupt. A change of fields takes a new format
// byte, and readers keep decoding the old one.

// encoder appends fields to a byte slice.
type encoder struct{ b []byte }

func (e *encoder) byte(v byte)   { e.b = append(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

// time writes nanoseconds since 1970 as 8 fixed bytes (0 for the zero time): timestamps are large
// numbers, which a varint would spend 9 bytes and a loop on.
func (e *encoder) time(t time.Time) {
	var ns int64
	if !t.IsZero() {
		ns = t.UnixNano()
	}
	e.b = binary.LittleEndian.AppendUint64(e.b, uint64(ns))
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// strMap writes a map with its keys sorted, so equal maps encode to equal bytes.
func (e *encoder) strMap(m map[string]string) {
	e.uint(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.str(m[k])
	}
}

// decoder reads fields back. It copies the record into one string once and slices every string field
// out of it, so decoding a record costs one allocation for all its strings. The first error sticks;
// later reads return zero values.
type decoder struct {
	src string // the record; fields are read from its front
	err error
}

func newDecoder(b []byte) decoder { return decoder{src: string(b)} }

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or malformed record (%s)", errs.Corrupt, what)
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || len(d.src) < 1 {
		d.fail("byte")
		return 0
	}
	v := d.src[0]
	d.src = d.src[1:]
	return v
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.src) > 0 && d.src[0] < 0x80 { // one byte: most lengths and counts
		v := uint64(d.src[0])
		d.src = d.src[1:]
		return v
	}
	var v uint64
	for i := 0; i < len(d.src) && i < binary.MaxVarintLen64; i++ {
		c := d.src[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break // overflows 64 bits
			}
			d.src = d.src[i+1:]
			return v | uint64(c)<<(7*i)
		}
		v |= uint64(c&0x7f) << (7 * i)
	}
	d.fail("uvarint")
	return 0
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1) // zig-zag, as binary.AppendVarint writes
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// length reads a count and checks that at least that many bytes remain, so a corrupt count cannot
// make the decoder allocate gigabytes.
func (d *decoder) length() int {
	n := d.uint()
	if d.err == nil && n > uint64(len(d.src)) {
		d.fail("length")
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.length()
	if d.err != nil {
		return ""
	}
	s := d.src[:n]
	d.src = d.src[n:]
	return s
}

func (d *decoder) time() time.Time {
	if d.err != nil || len(d.src) < 8 {
		d.fail("time")
		return time.Time{}
	}
	s := d.src
	v := int64(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56)
	d.src = s[8:]
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

func (d *decoder) strMap() map[string]string {
	n := d.length()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.str()
		m[k] = d.str()
	}
	return m
}
