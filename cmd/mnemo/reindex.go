package main

import (
	"fmt"
	"io"
	"strings"
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

// progress draws a progress bar on a terminal, or writes a line every tenth of the way elsewhere.
type progress struct {
	w        io.Writer
	label    string
	terminal bool
	last     int // the last tenth written, off a terminal
	drawn    bool
}

func newProgress(w io.Writer, label string, terminal bool) *progress {
	return &progress{w: w, label: label, terminal: terminal, last: -1}
}

func (p *progress) update(done, total int) {
	if total <= 0 {
		return
	}
	frac := float64(done) / float64(total)
	if !p.terminal {
		if tenth := int(frac * 10); tenth > p.last {
			p.last = tenth
			fmt.Fprintf(p.w, "%s: %d of %d (%.0f%%)\n", p.label, done, total, 100*frac)
		}
		return
	}
	const width = 30
	filled := int(frac * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %3.0f%%", p.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), done, total, 100*frac)
	p.drawn = true
}

// end finishes the bar's line.
func (p *progress) end() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
