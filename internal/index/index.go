package index

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Doc is one memory as the index holds it.
type Doc struct {
	ID [16]byte
	// Seq orders the memories of a scope: a newer memory has a greater one (Fetch lists the
	// greatest first, and ties of score go to it).
	Seq        uint64
	Properties map[string]string
	Topic      string
	// ExpiresAt, when set, is when the memory leaves searches.
	ExpiresAt time.Time
	// Text is what BM25 indexes (see Tokens).
	Text string
	// Vector is the memory's unit vector, of the index's dimensions, or nil when it has none.
	Vector []float32
}

// Index is the search index of every scope. It is safe for concurrent use: searches share it,
// changes take it alone.
type Index struct {
	mu     sync.RWMutex
	dims   int
	scopes map[string]*partition
	where  map[[16]byte]*partition
}

// New returns an empty index for vectors of dims dimensions (0: no vectors).
func New(dims int) *Index {
	return &Index{dims: dims, scopes: map[string]*partition{}, where: map[[16]byte]*partition{}}
}

// Dims returns the dimensions of the index's vectors.
func (x *Index) Dims() int { return x.dims }

// Len returns how many memories the index holds.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.where)
}

// Put adds d to the scope named scope, or replaces the memory of its ID (in whatever scope). A
// vector of other dimensions than the index's is left out.
func (x *Index) Put(scope string, d *Doc) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.put(scope, d)
}

func (x *Index) put(scope string, d *Doc) {
	x.remove(d.ID)
	p := x.scopes[scope]
	if p == nil {
		p = newPartition(x.dims)
		x.scopes[scope] = p
	}
	p.add(d)
	x.where[d.ID] = p
}

// Change is one change of Apply: the memory of ID Doc.ID put in scope Scope, or, with Remove set,
// the memory of ID Doc.ID dropped.
type Change struct {
	Scope  string
	Doc    Doc
	Remove bool
}

// Apply makes changes, in order, holding the index once for all of them: a commit's memories
// reach the index in one step, so that searches meanwhile wait for the index once, not once per
// memory.
func (x *Index) Apply(changes []Change) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range changes {
		c := &changes[i]
		if c.Remove {
			x.remove(c.Doc.ID)
		} else {
			x.put(c.Scope, &c.Doc)
		}
	}
}

// Remove drops the memory of ID id, if the index holds it.
func (x *Index) Remove(id [16]byte) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.remove(id)
}

func (x *Index) remove(id [16]byte) {
	p := x.where[id]
	if p == nil {
		return
	}
	delete(x.where, id)
	p.remove(id)
	if p.live == 0 {
		for k, q := range x.scopes {
			if q == p {
				delete(x.scopes, k)
			}
		}
	}
}

// partition is the index of one scope. Memories sit in slots, in the order they were put; a removed
// memory's slot is marked dead and skipped until dead slots outnumber live ones, when the partition
// is compacted.
type partition struct {
	dims     int
	slots    []slot
	byID     map[[16]byte]int32
	attrs    []attrSet // distinct (properties, topic) of the scope's memories
	attrIDs  map[string]int32
	terms    map[string]*postings
	vecs     []float32 // slot i's vector is vecs[i*dims : (i+1)*dims]
	live     int
	dead     int
	totalLen int64
}

type slot struct {
	id      [16]byte
	seq     uint64
	attr    int32
	expires time.Time
	length  int32
	terms   []*postings
	dead    bool
	vec     bool
}

// attrSet is a set of properties and a topic that memories share.
type attrSet struct {
	props map[string]string
	topic string
}

// postings lists the slots whose memories hold a term, in slot order, with the term's frequency in
// each; df counts the live ones.
type postings struct {
	term string
	list []posting
	df   int
}

type posting struct {
	slot int32
	tf   uint32
}

func newPartition(dims int) *partition {
	return &partition{dims: dims, byID: map[[16]byte]int32{}, attrIDs: map[string]int32{}, terms: map[string]*postings{}}
}

// attrKey is the key of a (properties, topic) set.
func attrKey(props map[string]string, topic string) string {
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(props)) {
		v := props[k]
		b.WriteString(strconv.Itoa(len(k)))
		b.WriteByte(':')
		b.WriteString(k)
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	b.WriteByte('|')
	b.WriteString(topic)
	return b.String()
}

func (p *partition) add(d *Doc) {
	ak := attrKey(d.Properties, d.Topic)
	attr, ok := p.attrIDs[ak]
	if !ok {
		attr = int32(len(p.attrs))
		p.attrs = append(p.attrs, attrSet{props: maps.Clone(d.Properties), topic: d.Topic})
		p.attrIDs[ak] = attr
	}
	i := int32(len(p.slots))
	s := slot{id: d.ID, seq: d.Seq, attr: attr, expires: d.ExpiresAt}
	tokens := Tokens(d.Text)
	s.length = int32(len(tokens))
	tf := make(map[string]uint32, len(tokens))
	for _, t := range tokens {
		tf[t]++
	}
	// Terms in order of first appearance: the postings of every term grow in slot order.
	for _, t := range tokens {
		n, ok := tf[t]
		if !ok {
			continue
		}
		delete(tf, t)
		pl := p.terms[t]
		if pl == nil {
			pl = &postings{term: t}
			p.terms[t] = pl
		}
		pl.list = append(pl.list, posting{slot: i, tf: n})
		pl.df++
		s.terms = append(s.terms, pl)
	}
	if p.dims > 0 {
		if len(d.Vector) == p.dims {
			p.vecs = append(p.vecs, d.Vector...)
			s.vec = true
		} else {
			p.vecs = append(p.vecs, make([]float32, p.dims)...)
		}
	}
	p.slots = append(p.slots, s)
	p.byID[d.ID] = i
	p.live++
	p.totalLen += int64(s.length)
}

func (p *partition) remove(id [16]byte) {
	i, ok := p.byID[id]
	if !ok {
		return
	}
	delete(p.byID, id)
	s := &p.slots[i]
	s.dead = true
	for _, pl := range s.terms {
		pl.df--
		if pl.df == 0 {
			delete(p.terms, pl.term)
		}
	}
	p.totalLen -= int64(s.length)
	s.terms = nil
	p.live--
	p.dead++
	if p.dead > 64 && p.dead > p.live {
		p.compact()
	}
}

// compact drops the dead slots, renumbering the live ones in order.
func (p *partition) compact() {
	renum := make([]int32, len(p.slots))
	slots := make([]slot, 0, p.live)
	var vecs []float32
	if p.dims > 0 {
		vecs = make([]float32, 0, p.live*p.dims)
	}
	for i, s := range p.slots {
		if s.dead {
			renum[i] = -1
			continue
		}
		renum[i] = int32(len(slots))
		p.byID[s.id] = renum[i]
		slots = append(slots, s)
		if p.dims > 0 {
			vecs = append(vecs, p.vecs[i*p.dims:(i+1)*p.dims]...)
		}
	}
	for _, pl := range p.terms {
		kept := pl.list[:0]
		for _, e := range pl.list {
			if n := renum[e.slot]; n >= 0 {
				kept = append(kept, posting{slot: n, tf: e.tf})
			}
		}
		pl.list = slices.Clip(kept)
	}
	p.slots, p.vecs, p.dead = slots, vecs, 0
}
