package analysis_test

import (
	"testing"

	"github.com/mnemohq/mnemo/internal/analysis"
)

func TestSplitSpeaker(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, speaker, body string }{
		{"Caroline: I went to a support group yesterday.", "Caroline", "I went to a support group yesterday."},
		{"caroline: My kids love Dr. Seuss...", "caroline", "My kids love Dr. Seuss..."},
		{"Mary Ann Smith: Hi there.", "Mary Ann Smith", "Hi there."},
		{"Dr. Jones: Take two pills.", "Dr. Jones", "Take two pills."},
		{"O'Brien-Smith: Sure.", "O'Brien-Smith", "Sure."},
		{"u_42: I run.", "u_42", "I run."},
		{"bob@example.com: I run.", "bob@example.com", "I run."},
		{"Zoë:   spaced", "Zoë", "spaced"},
		{"  Ann: leading spaces", "Ann", "leading spaces"},
		{"User: I live in Oslo.", "User", "I live in Oslo."},
		{"Caroline: weather: 21°C in Lisbon", "Caroline", "weather: 21°C in Lisbon"},
		{"卡罗琳: 我很好", "卡罗琳", "我很好"},
		// no speaker
		{"I went to a support group yesterday.", "", "I went to a support group yesterday."},
		{"Note: buy milk.", "", "Note: buy milk."},
		{"NB: call mom.", "", "NB: call mom."},
		{"Q: what is it?", "", "Q: what is it?"},
		{"Fun fact: I can juggle.", "", "Fun fact: I can juggle."},
		{"My goal: run a marathon.", "", "My goal: run a marathon."},
		{"The plan: leave early.", "", "The plan: leave early."},
		{"We meet at 10:30 tomorrow.", "", "We meet at 10:30 tomorrow."},
		{"10:30: standup", "", "10:30: standup"},
		{"12: 30 people", "", "12: 30 people"},
		{"http://example.com: great site", "", "http://example.com: great site"},
		{"See https://example.com/a: great", "", "See https://example.com/a: great"},
		{"Four words are here: no", "", "Four words are here: no"},
		{"Ann:no space", "", "Ann:no space"},
		{"Ann:", "", "Ann:"},
		{": empty name", "", ": empty name"},
		{"Ann  Lee: two spaces", "", "Ann  Lee: two spaces"},
		{"Ann, Lee: comma", "", "Ann, Lee: comma"},
		{"", "", ""},
	} {
		speaker, body := analysis.SplitSpeaker(c.in)
		if speaker != c.speaker || body != c.body {
			t.Errorf("SplitSpeaker(%q) = %q, %q; want %q, %q", c.in, speaker, body, c.speaker, c.body)
		}
	}
}
