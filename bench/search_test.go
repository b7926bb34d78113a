package bench

import (
	"context"
	"testing"
	"time"

	"github.com/mnemohq/mnemo/pipeline"
)

func TestMakeSearchDocs(t *testing.T) {
	docs := MakeSearchDocs(5_000)
	seen := map[string]bool{}
	for _, d := range docs {
		k := wordsOnly(d)
		if seen[k] {
			t.Fatalf("%q repeats an earlier sentence but for its numbers", d)
		}
		seen[k] = true
	}
	if again := MakeSearchDocs(5_000); again[4_999] != docs[4_999] {
		t.Fatal("MakeSearchDocs is not deterministic")
	}
}

func TestMakeSearchQueries(t *testing.T) {
	qs := MakeSearchQueries(SearchQueryCount)
	seen := map[string]bool{}
	for _, q := range qs {
		if q == "" || seen[q] {
			t.Fatalf("query %q empty or repeated", q)
		}
		seen[q] = true
	}
}

func TestAddAll(t *testing.T) {
	ds, err := AddAll{}.Reconcile(context.Background(), pipeline.ReconcileRequest{Facts: make([]pipeline.Candidate, 3)})
	if err != nil || len(ds) != 3 {
		t.Fatalf("got %v, %v", ds, err)
	}
	for _, d := range ds {
		if d.Op != pipeline.OpAdd {
			t.Fatalf("decision %v, want add", d)
		}
	}
}

func TestPercentile(t *testing.T) {
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(100 - i)
	}
	if p := Percentile(ds, 50); p != 50 {
		t.Fatalf("p50 = %d", p)
	}
	if p := Percentile(ds, 99); p != 99 {
		t.Fatalf("p99 = %d", p)
	}
	if ds[0] != 100 {
		t.Fatal("Percentile changed its argument")
	}
}
