package store

import (
	"encoding/binary"
	"fmt"
	"maps"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo/internal/codec"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
)

// Memory record formats. Format 1 (schema 1) stored times as Unix nanoseconds and a copy of the
// add's properties and metadata in every memory. Format 2 stores times exactly and refers to the
// run's attributes (bucketAttrs) instead of copying them, so an add's metadata is stored once however
// many memories it makes; a memory whose attributes are its own (say, after an edit) keeps them
// inline. Format 3 (schema 4) adds to each source the file, chunk and page it names. Readers decode
// all three.
const (
	memoryFormat1 byte = 1
	memoryFormat2 byte = 2
	memoryFormat  byte = 3
)

// How a format-2 memory record holds its properties and metadata.
const (
	attrsNone   byte = 0 // neither
	attrsInline byte = 1 // in the record
	attrsRun    byte = 2 // in bucketAttrs under the 16-byte run ID that follows
)

// seqOffset is where a format-2 record keeps its 8-byte sequence number, so that a record encoded
// before its transaction can be given its sequence inside it without being encoded again.
const seqOffset = 1

// memoryRecord is a memory as stored: the memory, the sequence number that orders it in its scope
// index, and the run whose attributes it shares (nil if none).
type memoryRecord struct {
	seq      uint64
	mem      memory.Memory
	attrsRun []byte
}

// encodeMemory encodes rec. With rec.attrsRun set, the memory's Properties and Metadata are not
// written: readers take them from the run's attributes.
func encodeMemory(rec *memoryRecord) []byte {
	m := &rec.mem
	e := codec.Encoder{B: make([]byte, 0, 128+len(m.Content))}
	e.Byte(memoryFormat)
	e.B = binary.BigEndian.AppendUint64(e.B, rec.seq)
	e.Str(m.ID)
	e.Str(m.Content)
	e.Str(m.Topic)
	e.Str(m.Group)
	e.Str(m.UserID)
	switch {
	case rec.attrsRun != nil:
		e.Byte(attrsRun)
		e.B = append(e.B, rec.attrsRun...)
	case len(m.Properties) > 0 || len(m.Metadata) > 0:
		e.Byte(attrsInline)
		e.StrMap(m.Properties)
		e.StrMap(m.Metadata)
	default:
		e.Byte(attrsNone)
	}
	e.Uint(uint64(len(m.Sources)))
	for _, s := range m.Sources {
		e.Str(s.RunID)
		e.Int(int64(s.Input))
		e.Str(s.MessageID)
		e.Str(s.File)
		e.Int(int64(s.Chunk))
		e.Int(int64(s.Page))
	}
	e.Time(m.CreatedAt)
	e.Time(m.UpdatedAt)
	e.Time(m.EventTime)
	e.Int(int64(m.Version))
	e.Time(m.ExpiresAt)
	e.Str(m.SupersededBy)
	e.Time(m.SupersededAt)
	return e.B
}

// decodeMemory decodes a memory record. A record that shares its run's attributes comes back with
// attrsRun set and no Properties or Metadata: see attrsCache.
func decodeMemory(b []byte) (memoryRecord, error) {
	d := codec.NewDecoder(b)
	format := d.Byte()
	if d.Err() == nil && format != memoryFormat && format != memoryFormat2 && format != memoryFormat1 {
		return memoryRecord{}, fmt.Errorf("%w: unknown memory record format %d", errs.Corrupt, format)
	}
	legacy := format == memoryFormat1
	var rec memoryRecord
	if legacy {
		rec.seq = d.Uint()
	} else if s := d.Fixed(8); d.Err() == nil {
		rec.seq = binary.BigEndian.Uint64([]byte(s))
	}
	m := &rec.mem
	m.ID = d.Str()
	m.Content = d.Str()
	m.Topic = d.Str()
	m.Group = d.Str()
	m.UserID = d.Str()
	kind := attrsInline
	if !legacy {
		kind = d.Byte()
	}
	switch kind {
	case attrsNone:
	case attrsInline:
		m.Properties = d.StrMap()
		m.Metadata = d.StrMap()
	case attrsRun:
		rec.attrsRun = []byte(d.Fixed(16))
	default:
		d.Fail("attributes kind")
	}
	if n := d.Length(); n > 0 {
		m.Sources = make([]memory.Source, n)
		for i := range m.Sources {
			m.Sources[i] = memory.Source{RunID: d.Str(), Input: int(d.Int()), MessageID: d.Str()}
			if format == memoryFormat {
				m.Sources[i].File, m.Sources[i].Chunk, m.Sources[i].Page = d.Str(), int(d.Int()), int(d.Int())
			}
		}
	}
	m.CreatedAt = readTime(&d, legacy)
	m.UpdatedAt = readTime(&d, legacy)
	m.EventTime = readTime(&d, legacy)
	m.Version = int(d.Int())
	if !legacy {
		m.ExpiresAt = d.Time()
		m.SupersededBy = d.Str()
		m.SupersededAt = d.Time()
	}
	return rec, d.End()
}

// attrs are the properties and metadata an add gave, shared by the memories it made.
type attrs struct {
	properties map[string]string
	metadata   map[string]string
}

func encodeAttrs(properties, metadata map[string]string) []byte {
	e := codec.Encoder{}
	e.StrMap(properties)
	e.StrMap(metadata)
	return e.B
}

func decodeAttrs(b []byte) (attrs, error) {
	d := codec.NewDecoder(b)
	a := attrs{properties: d.StrMap(), metadata: d.StrMap()}
	return a, d.End()
}

// attrsCache resolves memories' shared attributes within one read transaction, reading each run's
// attributes once however many of its memories a listing meets.
type attrsCache struct {
	tx   *bolt.Tx
	runs map[string]attrs
}

func newAttrsCache(tx *bolt.Tx) *attrsCache { return &attrsCache{tx: tx} }

// resolve fills in rec's Properties and Metadata from its run's attributes, if it shares them.
func (c *attrsCache) resolve(rec *memoryRecord) error {
	if rec.attrsRun == nil {
		return nil
	}
	a, ok := c.runs[string(rec.attrsRun)]
	if !ok {
		v := c.tx.Bucket(bucketAttrs).Get(rec.attrsRun)
		if v == nil {
			return fmt.Errorf("%w: memory %s: the attributes of run %s are missing", errs.Corrupt, rec.mem.ID, uuidString(rec.attrsRun))
		}
		var err error
		if a, err = decodeAttrs(v); err != nil {
			return fmt.Errorf("memory %s: attributes of run %s: %w", rec.mem.ID, uuidString(rec.attrsRun), err)
		}
		if c.runs == nil {
			c.runs = make(map[string]attrs)
		}
		c.runs[string(rec.attrsRun)] = a
	}
	// Each memory gets its own maps, so that a caller changing one changes no other.
	rec.mem.Properties = maps.Clone(a.properties)
	rec.mem.Metadata = maps.Clone(a.metadata)
	return nil
}
