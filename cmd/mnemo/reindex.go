package main

import (
	"fmt"
	"time"

	"github.com/mnemohq/mnemo"
)

// reindex re-embeds every memory of the file with the default embedder, and records it as the
// file's: after an application indexed it with another embedder, or to rebuild its vectors.
func (c *cli) reindex(args []string) error {
	cmd := c.command("reindex", "")
	if err := cmd.none(args); err != nil {
		return err
	}
	if err := c.needFile("reindex"); err != nil {
		return err
	}
	if c.readOnly {
		return fmt.Errorf("%w (-read-only was given; reindex writes every vector)", mnemo.ErrReadOnly)
	}
	bar := newProgress(c.stderr, "reindex", isTerminal(c.stderr))
	start := time.Now()
	total := 0
	eng, err := c.openWith(true, func(o *mnemo.Options) {
		o.Reindex = true
		o.ReindexProgress = func(done, n int) { total = n; bar.update(done, n) }
	})
	bar.end()
	if err != nil {
		return err
	}
	defer eng.Close()
	return c.print(map[string]any{"memories": total, "seconds": time.Since(start).Seconds()})
}
