package buffer

import (
	"errors"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/internal/errs"
)

func TestTriggerValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		t  Trigger
		ok bool
	}{
		{Trigger{}, false},
		{Trigger{Count: -1, SinceLast: time.Second}, false},
		{Trigger{SinceFirst: -time.Second}, false},
		{Trigger{SinceLast: -time.Second, Count: 1}, false},
		{Trigger{Count: 1}, true},
		{Trigger{SinceFirst: time.Hour}, true},
		{Trigger{SinceLast: time.Minute}, true},
	} {
		err := tc.t.Validate()
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, errs.InvalidInput)) {
			t.Errorf("%+v: %v", tc.t, err)
		}
	}
}

func TestTriggerDueAndFull(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	first, last := t0, t0.Add(50*time.Minute)
	for _, tc := range []struct {
		t    Trigger
		want time.Time
		ok   bool
	}{
		{Trigger{Count: 3}, time.Time{}, false},
		{Trigger{SinceFirst: time.Hour}, t0.Add(time.Hour), true},
		{Trigger{SinceLast: 5 * time.Minute}, last.Add(5 * time.Minute), true},
		{Trigger{SinceFirst: time.Hour, SinceLast: 5 * time.Minute}, last.Add(5 * time.Minute), true},
		{Trigger{SinceFirst: time.Hour, SinceLast: 30 * time.Minute}, t0.Add(time.Hour), true},
	} {
		due, ok := tc.t.Due(first, last)
		if ok != tc.ok || !due.Equal(tc.want) {
			t.Errorf("%v: due %v %v, want %v %v", tc.t, due, ok, tc.want, tc.ok)
		}
	}
	if (Trigger{Count: 3}).Full(2) || !(Trigger{Count: 3}).Full(3) || (Trigger{SinceLast: time.Second}).Full(1000) {
		t.Error("Full")
	}
	if got := (Trigger{Count: 3, SinceFirst: time.Hour}).String(); got != "buffer(count 3, since first 1h0m0s)" {
		t.Errorf("String = %q", got)
	}
}
