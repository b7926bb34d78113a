package rules_test

import (
	"testing"
	"time"

	"github.com/mnemohq/mnemo/pipeline/rules"
)

func TestResolveDates(t *testing.T) {
	t.Parallel()
	mon := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC) // a Monday
	sat := time.Date(2023, 5, 13, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		at   time.Time
		want string
	}{
		{"I went to a LGBTQ support group yesterday.", mon, "I went to a LGBTQ support group yesterday (7 May 2023)."},
		{"Yesterday was great, today is better.", mon, "Yesterday (7 May 2023) was great, today (8 May 2023) is better."},
		{"Tonight I cook; tomorrow I fly.", mon, "Tonight (8 May 2023) I cook; tomorrow (9 May 2023) I fly."},
		{"Last night was fun.", mon, "Last night (7 May 2023) was fun."},
		{"I ran this morning.", mon, "I ran this morning (8 May 2023)."},
		{"I painted last Saturday.", mon, "I painted last Saturday (6 May 2023)."},
		{"I painted last Saturday.", sat, "I painted last Saturday (6 May 2023)."}, // a week back on a Saturday
		{"This past Friday we met.", mon, "This past Friday (5 May 2023) we met."},
		{"See you next Monday!", mon, "See you next Monday (15 May 2023)!"},
		{"I went camping last week.", mon, "I went camping last week (the week of 1 May 2023)."},
		{"Busy this week and next week.", sat, "Busy this week (the week of 8 May 2023) and next week (the week of 15 May 2023)."},
		{"We hiked last weekend.", mon, "We hiked last weekend (6-7 May 2023)."},
		{"We hike this weekend.", mon, "We hike this weekend (13-14 May 2023)."},
		{"We moved last month and leave next month.", mon, "We moved last month (April 2023) and leave next month (June 2023)."},
		{"I made a bowl last year.", mon, "I made a bowl last year (2022)."},
		{"I started two weeks ago.", mon, "I started two weeks ago (the week of 24 April 2023)."},
		{"It broke 3 days ago.", mon, "It broke 3 days ago (5 May 2023)."},
		{"I quit a year ago.", mon, "I quit a year ago (2022)."},
		{"We met five years ago.", mon, "We met five years ago (2018)."},
		{"It was three months ago.", time.Date(2023, 1, 15, 0, 0, 0, 0, time.UTC), "It was three months ago (October 2022)."},
		{"Last weekend of the year.", time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), "Last weekend (30-31 December 2023) of the year."},
		// Left alone.
		{"I went there yesterday.", time.Time{}, "I went there yesterday."}, // no time
		{"It grew over the last year.", mon, "It grew over the last year."},
		{"Last week's game was long.", mon, "Last week's game was long."},
		{"I went yesterday (7 May).", mon, "I went yesterday (7 May)."},
		{"A few days ago I left.", mon, "A few days ago I left."},
		{"On Saturday we swim.", mon, "On Saturday we swim."},
		{"We swam last summer.", mon, "We swam last summer."},
		{"At last, peace.", mon, "At last, peace."},
		{"I live in Lisbon.", mon, "I live in Lisbon."},
	} {
		if got := rules.ResolveDates(tc.in, tc.at); got != tc.want {
			t.Errorf("ResolveDates(%q, %s)\n got %q\nwant %q", tc.in, tc.at.Format(time.DateOnly), got, tc.want)
		}
	}
}
