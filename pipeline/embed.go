package pipeline

import (
	"context"
	"fmt"

	"github.com/mnemohq/mnemo/store"
)

// embed gives the memories a commit part inserts, and the contents its updates write, their vectors
// from the engine's Embedder, in one call, before the write (an embedder may be slow, or remote).
// Its errors are a step's: transient ones are retried with backoff, as the Reconciler's are.
func (d *driver) embed(step int, out *batch, from int, part []store.NewMemory, verdicts []verdict) error {
	x := d.x
	if x.cfg.Embedder == nil {
		return nil
	}
	var texts []string
	var set []func([]float32)
	for i := range part {
		nm := &part[i]
		if verdicts != nil && verdicts[i].Op == OpUpdate {
			v := &verdicts[i]
			content := v.Content
			if content == "" {
				content = out.Facts[from+i].Content
			}
			texts = append(texts, content)
			set = append(set, func(vec []float32) { v.vector = vec })
		}
		if nm.Content() != "" {
			texts = append(texts, nm.Content())
			set = append(set, nm.SetVector)
		}
	}
	if len(texts) == 0 {
		return nil
	}
	var vecs [][]float32
	var err error
	if cerr := d.computing(func() {
		err = d.retry(x.ctx, step, func(ctx context.Context) (err error) {
			vecs, err = x.cfg.Embedder.Embed(ctx, texts)
			if err == nil {
				err = checkVectors(vecs, len(texts), x.cfg.Embedder.Dims())
			}
			return err
		})
	}); cerr != nil {
		return cerr
	}
	if err != nil {
		return fmt.Errorf("embed: %w", err)
	}
	for i, vec := range vecs {
		set[i](vec)
	}
	return nil
}

// checkVectors checks an embedder's answer: n vectors of dims dimensions.
func checkVectors(vecs [][]float32, n, dims int) error {
	if len(vecs) != n {
		return Permanent(fmt.Errorf("embed: %d vectors for %d texts", len(vecs), n))
	}
	for i, v := range vecs {
		if len(v) != dims {
			return Permanent(fmt.Errorf("embed: vector %d has %d dimensions, not the embedder's %d", i, len(v), dims))
		}
	}
	return nil
}
