package store

import (
	"time"

	"github.com/mnemohq/mnemo/internal/codec"
)

// A memory's entry in its scope index (bucketMemScope) carries what a listing needs to leave it out
// without reading it: whether it is superseded, and when it expires. An entry with no value (every
// entry of schema 1) is neither.
const (
	entrySuperseded byte = 1 << iota
	entryExpires
)

// scopeEntry encodes the value of m's scope index entry.
func scopeEntry(supersededBy string, expires time.Time) []byte {
	var flags byte
	if supersededBy != "" {
		flags |= entrySuperseded
	}
	if expires.IsZero() {
		if flags == 0 {
			return nil
		}
		return []byte{flags}
	}
	e := codec.Encoder{B: []byte{flags | entryExpires}}
	e.Time(expires)
	return e.B
}

// entryHidden reports whether a listing at time now leaves out the memory whose scope index entry
// has value v: superseded (unless superseded ones are included), or expired.
func entryHidden(v []byte, now time.Time, includeSuperseded bool) bool {
	if len(v) == 0 {
		return false
	}
	if v[0]&entrySuperseded != 0 && !includeSuperseded {
		return true
	}
	if v[0]&entryExpires != 0 && len(v) >= 1+codec.TimeSize {
		d := codec.NewDecoder(v[1 : 1+codec.TimeSize])
		return !now.Before(d.Time())
	}
	return false
}
