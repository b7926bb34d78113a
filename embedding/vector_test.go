package embedding_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/mnemohq/mnemo/embedding"
)

func TestNormalize(t *testing.T) {
	t.Parallel()
	v := []float32{3, 4}
	if !embedding.Normalize(v) || v[0] != 0.6 || v[1] != 0.8 {
		t.Errorf("Normalize(3, 4) = %v, want true and (0.6, 0.8)", v)
	}
	for _, bad := range [][]float32{nil, {0, 0, 0}, {1, float32(math.NaN())}, {float32(math.Inf(1)), 0}} {
		before := append([]float32(nil), bad...)
		if embedding.Normalize(bad) {
			t.Errorf("Normalize(%v) = true, want false", before)
		}
		for i := range bad {
			if math.Float32bits(bad[i]) != math.Float32bits(before[i]) {
				t.Errorf("Normalize(%v) changed it to %v", before, bad)
			}
		}
	}
}

func TestDot(t *testing.T) {
	t.Parallel()
	for n := range 11 { // every remainder of the unrolled loop
		a, b := make([]float32, n), make([]float32, n)
		var want float32
		for i := range n {
			a[i], b[i] = float32(i+1), float32(2*i-3)
			want += a[i] * b[i]
		}
		if got := embedding.Dot(a, b); got != want {
			t.Errorf("n=%d: Dot = %v, want %v", n, got, want)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Dot of lengths 2 and 3 did not panic")
		}
	}()
	embedding.Dot([]float32{1, 2}, []float32{1, 2, 3})
}

func BenchmarkDot(b *testing.B) {
	for _, n := range []int{100, 256, 1024} {
		x, y := make([]float32, n), make([]float32, n)
		for i := range n {
			x[i], y[i] = float32(i%7), float32(i%5)
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				embedding.Dot(x, y)
			}
		})
	}
}
