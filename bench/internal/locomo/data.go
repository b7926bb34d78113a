// Package locomo reads the LoCoMo dev split (../shared/eval/locomo-dev) and scores rankings of its
// turns by the metric of its README: what bench/locomo (mnemo's memories through Memories.Search)
// and bench/embedcompare (embedders over raw turns) share, with the README's BM25 baseline.
package locomo

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Conversation is one line of conversations.jsonl.
type Conversation struct {
	ID       string    `json:"conv_id"`
	Speakers []string  `json:"speakers"`
	Sessions []Session `json:"sessions"`
}

// Session is one sitting of a Conversation; its turns carry no time of their own.
type Session struct {
	Number   int    `json:"Session"`
	DateTime string `json:"date_time"`
	Turns    []Turn `json:"turns"`
}

// Turn is one message; Text already holds an image's caption ("[shares ...]").
type Turn struct {
	DiaID   string `json:"dia_id"`
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

// Question is one line of questions.jsonl.
type Question struct {
	ConvID   string   `json:"conv_id"`
	QID      string   `json:"qid"`
	Question string   `json:"Question"`
	Answer   any      `json:"answer"`
	Evidence []string `json:"evidence"`
	Category int      `json:"category"`
}

// sessionLayout is how the data writes a session's time: "1:56 pm on 8 May, 2023".
const sessionLayout = "3:04 pm on 2 January, 2006"

// ParseSessionTime reads a session's date_time, in UTC.
func ParseSessionTime(s string) (time.Time, error) {
	return time.ParseInLocation(sessionLayout, s, time.UTC)
}

// Load reads the conversations and questions of the data folder dir.
func Load(dir string) ([]Conversation, []Question, error) {
	var convs []Conversation
	if err := readJSONL(filepath.Join(dir, "conversations.jsonl"), func(b []byte) error {
		var c Conversation
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		convs = append(convs, c)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var qs []Question
	if err := readJSONL(filepath.Join(dir, "questions.jsonl"), func(b []byte) error {
		var q Question
		if err := json.Unmarshal(b, &q); err != nil {
			return err
		}
		qs = append(qs, q)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	return convs, qs, nil
}

// readJSONL calls each with every non-empty line of the file at path.
func readJSONL(path string, each func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		if err := each(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
	return sc.Err()
}

// Turns returns a conversation's turns as documents, in order: their dia_ids, and their texts with
// the speaker's name prepended ("Caroline: I went to ..."), as the README's best baseline reads them.
func Turns(c Conversation) (ids, docs []string) {
	for _, s := range c.Sessions {
		for _, t := range s.Turns {
			ids = append(ids, t.DiaID)
			docs = append(docs, t.Speaker+": "+t.Text)
		}
	}
	return ids, docs
}
