// Package embedding turns texts into vectors for search.
package embedding

import "context"

// Embedder turns texts into vectors.
type Embedder interface {
	Name() string
	Dims() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}
