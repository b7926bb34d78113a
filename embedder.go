package mnemo

import (
	"context"
	"errors"
	"fmt"

	"github.com/mnemohq/mnemo/embedding"
	"github.com/mnemohq/mnemo/store"
)

// Embedder turns texts into vectors for vector and hybrid search; see package embedding. Its Name and
// Dims are stored in the file with the vectors it made, so that a file is never searched with
// another embedder's vectors.
type Embedder = embedding.Embedder

// checkEmbedder makes sure that the file's vectors are the engine's embedder's, before any run
// resumes: a new file recorded the embedder when it was created (see store.Options.Embedder); one
// written before vectors were gets its vectors and the embedder's name; a file indexed by another
// embedder is refused, unless Options.Reindex re-embeds it. A read-only engine opens whatever the
// file holds, and its vector searches then say why they cannot run.
func (e *Engine) checkEmbedder() error {
	emb := e.opts.Embedder
	if emb == nil {
		return nil
	}
	want := embedderInfo(emb)
	have, recorded, pending, interrupted, err := e.store.Embedder()
	if err != nil {
		return err
	}
	var mismatch error
	switch {
	case interrupted:
		mismatch = fmt.Errorf("%w: a reindex of this file with embedder %q (%d dimensions) did not finish: open it with Options.Reindex (mnemo reindex) to run it again",
			ErrInvalidInput, pending.Name, pending.Dims)
	case recorded && have != want:
		mismatch = fmt.Errorf("%w: the file's vectors are embedder %q's (%d dimensions), not %q's (%d): open it with Options.Reindex (mnemo reindex) to re-embed every memory",
			ErrInvalidInput, have.Name, have.Dims, want.Name, want.Dims)
	}
	switch {
	case e.opts.ReadOnly && (mismatch != nil || !recorded):
		if mismatch == nil {
			mismatch = errors.New("the file holds no vectors yet: open it writable once to index it")
		}
		e.vectorsErr = fmt.Errorf("vector search: %w", mismatch)
		return nil
	case e.opts.ReadOnly:
		return nil
	case e.opts.Reindex || (!recorded && !interrupted):
		return e.reindex(want)
	}
	return mismatch
}

// reindex gives every memory a vector from the engine's embedder (see Options.Reindex).
func (e *Engine) reindex(want store.EmbedderInfo) error {
	any, err := e.store.HasMemories()
	if err != nil {
		return err
	}
	if !any && !e.opts.Reindex {
		return e.store.SetEmbedder(want) // a file of no memory yet: nothing to embed
	}
	e.opts.Logger.Info("mnemo: indexing the memories' vectors", "embedder", want.Name)
	ctx := context.Background()
	return e.store.Reindex(want, func(texts []string) ([][]float32, error) {
		vecs, err := e.opts.Embedder.Embed(ctx, texts)
		if err == nil {
			for i, v := range vecs {
				if len(v) != want.Dims {
					return nil, fmt.Errorf("vector %d has %d dimensions, not %d", i, len(v), want.Dims)
				}
			}
		}
		return vecs, err
	}, e.opts.ReindexProgress)
}

// MaxEmbedderDims bounds an embedder's dimensions.
const MaxEmbedderDims = 1 << 16

// embedderInfo names e as the store records it; the zero value for no embedder.
func embedderInfo(e Embedder) store.EmbedderInfo {
	if e == nil {
		return store.EmbedderInfo{}
	}
	return store.EmbedderInfo{Name: e.Name(), Dims: e.Dims()}
}

// defaultEmbedder is the embedder of an engine whose Options name none.
func defaultEmbedder() Embedder { return embedding.Default() }

// embedOne returns the engine's embedder's vector of text.
func (e *Engine) embedOne(ctx context.Context, text string) ([]float32, error) {
	dims := e.opts.Embedder.Dims()
	vecs, err := e.opts.Embedder.Embed(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 || len(vecs[0]) != dims {
		return nil, fmt.Errorf("the embedder returned %d vectors, not one of %d dimensions", len(vecs), dims)
	}
	return vecs[0], nil
}
