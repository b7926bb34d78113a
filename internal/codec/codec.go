// Package codec is the small binary encoding of mnemo's records: runs, memories, inputs and
// checkpoints. A record is a format byte followed by fields in a fixed order; a record cut short, or
// with a length that overruns it, is refused as corrupt rather than misread.
//
// Integers are varints; strings are a length and bytes; times are 12 fixed bytes (see Encoder.Time).
// Decoding copies the record into one string once and slices every string field out of it, so a
// record costs one allocation for all its strings.
package codec

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

// TimeSize is how many bytes Encoder.Time writes.
const TimeSize = 12

// unixToYear1 is the number of seconds from 0001-01-01 to 1970-01-01, both UTC: times are stored as
// seconds since year 1, so that the zero time.Time is stored as zero.
const unixToYear1 = 62135596800

// Encoder appends fields to B.
type Encoder struct{ B []byte }

// Byte appends one byte.
func (e *Encoder) Byte(v byte) { e.B = append(e.B, v) }

// Int appends a signed varint.
func (e *Encoder) Int(v int64) { e.B = binary.AppendVarint(e.B, v) }

// Uint appends an unsigned varint.
func (e *Encoder) Uint(v uint64) { e.B = binary.AppendUvarint(e.B, v) }

// Str appends a string with its length.
func (e *Encoder) Str(s string) { e.Uint(uint64(len(s))); e.B = append(e.B, s...) }

// Bytes appends a byte slice with its length.
func (e *Encoder) Bytes(b []byte) { e.Uint(uint64(len(b))); e.B = append(e.B, b...) }

// Time appends t as whole seconds since 0001-01-01 UTC (8 bytes, little-endian, two's complement)
// and nanoseconds (4 bytes). Every time.Time round-trips as the same instant, in UTC, whatever its
// year, and the zero time is 12 zero bytes. (Unix nanoseconds, the obvious encoding, only span the
// years 1678 to 2262.) The location is not kept: times come back in UTC.
func (e *Encoder) Time(t time.Time) {
	e.B = binary.LittleEndian.AppendUint64(e.B, uint64(t.Unix()+unixToYear1))
	e.B = binary.LittleEndian.AppendUint32(e.B, uint32(t.Nanosecond()))
}

// Strs appends a list of strings.
func (e *Encoder) Strs(ss []string) {
	e.Uint(uint64(len(ss)))
	for _, s := range ss {
		e.Str(s)
	}
}

// StrMap appends a map with its keys sorted, so equal maps encode to equal bytes.
func (e *Encoder) StrMap(m map[string]string) {
	e.Uint(uint64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.Str(k)
		e.Str(m[k])
	}
}

// Decoder reads fields back from a record. The first error sticks, and later reads return zero
// values, so a caller checks Err once at the end.
type Decoder struct {
	src string // what is left of the record
	err error
}

// NewDecoder returns a decoder of b. It copies b, so the decoded strings outlive a bbolt transaction.
func NewDecoder(b []byte) Decoder { return Decoder{src: string(b)} }

// NewDecoderString returns a decoder of s, sharing its memory.
func NewDecoderString(s string) Decoder { return Decoder{src: s} }

// Err returns the first error, which wraps ErrCorrupt.
func (d *Decoder) Err() error { return d.err }

// Len returns how many bytes are left.
func (d *Decoder) Len() int { return len(d.src) }

// End finishes a record: bytes left over are a malformed record. It returns Err.
func (d *Decoder) End() error {
	if d.err == nil && len(d.src) != 0 {
		d.Fail("trailing bytes")
	}
	return d.err
}

// Fail records a malformed field, what, unless an error is already recorded.
func (d *Decoder) Fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or malformed record (%s)", errs.Corrupt, what)
	}
}

// Byte reads one byte.
func (d *Decoder) Byte() byte {
	if d.err != nil || len(d.src) < 1 {
		d.Fail("byte")
		return 0
	}
	v := d.src[0]
	d.src = d.src[1:]
	return v
}

// Uint reads an unsigned varint.
func (d *Decoder) Uint() uint64 {
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
	d.Fail("uvarint")
	return 0
}

// Int reads a signed varint.
func (d *Decoder) Int() int64 {
	u := d.Uint()
	v := int64(u >> 1) // zig-zag, as binary.AppendVarint writes
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// Length reads a count and checks that at least that many bytes remain, so that a damaged count
// cannot make the caller allocate gigabytes.
func (d *Decoder) Length() int {
	n := d.Uint()
	if d.err == nil && n > uint64(len(d.src)) {
		d.Fail("length")
		return 0
	}
	return int(n)
}

// Str reads a string.
func (d *Decoder) Str() string {
	n := d.Length()
	if d.err != nil {
		return ""
	}
	s := d.src[:n]
	d.src = d.src[n:]
	return s
}

// Fixed reads n bytes as a string.
func (d *Decoder) Fixed(n int) string {
	if d.err != nil || len(d.src) < n {
		d.Fail("fixed field")
		return ""
	}
	s := d.src[:n]
	d.src = d.src[n:]
	return s
}

// Time reads a time written by Encoder.Time.
func (d *Decoder) Time() time.Time {
	if d.err != nil || len(d.src) < TimeSize {
		d.Fail("time")
		return time.Time{}
	}
	s := d.src
	sec := int64(le64(s))
	nsec := uint32(s[8]) | uint32(s[9])<<8 | uint32(s[10])<<16 | uint32(s[11])<<24
	d.src = s[TimeSize:]
	if sec == 0 && nsec == 0 {
		return time.Time{}
	}
	if nsec >= 1e9 {
		d.Fail("time nanoseconds")
		return time.Time{}
	}
	return time.Unix(sec-unixToYear1, int64(nsec)).UTC()
}

// UnixNanoTime reads the 8-byte Unix-nanosecond time of schema-1 records (0 for the zero time).
func (d *Decoder) UnixNanoTime() time.Time {
	if d.err != nil || len(d.src) < 8 {
		d.Fail("time")
		return time.Time{}
	}
	v := int64(le64(d.src))
	d.src = d.src[8:]
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(0, v).UTC()
}

// Strs reads a list of strings.
func (d *Decoder) Strs() []string {
	n := d.Length()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.Str()
	}
	return out
}

// StrMap reads a map; an empty map decodes as nil.
func (d *Decoder) StrMap() map[string]string {
	n := d.Length()
	if n == 0 {
		return nil
	}
	m := make(map[string]string, n)
	for range n {
		k := d.Str()
		m[k] = d.Str()
	}
	return m
}

// le64 reads 8 little-endian bytes from the front of s.
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
