package embedding

import "context"

// Embedder maps texts to vectors whose dot product says how alike the texts are in meaning.
//
// Embedders must be safe for concurrent use.
type Embedder interface {
	// Name identifies the model, its version and the settings that change its vectors, such as
	// "glove-6b-100d-50k-sif/1". A store records it beside the vectors, so that vectors of
	// another embedder, which do not compare, are detected rather than mixed.
	Name() string
	// Dims is the length of every vector Embed returns.
	Dims() int
	// Embed returns one vector per text, in the order of texts, each of length Dims and of unit
	// L2 norm, except that a text with nothing to embed (empty, or with no word the model knows)
	// gets the all-zero vector, whose dot product with any vector is 0. It returns an error,
	// and no vectors, when ctx is done or the model cannot be reached.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// vectors returns n zeroed vectors of length dims, backed by one allocation.
func vectors(n, dims int) [][]float32 {
	flat := make([]float32, n*dims)
	out := make([][]float32, n)
	for i := range out {
		out[i] = flat[i*dims : (i+1)*dims : (i+1)*dims]
	}
	return out
}
