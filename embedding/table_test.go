package embedding

import (
	"math"
	"testing"
)

func TestTable(t *testing.T) {
	t.Parallel()
	tb := glove()
	if len(tb.rank) != 50_000 || len(tb.scales) != 50_000 || len(tb.vecs) != 50_000*gloveDims {
		t.Fatalf("table: %d words, %d scales, %d bytes of vectors", len(tb.rank), len(tb.scales), len(tb.vecs))
	}
	// Ranks follow GloVe's frequency order.
	for _, pair := range [][2]string{{"the", "of"}, {"of", "dog"}, {"dog", "puppy"}, {"said", "violin"}} {
		a, okA := tb.rank[pair[0]]
		b, okB := tb.rank[pair[1]]
		if !okA || !okB || a >= b {
			t.Errorf("rank(%q) = %d, %v; rank(%q) = %d, %v: want both, the first lower", pair[0], a, okA, pair[1], b, okB)
		}
	}
	if r := tb.rank["the"]; r != 0 {
		t.Errorf("rank(the) = %d, want 0", r)
	}
	// GloVe's vector of "the" starts -0.038194 -0.24487 0.72812; quantised to within a step.
	v := make([]float32, gloveDims)
	tb.addTo(v, 0, 1)
	for i, want := range []float64{-0.038194, -0.24487, 0.72812} {
		if d := math.Abs(float64(v[i]) - want); d > float64(tb.scales[0]) {
			t.Errorf("the[%d] = %v, want %v within %v", i, v[i], want, tb.scales[0])
		}
	}
	for r, s := range tb.scales {
		if !(s > 0) || math.IsInf(float64(s), 0) {
			t.Fatalf("scale of rank %d is %v", r, s)
		}
		// addTo adds every one of the word's dims values, whatever its bytes.
		clear(v)
		tb.addTo(v, int32(r), 2)
		for i, x := range v {
			if want := 2 * s * float32(int8(tb.vecs[r*gloveDims+i])); x != want {
				t.Fatalf("rank %d: addTo gives [%d] = %v, want %v", r, i, x, want)
			}
		}
	}
}

func TestParseTableRejects(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"empty":     "",
		"magic":     "NOPE1\n" + gloveTable[6:],
		"truncated": gloveTable[:len(gloveTable)-1],
		"long":      gloveTable + "x",
		"words":     gloveTable[:200],
		"dims":      gloveTable[:10] + "\x20\x00\x00\x00" + gloveTable[14:],
	} {
		if _, err := parseTable(data); err == nil {
			t.Errorf("%s: parseTable succeeded", name)
		}
	}
}

// BenchmarkParseTable measures the parse Default pays on first use.
func BenchmarkParseTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseTable(gloveTable); err != nil {
			b.Fatal(err)
		}
	}
}
