package embedding

import (
	"context"
	"fmt"
	"math"

	"github.com/mnemohq/mnemo/internal/analysis"
)

// N-gram lengths of the NGram embedder, in runes, boundary marks included.
const (
	minGram = 3
	maxGram = 5
)

// NGram returns an embedder of hashed character n-grams: each word of a text (analysis.Words, in
// lower case) is marked at its ends ("<dog>"), and the marked word and each of its 3- to
// 5-rune substrings is hashed (FNV-1a) to one of dims buckets, adding 1 or -1 by another bit of
// the hash so that collisions cancel out on average rather than pile up. Each bucket's sum x
// becomes sign(x)·log(1+|x|), so that a repeated word does not drown the others, and the vector
// is normalised. Its Name is "ngram-3-5/<dims>". It panics when dims < 1.
//
// It needs no data and knows no meaning: texts are near when they share words or parts of words
// ("running", "runner"), whatever the words mean.
func NGram(dims int) Embedder {
	if dims < 1 {
		panic(fmt.Sprintf("embedding: NGram(%d): dims must be at least 1", dims))
	}
	return &nGram{dims: dims, name: fmt.Sprintf("ngram-%d-%d/%d", minGram, maxGram, dims)}
}

// nGram is the hashed character n-gram embedder.
type nGram struct {
	dims int
	name string
}

// Name implements Embedder.
func (e *nGram) Name() string { return e.name }

// Dims implements Embedder.
func (e *nGram) Dims() int { return e.dims }

// Embed implements Embedder.
func (e *nGram) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := vectors(len(texts), e.dims)
	var buf []byte
	var offs []int
	for i, text := range texts {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		v := out[i]
		for _, w := range analysis.Words(text) {
			buf = append(append(append(buf[:0], '<'), w.Lower...), '>')
			// offs holds the byte offset of each rune of buf, and len(buf).
			offs = offs[:0]
			for j := range string(buf) {
				offs = append(offs, j)
			}
			runes := len(offs)
			offs = append(offs, len(buf))
			e.add(v, buf)
			for n := minGram; n <= maxGram && n < runes; n++ {
				for j := 0; j+n <= runes; j++ {
					e.add(v, buf[offs[j]:offs[j+n]])
				}
			}
		}
		for j, x := range v {
			v[j] = float32(math.Copysign(math.Log1p(math.Abs(float64(x))), float64(x)))
		}
		Normalize(v)
	}
	return out, nil
}

// add adds the signed hash bucket of the feature f to v.
func (e *nGram) add(v []float32, f []byte) {
	h := uint64(14695981039346656037) // FNV-1a 64, inlined: hash/fnv would allocate per feature
	for _, c := range f {
		h ^= uint64(c)
		h *= 1099511628211
	}
	if h>>63 == 0 {
		v[h%uint64(len(v))]++
	} else {
		v[h%uint64(len(v))]--
	}
}
