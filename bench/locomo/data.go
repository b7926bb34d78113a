package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// conversation is one line of conversations.jsonl.
type conversation struct {
	ID       string    `json:"conv_id"`
	Speakers []string  `json:"speakers"`
	Sessions []session `json:"sessions"`
}

// session is one sitting of a conversation; its turns carry no time of their own.
type session struct {
	Number   int    `json:"session"`
	DateTime string `json:"date_time"`
	Turns    []turn `json:"turns"`
}

// turn is one message; Text already holds an image's caption ("[shares ...]").
type turn struct {
	DiaID   string `json:"dia_id"`
	Speaker string `json:"speaker"`
	Text    string `json:"text"`
}

// question is one line of questions.jsonl.
type question struct {
	ConvID   string   `json:"conv_id"`
	QID      string   `json:"qid"`
	Question string   `json:"question"`
	Answer   any      `json:"answer"`
	Evidence []string `json:"evidence"`
	Category int      `json:"category"`
}

// sessionLayout is how the data writes a session's time: "1:56 pm on 8 May, 2023".
const sessionLayout = "3:04 pm on 2 January, 2006"

// parseSessionTime reads a session's date_time, in UTC.
func parseSessionTime(s string) (time.Time, error) {
	return time.ParseInLocation(sessionLayout, s, time.UTC)
}

// load reads the conversations and questions of the data folder dir.
func load(dir string) ([]conversation, []question, error) {
	var convs []conversation
	if err := readJSONL(filepath.Join(dir, "conversations.jsonl"), func(b []byte) error {
		var c conversation
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		convs = append(convs, c)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	var qs []question
	if err := readJSONL(filepath.Join(dir, "questions.jsonl"), func(b []byte) error {
		var q question
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
