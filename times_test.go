package mnemo_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/clock"
)

// TestTimesRoundTrip adds a conversation whose messages carry times across the whole range a user may
// give, and checks that each memory's EventTime is the same instant as its message's CreatedAt, in
// UTC, through Get and List and again after a reopen. Users reported 1970-01-01T00:00:00Z coming back
// as "no time" and 2300-01-01 coming back in 1715: times were stored as int64 nanoseconds since 1970,
// which hold only 1677-09-21 to 2262-04-11 and use 0 for the zero time.
func TestTimesRoundTrip(t *testing.T) {
	t.Parallel()
	times := []struct {
		name string
		at   time.Time
	}{
		{"first nanosecond of year 1", time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)},
		{"1600", time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"1 ns before int64 nanoseconds begin", time.Date(1677, 9, 21, 0, 12, 43, 145224191, time.UTC)},
		{"the Unix epoch", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"1 ns after int64 nanoseconds end", time.Date(2262, 4, 11, 23, 47, 16, 854775808, time.UTC)},
		{"2300", time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"last nanosecond of 9999", time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)},
		{"non-UTC location", time.Date(2024, 3, 10, 2, 30, 15, 123456789, time.FixedZone("UTC-5", -5*3600))},
		{"zero time (no time)", time.Time{}},
	}
	msgs := make([]mnemo.Message, len(times))
	for i, tc := range times {
		msgs[i] = mnemo.Message{ID: fmt.Sprintf("m%d", i), Role: mnemo.RoleUser, Name: "Ada",
			Content: fmt.Sprintf("I planted tree number %d in the garden.", i), CreatedAt: tc.at}
	}
	path := filepath.Join(t.TempDir(), "times.db")
	eng := open(t, path, nil)
	run := wait(t, eng, add(t, eng, mnemo.Conversation(msgs...), &mnemo.AddOptions{UserID: "ada"}).ID)
	if run.Status != mnemo.Completed || run.MemoriesCreated != len(times) {
		t.Fatalf("run ended %s with %d memories (%s), want completed with %d", run.Status, run.MemoriesCreated, run.Error, len(times))
	}
	check := func(when, how string, mems []mnemo.Memory) {
		t.Helper()
		if len(mems) != len(times) {
			t.Fatalf("%s, %s: %d memories, want %d", when, how, len(mems), len(times))
		}
		for _, m := range mems {
			var i int
			if len(m.Sources) != 1 || func() bool { _, err := fmt.Sscanf(m.Sources[0].MessageID, "m%d", &i); return err != nil }() {
				t.Fatalf("%s, %s: memory %q has sources %+v, want one naming its message", when, how, m.Content, m.Sources)
			}
			tc := times[i]
			switch {
			case tc.at.IsZero() && !m.EventTime.IsZero():
				t.Errorf("%s, %s: %s: a message without a time gave EventTime %v, want the zero time", when, how, tc.name, m.EventTime)
			case !m.EventTime.Equal(tc.at):
				t.Errorf("%s, %s: %s: EventTime %v, want the instant %v", when, how, tc.name, m.EventTime, tc.at)
			case m.EventTime.Location() != time.UTC:
				t.Errorf("%s, %s: %s: EventTime %v is in %v, want UTC", when, how, tc.name, m.EventTime, m.EventTime.Location())
			}
		}
	}
	byGet := func(eng *mnemo.Engine) []mnemo.Memory {
		var out []mnemo.Memory
		for _, id := range run.MemoryIDs {
			m, err := eng.Memories.Get(ctxT(t), id)
			if err != nil {
				t.Fatalf("Get memory %s: %v", id, err)
			}
			out = append(out, *m)
		}
		return out
	}
	byList := func(eng *mnemo.Engine) []mnemo.Memory {
		all, _ := listAll(t, eng, mnemo.ListOptions{UserID: "ada"})
		return all
	}
	check("before reopen", "Get", byGet(eng))
	check("before reopen", "List", byList(eng))
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	eng = open(t, path, nil)
	check("after reopen", "Get", byGet(eng))
	check("after reopen", "List", byList(eng))
}

// TestClockTimesRoundTrip runs an engine whose clock says 2300-06-01 (after what int64 nanoseconds
// since 1970 can hold): the run's and the memory's timestamps must come back as that instant, not
// wrapped around into the 18th century.
func TestClockTimesRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Date(2300, 6, 1, 12, 0, 0, 123456789, time.UTC)
	path := filepath.Join(t.TempDir(), "clock.db")
	eng := open(t, path, &mnemo.Options{Clock: clock.NewFake(now)})
	added := add(t, eng, mnemo.Text("The colony ship launched today."), &mnemo.AddOptions{UserID: "u"})
	if !added.CreatedAt.Equal(now) {
		t.Errorf("Add returned CreatedAt %v, want %v", added.CreatedAt, now)
	}
	wait(t, eng, added.ID)
	check := func(when string, eng *mnemo.Engine) {
		t.Helper()
		r, err := eng.Runs.Get(ctxT(t), added.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != mnemo.Completed || len(r.MemoryIDs) != 1 {
			t.Fatalf("%s: run %s with memories %v (%s), want completed with 1", when, r.Status, r.MemoryIDs, r.Error)
		}
		for name, got := range map[string]time.Time{"CreatedAt": r.CreatedAt, "StartedAt": r.StartedAt,
			"CompletedAt": r.CompletedAt, "UpdatedAt": r.UpdatedAt, "operation's CommittedAt": r.CommittedOperations.Created[0].CommittedAt} {
			if !got.Equal(now) || got.Location() != time.UTC {
				t.Errorf("%s: run %s %v, want %v in UTC", when, name, got, now)
			}
		}
		m, err := eng.Memories.Get(ctxT(t), r.MemoryIDs[0])
		if err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]time.Time{"CreatedAt": m.CreatedAt, "UpdatedAt": m.UpdatedAt} {
			if !got.Equal(now) || got.Location() != time.UTC {
				t.Errorf("%s: memory %s %v, want %v in UTC", when, name, got, now)
			}
		}
	}
	check("before reopen", eng)
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	check("after reopen", open(t, path, &mnemo.Options{Clock: clock.NewFake(now)}))
}

// TestTimesOutOfRange adds messages dated outside years 1..9999: Add must refuse them with a
// FieldError naming the message's created_at, and store nothing. (Year 10000 failed with a raw JSON
// encoding error; year 0 and negative years were accepted and stored wrapped around.)
func TestTimesOutOfRange(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	ok := mnemo.Message{Role: mnemo.RoleUser, Content: "I like tea.", CreatedAt: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name string
		at   time.Time
	}{
		{"year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"year 0", time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)},
		{"last nanosecond of year 0", time.Date(1, 1, 1, 0, 0, 0, -1, time.UTC)},
		{"year -5", time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		bad := mnemo.Message{Role: mnemo.RoleUser, Content: "I like coffee.", CreatedAt: tc.at}
		run, err := eng.Memories.Add(ctxT(t), mnemo.Conversation(ok, bad), nil)
		var fe *mnemo.FieldError
		switch {
		case err == nil:
			t.Errorf("%s (%v): Add accepted it as run %s, want a FieldError on messages[1].created_at", tc.name, tc.at, run.ID)
		case !errors.Is(err, mnemo.ErrInvalidInput) || !errors.As(err, &fe):
			t.Errorf("%s (%v): Add: %v, want a FieldError wrapping ErrInvalidInput on messages[1].created_at", tc.name, tc.at, err)
		case fe.Field != "messages[1].created_at":
			t.Errorf("%s (%v): FieldError on %q (%v), want messages[1].created_at", tc.name, tc.at, fe.Field, err)
		}
	}
	if runs := listAllRuns(t, eng, mnemo.RunListOptions{}); len(runs) != 0 {
		t.Errorf("refused adds stored %d runs, want none", len(runs))
	}
}
