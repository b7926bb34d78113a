package mnemo_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo"
)

// logRecord is one record a capture kept: its level, message and attributes, each attribute's value
// as text (a group's attributes are named "group.key").
type logRecord struct {
	Level   slog.Level
	Message string
	Attrs   map[string]string
}

func (r logRecord) String() string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range r.Attrs {
			if !yield(k) {
				return
			}
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%s %q", r.Level, r.Message)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, r.Attrs[k])
	}
	return b.String()
}

// logCapture is a slog.Handler that keeps every record at or above its level, for tests to inspect.
// It is safe for concurrent use; a test waits for a record with waitN, never by sleeping.
type logCapture struct {
	level slog.Level
	mu    sync.Mutex // guards records and waiters
	// records holds every record handled, in order.
	records []logRecord
	// waiters are the waitN calls not yet satisfied.
	waiters []*logWaiter
}

type logWaiter struct {
	match func(logRecord) bool
	need  int
	done  chan struct{}
}

// newLogCapture returns a capture keeping records at level and above, and a logger writing to it.
func newLogCapture(level slog.Level) (*logCapture, *slog.Logger) {
	c := &logCapture{level: level}
	return c, slog.New(&captureHandler{c: c})
}

// matching returns the records that match, in the order they were logged.
func (c *logCapture) matching(match func(logRecord) bool) []logRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []logRecord
	for _, r := range c.records {
		if match(r) {
			out = append(out, r)
		}
	}
	return out
}

// count returns how many records match.
func (c *logCapture) count(match func(logRecord) bool) int { return len(c.matching(match)) }

// waitN blocks until at least n records match (counting those logged already) and reports whether
// they did before ctx ended.
func (c *logCapture) waitN(ctx context.Context, n int, match func(logRecord) bool) bool {
	c.mu.Lock()
	have := 0
	for _, r := range c.records {
		if match(r) {
			have++
		}
	}
	if have >= n {
		c.mu.Unlock()
		return true
	}
	w := &logWaiter{match: match, need: n - have, done: make(chan struct{})}
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	select {
	case <-w.done:
		return true
	case <-ctx.Done():
		c.mu.Lock()
		c.waiters = slices.DeleteFunc(c.waiters, func(o *logWaiter) bool { return o == w })
		c.mu.Unlock()
		select {
		case <-w.done: // satisfied while we were giving up
			return true
		default:
			return false
		}
	}
}

// dump returns every record kept, one per line, for a failure message.
func (c *logCapture) dump() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.records) == 0 {
		return "(nothing was logged)"
	}
	var b strings.Builder
	for i, r := range c.records {
		if i == 40 {
			fmt.Fprintf(&b, "\t... and %d more\n", len(c.records)-i)
			break
		}
		fmt.Fprintf(&b, "\t%s\n", r)
	}
	return b.String()
}

func (c *logCapture) add(r logRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.records = append(c.records, r)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.match(r) {
			if w.need--; w.need == 0 {
				close(w.done)
				continue
			}
		}
		kept = append(kept, w)
	}
	clear(c.waiters[len(kept):])
	c.waiters = kept
}

// captureHandler is the slog.Handler of a logCapture, with the attributes and group that WithAttrs
// and WithGroup gave it.
type captureHandler struct {
	c      *logCapture
	attrs  []slog.Attr // already qualified by their groups
	prefix string      // "group." of WithGroup, or ""
}

func (h *captureHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.c.level }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{Level: r.Level, Message: r.Message, Attrs: map[string]string{}}
	for _, a := range h.attrs {
		addAttr(rec.Attrs, "", a)
	}
	r.Attrs(func(a slog.Attr) bool {
		addAttr(rec.Attrs, h.prefix, a)
		return true
	})
	h.c.add(rec)
	return nil
}

func addAttr(into map[string]string, prefix string, a slog.Attr) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		p := prefix
		if a.Key != "" {
			p += a.Key + "."
		}
		for _, g := range v.Group() {
			addAttr(into, p, g)
		}
		return
	}
	into[prefix+a.Key] = v.String()
}

func (h *captureHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	n := &captureHandler{c: h.c, prefix: h.prefix, attrs: slices.Clone(h.attrs)}
	for _, a := range attrs {
		n.attrs = append(n.attrs, slog.Attr{Key: h.prefix + a.Key, Value: a.Value})
	}
	return n
}

func (h *captureHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &captureHandler{c: h.c, attrs: h.attrs, prefix: h.prefix + name + "."}
}

// logged returns a predicate for records at level with message msg (any message when empty) whose
// attribute key is value (any attributes when key is empty).
func logged(level slog.Level, msg, key, value string) func(logRecord) bool {
	return func(r logRecord) bool {
		return r.Level == level && (msg == "" || r.Message == msg) && (key == "" || r.Attrs[key] == value)
	}
}

// listAll lists every memory of a scope, page by page, and fails the test on an error.
func listAll(t *testing.T, eng *mnemo.Engine, opts mnemo.ListOptions) (all []mnemo.Memory, total int) {
	t.Helper()
	opts.Limit = mnemo.MaxListLimit
	opts.Cursor = ""
	for {
		page, err := eng.Memories.List(ctxT(t), &opts)
		if err != nil {
			t.Fatalf("list memories of user %q: %v", opts.UserID, err)
		}
		all = append(all, page.Memories...)
		total = page.Total
		if page.Next == "" {
			return all, total
		}
		opts.Cursor = page.Next
	}
}

// listAllRuns lists every run matching opts, page by page, and fails the test on an error.
func listAllRuns(t *testing.T, eng *mnemo.Engine, opts mnemo.RunListOptions) []mnemo.Run {
	t.Helper()
	opts.Limit = mnemo.MaxListLimit
	opts.Cursor = ""
	var all []mnemo.Run
	for {
		page, err := eng.Runs.List(ctxT(t), &opts)
		if err != nil {
			t.Fatalf("list runs %+v: %v", opts, err)
		}
		all = append(all, page.Runs...)
		if page.Next == "" {
			return all
		}
		opts.Cursor = page.Next
	}
}
