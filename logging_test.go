package mnemo_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/pipeline"
)

// TestFailuresAreLogged checks that a failure which ends a run is also said in the application's log,
// not only in the run's Error: a user reported runs failing with nothing in their logs at Info level.
// An extractor that panics, one that fails permanently and one that always fails transiently each
// get a run; one more run fails on one of its two texts and ends partial_success. Each must leave
// its records, carrying the run's ID, in a Logger at Info level.
func TestFailuresAreLogged(t *testing.T) {
	t.Parallel()
	capture, logger := newLogCapture(slog.LevelInfo)
	extractor := pipeline.ExtractorFunc(func(_ context.Context, req mnemo.ExtractRequest) ([]mnemo.Fact, error) {
		switch {
		case strings.HasPrefix(req.Text, "panic"):
			panic("extractor exploded")
		case strings.HasPrefix(req.Text, "permanent"):
			return nil, pipeline.Permanent(errors.New("unreadable input"))
		case strings.HasPrefix(req.Text, "transient"):
			return nil, errors.New("model endpoint unavailable")
		}
		return []mnemo.Fact{{Content: req.Text}}, nil
	})
	eng, _ := setup(t, &mnemo.Options{Extractor: extractor, Logger: logger, MaxAttempts: 3, RetryBackoff: time.Millisecond})
	ctx := ctxT(t)
	runs := map[string]string{} // case -> run ID
	for name, texts := range map[string][]string{
		"panic":     {"panic now"},
		"permanent": {"permanent failure"},
		"transient": {"transient failure"},
		"partial":   {"permanent again", "A fact that is fine."},
	} {
		run := add(t, eng, mnemo.Text(texts...), nil)
		runs[name] = run.ID
	}
	for name, id := range runs {
		want := mnemo.Failed
		if name == "partial" {
			want = mnemo.PartialSuccess
		}
		if r := wait(t, eng, id); r.Status != want {
			t.Fatalf("%s run ended %s (%s), want %s: the test's extractor did not do what it should", name, r.Status, r.Error, want)
		}
	}

	// A run's records may be written just after its status is committed: wait for them, all within
	// one bound, so that a missing record costs the test 10 seconds once, not once per record.
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	expect := func(what string, n int, match func(logRecord) bool) []logRecord {
		t.Helper()
		if !capture.waitN(wctx, n, match) {
			t.Errorf("%s: want %d such record(s), got %d; everything logged:\n%s", what, n, capture.count(match), capture.dump())
		}
		return capture.matching(match)
	}
	for _, name := range []string{"panic", "permanent", "transient"} {
		id := runs[name]
		for _, r := range expect(name+" run: Error \"mnemo: run failed\" with run="+id, 1,
			logged(slog.LevelError, "mnemo: run failed", "run", id)) {
			if r.Attrs["err"] == "" {
				t.Errorf("%s run: \"mnemo: run failed\" record has no err attribute: %s", name, r)
			}
		}
	}
	for _, r := range expect("panic run: Error \"mnemo: step panicked\" with run="+runs["panic"], 1,
		logged(slog.LevelError, "mnemo: step panicked", "run", runs["panic"])) {
		if !strings.Contains(r.Attrs["panic"], "extractor exploded") || r.Attrs["step"] == "" {
			t.Errorf("panic run: \"mnemo: step panicked\" record should carry step and the panic value: %s", r)
		}
	}
	expect("partial run: Warn \"mnemo: run partially succeeded\" with run="+runs["partial"], 1,
		logged(slog.LevelWarn, "mnemo: run partially succeeded", "run", runs["partial"]))

	// The transient run was tried MaxAttempts (3) times: two retries, each said at Warn.
	retry := logged(slog.LevelWarn, "mnemo: step failed, retrying", "run", runs["transient"])
	retries := expect("transient run: Warn \"mnemo: step failed, retrying\" with run="+runs["transient"], 2, retry)
	if len(retries) > 2 {
		t.Errorf("transient run: %d retry warnings for MaxAttempts 3, want 2:\n%s", len(retries), capture.dump())
	}
	for _, r := range retries {
		for _, key := range []string{"step", "attempt", "err", "delay"} {
			if r.Attrs[key] == "" {
				t.Errorf("transient run: retry warning has no %q attribute: %s", key, r)
			}
		}
		if !strings.Contains(r.Attrs["err"], "model endpoint unavailable") {
			t.Errorf("transient run: retry warning does not carry the extractor's error: %s", r)
		}
	}
	// The runs that failed permanently were not retried.
	for _, name := range []string{"permanent", "partial"} {
		if n := capture.count(logged(slog.LevelWarn, "mnemo: step failed, retrying", "run", runs[name])); n != 0 {
			t.Errorf("%s run: %d retry warnings, want none (its error was not transient):\n%s", name, n, capture.dump())
		}
	}
}
