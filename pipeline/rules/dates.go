package rules

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ResolveDates writes the absolute date of each relative date phrase of sentence into it, in
// brackets right after the phrase, resolved against at, the time the sentence was said (in at's own
// location): "I went to a support group yesterday." said on 8 May 2023 becomes "I went to a support
// group yesterday (7 May 2023).". It returns sentence unchanged when at is zero or no phrase is
// found. Phrases are matched case-insensitively, word by word:
//
//   - days: "today", "tonight", "this morning", "this afternoon", "this evening" (at's day);
//     "yesterday", "last night" (the day before); "tomorrow" (the day after);
//   - weekdays after "last", "past", "this past" or "next": "last Saturday" is the latest Saturday
//     before at's day (a week back when at is a Saturday), "next Friday" the first Friday after it.
//     A weekday alone ("on Saturday") is left as it is: whether it is past or coming is not in the
//     words;
//   - weeks and weekends: "last week", "this week", "next week" name the Monday the week starts on
//     ("last week (the week of 1 May 2023)"); "last weekend", "this past weekend", "this weekend",
//     "next weekend" name the Saturday and Sunday ("(6-7 May 2023)");
//   - months and years: "last month", "this month", "next month" ("(April 2023)"); "last year",
//     "this year", "next year" ("(2022)");
//   - spans ago: a number ("2", "two", "a") and "days", "weeks", "months" or "years", then "ago":
//     "two weeks ago (the week of 24 April 2023)", "3 days ago (5 May 2023)", "a year ago (2022)".
//
// A phrase after "the" ("over the last year": the twelve months up to now, not the year before) or
// one already followed by an opening bracket is left alone, as are vague spans ("a few days ago")
// and seasons ("last summer"). The rule is deterministic: the same sentence and time always give
// the same result.
func ResolveDates(sentence string, at time.Time) string {
	if at.IsZero() || !mayHoldDate(sentence) {
		return sentence
	}
	ws := dateWords(sentence)
	var b strings.Builder
	last := 0 // bytes of sentence copied to b
	for i := 0; i < len(ws); i++ {
		if i > 0 && ws[i-1].lower == "the" {
			continue
		}
		n, date := matchDate(ws[i:], at)
		if n == 0 {
			continue
		}
		end := ws[i+n-1].end
		if strings.HasPrefix(strings.TrimLeft(sentence[end:], " "), "(") {
			i += n - 1
			continue
		}
		if b.Len() == 0 {
			b.Grow(len(sentence) + 24)
		}
		b.WriteString(sentence[last:end])
		b.WriteString(" (")
		b.WriteString(date)
		b.WriteString(")")
		last = end
		i += n - 1
	}
	if last == 0 {
		return sentence
	}
	b.WriteString(sentence[last:])
	return b.String()
}

// dateTriggers are the words without which no phrase ResolveDates reads can be in a sentence,
// lower case: a quick check lets most sentences through untouched.
var dateTriggers = []string{"today", "tonight", "yesterday", "tomorrow", "this", "last", "past", "next", "ago"}

// mayHoldDate reports whether s holds one of dateTriggers in any case.
func mayHoldDate(s string) bool {
	lower := strings.ToLower(s)
	for _, t := range dateTriggers {
		if strings.Contains(lower, t) {
			return true
		}
	}
	return false
}

// dateWord is a word of a sentence as ResolveDates reads it: a run of letters and digits, in lower
// case, and the byte offset after it.
type dateWord struct {
	lower string
	end   int
}

// dateWords cuts s into words: maximal runs of letters and digits; an apostrophe inside a run
// ("week's") keeps it one word, so that a possessive matches no phrase.
func dateWords(s string) []dateWord {
	var ws []dateWord
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) || (isApostrophe(r) && j+size < len(s) && isLetterAt(s, j+size)) {
				j += size
				continue
			}
			break
		}
		ws = append(ws, dateWord{lower: strings.ToLower(s[i:j]), end: j})
		i = j
	}
	return ws
}

func isLetterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// weekdays maps the names of the days of the week to their time.Weekday.
var weekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// spanCounts maps the number words a span ago may start with to their value.
var spanCounts = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
}

// matchDate matches a date phrase at the start of ws and returns how many words it spans and the
// absolute date it names, or 0 when none starts there.
func matchDate(ws []dateWord, at time.Time) (int, string) {
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, at.Location())
	word := func(i int) string {
		if i < len(ws) {
			return ws[i].lower
		}
		return ""
	}
	switch w := word(0); w {
	case "today", "tonight":
		return 1, formatDay(day)
	case "yesterday":
		return 1, formatDay(day.AddDate(0, 0, -1))
	case "tomorrow":
		return 1, formatDay(day.AddDate(0, 0, 1))
	case "this", "last", "past", "next":
		n, rel := 1, w
		if w == "this" && word(1) == "past" {
			n, rel = 2, "last"
		} else if w == "past" {
			rel = "last"
		}
		unit := word(n)
		if wd, ok := weekdays[unit]; ok {
			switch rel {
			case "last":
				back := (int(day.Weekday()) - int(wd) + 7) % 7
				if back == 0 {
					back = 7
				}
				return n + 1, formatDay(day.AddDate(0, 0, -back))
			case "next":
				ahead := (int(wd) - int(day.Weekday()) + 7) % 7
				if ahead == 0 {
					ahead = 7
				}
				return n + 1, formatDay(day.AddDate(0, 0, ahead))
			}
			return 0, ""
		}
		shift := map[string]int{"last": -1, "this": 0, "next": 1}[rel]
		switch unit {
		case "morning", "afternoon", "evening":
			if w == "this" && n == 1 {
				return 2, formatDay(day)
			}
		case "night":
			if w == "last" {
				return 2, formatDay(day.AddDate(0, 0, -1))
			}
		case "week":
			if w != "past" {
				return n + 1, "the week of " + formatDay(monday(day).AddDate(0, 0, 7*shift))
			}
		case "weekend":
			if w != "past" {
				return n + 1, formatWeekend(monday(day).AddDate(0, 0, 7*shift+5))
			}
		case "month":
			if w != "past" {
				return n + 1, formatMonth(time.Date(day.Year(), day.Month()+time.Month(shift), 1, 0, 0, 0, 0, day.Location()))
			}
		case "year":
			if w != "past" {
				return n + 1, strconv.Itoa(day.Year() + shift)
			}
		}
		return 0, ""
	}
	count, ok := spanCounts[word(0)]
	if !ok {
		c, err := strconv.Atoi(word(0))
		if err != nil || c < 1 || c > 100 {
			return 0, ""
		}
		count = c
	}
	if word(2) != "ago" {
		return 0, ""
	}
	switch word(1) {
	case "day", "days":
		return 3, formatDay(day.AddDate(0, 0, -count))
	case "week", "weeks":
		return 3, "the week of " + formatDay(monday(day.AddDate(0, 0, -7*count)))
	case "month", "months":
		return 3, formatMonth(time.Date(day.Year(), day.Month()-time.Month(count), 1, 0, 0, 0, 0, day.Location()))
	case "year", "years":
		return 3, strconv.Itoa(day.Year() - count)
	}
	return 0, ""
}

// monday returns the Monday of day's week (weeks start on Monday).
func monday(day time.Time) time.Time {
	return day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
}

// formatDay writes a day as "7 May 2023".
func formatDay(t time.Time) string { return t.Format("2 January 2006") }

// formatMonth writes a month as "April 2023".
func formatMonth(t time.Time) string { return t.Format("January 2006") }

// formatWeekend writes the weekend starting on Saturday sat: "6-7 May 2023", "29 April-30 April
// 2023" across months, and "30-31 December 2023" or "31 December 2023-1 January 2024" at a year's
// end.
func formatWeekend(sat time.Time) string {
	sun := sat.AddDate(0, 0, 1)
	switch {
	case sat.Year() != sun.Year():
		return formatDay(sat) + "-" + formatDay(sun)
	case sat.Month() != sun.Month():
		return sat.Format("2 January") + "-" + formatDay(sun)
	}
	return strconv.Itoa(sat.Day()) + "-" + formatDay(sun)
}
