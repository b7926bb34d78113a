package embedding

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"sync"
)

// gloveTable is glove50k.bin, written by internal/gen (see its doc for the format).
//
//go:embed glove50k.bin
var gloveTable string

// gloveMagic starts the table.
const gloveMagic = "MNGV1\n"

// gloveDims is the length of the table's vectors.
const gloveDims = 100

// table is the parsed word table. Its vectors stay in the embedded string: a word's vector is
// its scale times the int8 values at vecs[rank*dims:], which is as fast to add up as float32s
// and keeps 20 MB off the heap.
type table struct {
	rank   map[string]int32 // a word's rank: 0 for the most frequent
	scales []float32        // by rank
	vecs   string           // by rank, dims int8 values each
	dims   int
}

// addTo adds s times the vector of the word of rank r to acc.
func (t *table) addTo(acc []float32, r int32, s float32) {
	s *= t.scales[r]
	v := t.vecs[int(r)*t.dims : int(r+1)*t.dims]
	acc = acc[:len(v)]
	for i := 0; i < len(v); i++ { // not range: that would decode v as UTF-8
		acc[i] += s * float32(int8(v[i]))
	}
}

var (
	loadOnce sync.Once
	loaded   *table
)

// glove returns the parsed table, parsing it on first use. The table is part of the binary and
// checked by the tests, so a table that does not parse is a build defect, and panics.
func glove() *table {
	loadOnce.Do(func() {
		t, err := parseTable(gloveTable)
		if err != nil {
			panic("embedding: " + err.Error())
		}
		loaded = t
	})
	return loaded
}

// parseTable parses a table written by internal/gen. Its words and vectors are substrings of data.
func parseTable(data string) (*table, error) {
	if len(data) < len(gloveMagic)+8 || data[:len(gloveMagic)] != gloveMagic {
		return nil, errors.New("glove table: bad magic")
	}
	p := len(gloveMagic)
	n, dims := int(le32(data[p:])), int(le32(data[p+4:]))
	p += 8
	if dims != gloveDims {
		return nil, fmt.Errorf("glove table: %d dimensions, want %d", dims, gloveDims)
	}
	t := &table{rank: make(map[string]int32, n), dims: dims}
	for i := range n {
		if p >= len(data) || p+1+int(data[p]) > len(data) {
			return nil, fmt.Errorf("glove table: truncated in word %d", i)
		}
		l := int(data[p])
		t.rank[data[p+1:p+1+l]] = int32(i)
		p += 1 + l
	}
	if len(data)-p != n*4+n*dims {
		return nil, fmt.Errorf("glove table: %d bytes after the words, want %d", len(data)-p, n*4+n*dims)
	}
	t.scales = make([]float32, n)
	for i := range t.scales {
		t.scales[i] = math.Float32frombits(le32(data[p:]))
		p += 4
	}
	t.vecs = data[p:]
	return t, nil
}

func le32(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}
