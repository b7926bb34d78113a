package main

import (
	"fmt"
	"io"
	"strings"
)

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
