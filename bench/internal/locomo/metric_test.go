package locomo

import (
	"testing"
	"time"
)

func TestScoreRanking(t *testing.T) {
	t.Parallel()
	ranked := [][]string{{"D1:1"}, {"D1:2", "D1:1"}, {"D2:5"}, nil, {"D1:1"}, {"D3:3"}}
	s := ScoreRanking([]string{"D2:5", "D3:3"}, ranked)
	wantRecall := map[int]float64{1: 0, 5: 0.5, 10: 1, 20: 1}
	for k, want := range wantRecall {
		if s.Recall[k] != want {
			t.Errorf("R@%d = %v, want %v", k, s.Recall[k], want)
		}
	}
	if s.Hit[5] != 1 || s.Hit[10] != 1 {
		t.Errorf("H@5, H@10 = %v, %v; want 1, 1", s.Hit[5], s.Hit[10])
	}
	if s.Cover[5] != 3 || s.Cover[10] != 4 {
		t.Errorf("turns@5, turns@10 = %v, %v; want 3, 4 (repeats counted once)", s.Cover[5], s.Cover[10])
	}
	if len(s.Missed) != 0 {
		t.Errorf("missed %v, want none", s.Missed)
	}
	if s := ScoreRanking([]string{"D9:9"}, ranked); s.Recall[20] != 0 || s.Hit[10] != 0 || len(s.Missed) != 1 {
		t.Errorf("unfound evidence scored %+v", s)
	}
}

func TestParseSessionTime(t *testing.T) {
	t.Parallel()
	got, err := ParseSessionTime("1:56 pm on 8 May, 2023")
	if want := time.Date(2023, 5, 8, 13, 56, 0, 0, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("ParseSessionTime = %v, %v; want %v", got, err, want)
	}
	if got, err := ParseSessionTime("12:24 am on 7 April, 2023"); err != nil || got.Hour() != 0 {
		t.Errorf("ParseSessionTime(12:24 am) = %v, %v; want hour 0", got, err)
	}
}
