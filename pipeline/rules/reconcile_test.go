package rules_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/pipeline/rules"
)

// pairCase is a fact and one related memory of the scope of user, and what the fact does to it.
type pairCase struct {
	memory, user, fact string
	op                 pipeline.Op
	reason             string // what the reason starts with
}

var (
	noop      = pipeline.OpNoop
	update    = pipeline.OpUpdate
	supersede = pipeline.OpSupersede
	add       = pipeline.OpAdd
)

var pairCases = []pairCase{
	// numbers that name things, not count or date them: different things, not contradictions
	{"Good fact 1.", "bob", "Good fact 2.", add, "another thing named"},
	{"User 17 prefers tea in the morning.", "user-017", "User 67 prefers coffee in the morning.", add, "another subject"},
	{"I have 2 dogs and 3 cats.", "bob", "I have 3 dogs and 2 cats.", supersede, "number differs"},
	{"Disk fact 1 of writer 9 is kept on a small disk.", "bob", "Disk fact 9 of writer 1 is kept on a small disk.", add, "another thing named"},
	{"Room 12 is free on Fridays.", "bob", "Room 14 is free on Fridays.", add, "another subject"},
	{"Crash fact 3.1 of child ab12 is here.", "bob", "Crash fact 4.1 of child ab12 is here.", add, "another thing named"},
	{"Version 1.26 of Go is installed.", "bob", "Version 1.27 of Go is installed.", add, "another subject"},
	{"Ledger line 500 balances account 1500.", "bob", "Ledger line 501 balances account 1503.", add, "another thing named"},
	{"Fact 9.10 of the report is true.", "bob", "Fact 9.1 of the report is true.", add, "another thing named"},
	// exact repeats, case, punctuation and spacing
	{"I run marathons.", "bob", "I run marathons.", noop, "same statement"},
	{"I run marathons.", "bob", "i RUN marathons!!", noop, "same statement"},
	{"I  run\tmarathons", "bob", "I run marathons.", noop, "same statement"},
	{"Yes.", "bob", "yes!", noop, "same statement"},
	// a speaker prefix on one side only
	{"Bob: I run marathons.", "bob", "I run marathons.", noop, "same statement"},
	{"I run marathons.", "Bob", "bob: I run marathons.", noop, "same statement"},
	{"User: I like tea.", "", "I like tea.", noop, "same statement"},
	{"Alice: I run marathons.", "bob", "I run marathons.", add, "another speaker"},
	{"I run marathons.", "bob", "Alice: I run marathons.", add, "another speaker"},
	{"Caroline: I'm married.", "caroline", "Melanie: I'm divorced.", add, "another speaker"},
	{"Bob lives in Paris.", "bob", "I live in Paris.", noop, "near duplicate 1.00"},
	// the same words about different people
	{"Alice lives in Paris.", "bob", "Bob lives in Paris.", add, "another subject"},
	{"My sister lives in Paris.", "bob", "I live in Paris.", add, "another subject"},
	{"I have 2 cats.", "bob", "My sister has 3 cats.", add, "another subject"},
	// negation on either side
	{"I like tea.", "bob", "I don't like tea.", supersede, "negation differs"},
	{"I don't like tea.", "bob", "I like tea.", supersede, "negation differs"},
	{"I never eat meat.", "bob", "I eat meat.", supersede, "negation differs"},
	{"I used to live in Paris.", "bob", "I live in Paris.", supersede, "negation differs"},
	{"I live in Paris.", "bob", "I got used to living in Paris.", update, "adds details"},
	{"No, I live in Paris.", "bob", "I live in Paris.", noop, "near duplicate 1.00"},
	{"I like tea.", "bob", "I don't like hiking.", add, "new statement"},
	// numbers and dates that differ, or agree in other spellings
	{"I have 2 cats.", "bob", "I have 3 cats.", supersede, "number differs: 2 -> 3"},
	{"I have two cats.", "bob", "I have 2 cats.", noop, "near duplicate 1.00"},
	{"The meeting is on Monday.", "bob", "The meeting is on Tuesday.", supersede, "date differs: monday -> tuesday"},
	{"I am 30 years old.", "bob", "I am 31 years old.", supersede, "number differs: 30 -> 31"},
	{"I'm 30.", "bob", "I'm 31.", supersede, "number differs: 30 -> 31"},
	{"My flight leaves at 10:30.", "bob", "My flight leaves at 11:30.", supersede, "number differs: 10 -> 11"},
	{"My rent is $1,200.", "bob", "My rent is $1200.00.", noop, "near duplicate 1.00"},
	// refinements with new details
	{"I run marathons.", "bob", "I run marathons every spring in Boston.", update, "adds details"},
	{"I work at Google.", "bob", "I work at Google as a software engineer.", update, "adds details"},
	{"I live in Paris.", "bob", "I live in Paris with my wife and two kids.", update, "adds details"},
	{"I ran 3 marathons in 2023.", "bob", "I ran 3 marathons in 2023 and one in 2024.", update, "adds details"},
	{"I run marathons every spring in Boston.", "bob", "I run marathons.", noop, "known in more detail"},
	// refinements that are really contradictions
	{"I like tea.", "bob", "I don't like tea anymore.", supersede, "negation differs"},
	{"I have 2 cats.", "bob", "I have 3 cats and a dog.", supersede, "number differs: 2 -> 3"},
	{"My favourite colour is blue.", "bob", "My favourite colour is green, not blue.", supersede, "negation differs"},
	{"I live in Paris.", "bob", "I live in Berlin, not in Paris.", supersede, "negation differs"},
	// one value at a time
	{"I live in Paris.", "bob", "I moved to Berlin.", supersede, "residence changed"},
	{"I live in Paris with my two cats.", "bob", "I moved to Berlin.", supersede, "residence changed"},
	{"I live in Paris.", "bob", "I live in Berlin.", supersede, "residence changed"},
	{"I work at Google.", "bob", "I work for Meta now.", supersede, "employer changed"},
	{"I'm married.", "bob", "I got divorced last year.", supersede, "relationship status changed"},
	{"I'm single.", "bob", "I'm dating Sam.", supersede, "relationship status changed"},
	{"My name is Caroline.", "bob", "My name is Carol.", supersede, "name changed"},
	{"My favourite colour is blue.", "bob", "My favourite colour is green.", supersede, "favourite colour changed"},
	{"I'm vegetarian.", "bob", "I'm vegan now.", supersede, "diet changed"},
	{"I'm 30 years old.", "bob", "I turned 31 last week.", supersede, "age changed"},
	{"I'm married to Alex.", "bob", "I'm married to Sam.", supersede, "relationship status changed"},
	{"I live in New York.", "bob", "I live in New Jersey.", supersede, "residence changed"},
	{"I live in Paris.", "bob", "Last year I moved to Berlin.", supersede, "residence changed"},
	{"My sister lives in Paris.", "bob", "My sister moved to Rome.", supersede, "residence changed"},
	{"I study at MIT.", "bob", "I study at Stanford.", supersede, "school changed"},
	{"I live in Paris, France.", "bob", "I live in Paris.", noop, "known in more detail"},
	{"I'm engaged.", "bob", "I'm engaged to Sam.", update, "adds details"},
	// preferences that coexist, and unrelated facts that share words
	{"I like tea.", "bob", "I like coffee.", add, "new statement"},
	{"I love hiking.", "bob", "I love swimming.", add, "new statement"},
	{"I like my job.", "bob", "I like hiking.", add, "new statement"},
	{"I play guitar.", "bob", "I play the piano.", add, "new statement"},
	{"My favourite colour is blue.", "bob", "My favourite food is pizza.", add, "new statement"},
	{"I went to the park with my dog.", "bob", "I went to the store.", add, "new statement"},
	{"The meeting is on Monday.", "bob", "I have a meeting with my boss.", add, "another subject"},
	{"Tea.", "bob", "Coffee.", add, "another subject"},
	// non-English text
	{"Je vis à Paris.", "bob", "je vis à paris", noop, "same statement"},
	{"Je vis à Paris.", "bob", "Je vis à Lyon.", add, "new statement"},
	{"我喜欢茶。", "bob", "我喜欢茶", noop, "same statement"},
	{"我喜欢茶", "bob", "我喜欢绿茶", update, "adds details"},
	// Known limits, pinned so that a change to them is seen (see the Reconciler's documentation).
	// Russian negation ("не") is not read: the fact looks like a refinement.
	{"Мне нравится чай.", "bob", "Мне не нравится чай.", update, "adds details"},
	// Events are not told from states: both hikes happened.
	{"I went hiking on Monday.", "bob", "I went hiking on Friday.", supersede, "date differs: monday -> friday"},
	// "joined" claims an employer.
	{"I work at Google.", "bob", "I joined a book club.", supersede, "employer changed"},
	// A less specific fact is taken as known, though the memory restricts it.
	{"I have 2 dogs and 3 cats.", "bob", "I have 3 cats.", noop, "known in more detail"},
	// Different words for one event are different statements.
	{"I have never been to Japan.", "bob", "I went to Japan last year.", add, "new statement"},
}

func reconcile(t *testing.T, r rules.Reconciler, req pipeline.ReconcileRequest) []pipeline.Decision {
	t.Helper()
	ds, err := r.Reconcile(context.Background(), req)
	if err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
	if len(ds) != len(req.Facts) {
		t.Fatalf("%d decisions for %d facts", len(ds), len(req.Facts))
	}
	return ds
}

func candidate(fact string, related ...string) pipeline.Candidate {
	c := pipeline.Candidate{Fact: memory.Fact{Content: fact}}
	for i, content := range related {
		c.Related = append(c.Related, memory.Memory{ID: fmt.Sprintf("m%d", i+1), Content: content, Version: 1})
	}
	return c
}

func TestReconcilerPairs(t *testing.T) {
	t.Parallel()
	for _, c := range pairCases {
		req := pipeline.ReconcileRequest{Group: "g", UserID: c.user, Facts: []pipeline.Candidate{candidate(c.fact, c.memory)}}
		d := reconcile(t, rules.Reconciler{}, req)[0]
		target, content := "m1", ""
		switch c.op {
		case add:
			target = ""
		case update:
			content = c.fact
		}
		if d.Op != c.op || d.Target != target || d.Content != content || !strings.HasPrefix(d.Reason, c.reason) {
			t.Errorf("memory %q, fact %q (user %q):\n got %+v\nwant {Op:%s Target:%s Content:%s Reason:%s...}",
				c.memory, c.fact, c.user, d, c.op, target, content, c.reason)
		}
	}
}

func TestReconcilerPrecedence(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		cand pipeline.Candidate
		want pipeline.Decision
	}{
		{"noop over update and add",
			candidate("I run marathons every spring in Boston.", "I like tea.", "I run marathons.", "I live in Paris.", "I run marathons every spring in Boston!"),
			pipeline.Decision{Op: noop, Target: "m4", Reason: "same statement"}},
		{"update over supersede",
			candidate("I live in Berlin with my wife.", "I live in Paris.", "I live in Berlin."),
			pipeline.Decision{Op: update, Target: "m2", Content: "I live in Berlin with my wife.", Reason: "adds details"}},
		{"supersede over add",
			candidate("I have 3 cats.", "Alice has 3 cats.", "I like cats.", "I have 2 cats."),
			pipeline.Decision{Op: supersede, Target: "m3", Reason: "number differs: 2 -> 3"}},
		{"the most related of two noops",
			candidate("I run marathons.", "I like tea.", "i run marathons!", "I run marathons."),
			pipeline.Decision{Op: noop, Target: "m2", Reason: "same statement"}},
		{"the most related of two supersedes",
			candidate("I moved to Berlin.", "I live in Paris.", "I live in Rome."),
			pipeline.Decision{Op: supersede, Target: "m1", Reason: "residence changed"}},
		{"add keeps the first reason",
			candidate("I like coffee.", "Alice: I like coffee.", "I like tea."),
			pipeline.Decision{Op: add, Reason: "another speaker"}},
		{"nothing related", candidate("I like coffee."), pipeline.Decision{Op: add, Reason: "nothing related"}},
	} {
		got := reconcile(t, rules.Reconciler{}, pipeline.ReconcileRequest{UserID: "bob", Facts: []pipeline.Candidate{c.cand}})[0]
		if got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
		}
	}
}

// batch is a request of many facts, each with the memories of all the pair cases as related.
func batch() pipeline.ReconcileRequest {
	var related []string
	for _, c := range pairCases {
		related = append(related, c.memory)
	}
	req := pipeline.ReconcileRequest{Group: "g", UserID: "bob"}
	for i, c := range pairCases {
		req.Facts = append(req.Facts, candidate(c.fact, related[i:min(len(related), i+pipeline.RelatedLimit)]...))
	}
	return req
}

func TestReconcilerDeterministic(t *testing.T) {
	t.Parallel()
	req := batch()
	want := reconcile(t, rules.Reconciler{}, req)
	// One fact at a time, and concurrently: each decision depends on its own candidate only.
	var wg sync.WaitGroup
	for i := range req.Facts {
		wg.Go(func() {
			one := req
			one.Facts = req.Facts[i : i+1]
			got, err := rules.Reconciler{}.Reconcile(context.Background(), one)
			if err != nil || len(got) != 1 || got[0] != want[i] {
				t.Errorf("fact %d alone: %+v, %v; in the batch %+v", i, got, err, want[i])
			}
		})
	}
	wg.Wait()
	if again := reconcile(t, rules.Reconciler{}, req); !reflect.DeepEqual(again, want) {
		t.Errorf("not deterministic:\n%+v\n%+v", want, again)
	}
}

func TestReconcilerContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if ds, err := (rules.Reconciler{}).Reconcile(ctx, batch()); !errors.Is(err, context.Canceled) || ds != nil {
		t.Errorf("canceled: %v, %v", ds, err)
	}
	if ds, err := (rules.Reconciler{}).Reconcile(ctx, pipeline.ReconcileRequest{}); !errors.Is(err, context.Canceled) || ds != nil {
		t.Errorf("canceled, no facts: %v, %v", ds, err)
	}
}

func TestReconcilerEmpty(t *testing.T) {
	t.Parallel()
	if ds := reconcile(t, rules.Reconciler{}, pipeline.ReconcileRequest{}); len(ds) != 0 {
		t.Errorf("no facts: %+v", ds)
	}
	req := pipeline.ReconcileRequest{UserID: "bob", Facts: []pipeline.Candidate{candidate("I like tea."), candidate(""), candidate("", "")}}
	want := []pipeline.Decision{
		{Op: add, Reason: "nothing related"},
		{Op: add, Reason: "nothing related"},
		{Op: noop, Target: "m1", Reason: "same statement"},
	}
	if ds := reconcile(t, rules.Reconciler{}, req); !reflect.DeepEqual(ds, want) {
		t.Errorf("empty related:\n got %+v\nwant %+v", ds, want)
	}
}

func TestReconcilerNearDuplicate(t *testing.T) {
	t.Parallel()
	// 8 keys against 7: Jaccard 7/8 = 0.875. The fact is a refinement below it.
	mem := "I run long marathons every spring in Boston with friends."
	fact := "I run long marathons every spring in Boston with old friends."
	for _, c := range []struct {
		threshold float64
		op        pipeline.Op
		reason    string
	}{
		{0, noop, "near duplicate 0.88"},
		{0.9, update, "adds details"},
	} {
		req := pipeline.ReconcileRequest{UserID: "bob", Facts: []pipeline.Candidate{candidate(fact, mem)}}
		d := reconcile(t, rules.Reconciler{NearDuplicate: c.threshold}, req)[0]
		if d.Op != c.op || d.Reason != c.reason {
			t.Errorf("threshold %v: %+v; want %s %q", c.threshold, d, c.op, c.reason)
		}
	}
}

func FuzzReconciler(f *testing.F) {
	for _, c := range pairCases[:10] {
		f.Add(c.memory, c.fact, c.user)
	}
	f.Add("I'm 30 years old.", "Bob: twenty-five years old, not married \xff", "bob")
	f.Fuzz(func(t *testing.T, mem, fact, user string) {
		req := pipeline.ReconcileRequest{UserID: user, Facts: []pipeline.Candidate{candidate(fact, mem, fact)}}
		ds, err := rules.Reconciler{}.Reconcile(context.Background(), req)
		if err != nil || len(ds) != 1 {
			t.Fatalf("%+v, %v", ds, err)
		}
		// The fact itself is related: it is a repeat, of it or of the memory.
		if d := ds[0]; d.Op != noop || (d.Target != "m1" && d.Target != "m2") {
			t.Fatalf("memory %q, fact %q: %+v", mem, fact, d)
		}
	})
}

func ExampleReconciler() {
	req := pipeline.ReconcileRequest{Group: "g", UserID: "caroline", Facts: []pipeline.Candidate{
		candidate("Caroline: I moved to Berlin.", "I live in Paris."),
		candidate("I don't like tea.", "Caroline: I like tea."),
		candidate("I run marathons every spring.", "I run marathons."),
		candidate("Melanie: I run marathons.", "I run marathons."),
	}}
	ds, err := rules.Reconciler{}.Reconcile(context.Background(), req)
	if err != nil {
		panic(err)
	}
	for i, d := range ds {
		fmt.Printf("%-30q %-9s %-2s %s\n", req.Facts[i].Fact.Content, d.Op, d.Target, d.Reason)
	}
	// Output:
	// "Caroline: I moved to Berlin." supersede m1 residence changed
	// "I don't like tea."            supersede m1 negation differs
	// "I run marathons every spring." update    m1 adds details
	// "Melanie: I run marathons."    add          another speaker
}

func BenchmarkReconciler(b *testing.B) {
	req := batch()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (rules.Reconciler{}).Reconcile(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// TestReconcilerLinear compares statements that would take minutes with a quadratic algorithm.
func TestReconcilerLinear(t *testing.T) {
	t.Parallel()
	const n = 50_000
	var words strings.Builder
	for i := range n {
		fmt.Fprintf(&words, "w%d ", i)
	}
	for _, fact := range []string{
		"I live in " + words.String(),
		"My favourite " + strings.Repeat("colour is ", n),
		strings.Repeat("I'm 30 years old and ", n),
		strings.Repeat("no, ", n),
	} {
		req := pipeline.ReconcileRequest{UserID: "bob", Facts: []pipeline.Candidate{candidate(fact, fact+" x", "I live in Paris.")}}
		reconcile(t, rules.Reconciler{}, req)
	}
}

// TestReconcilerKeys: statements of one subject in one family share a key though they share no
// word; other subjects and families have other keys.
func TestReconcilerKeys(t *testing.T) {
	t.Parallel()
	r := rules.Reconciler{}
	for content, want := range map[string]string{
		"I live in Paris with my two cats.":    "[residence/i]",
		"Last year I moved to Berlin.":         "[residence/i]",
		"Bob: I moved to Berlin.":              "[residence/i]",
		"My sister lives in Rome.":             "[residence/my sister]",
		"I work at Google and live in Zurich.": "[residence/i employer/i]",
		"My favourite colour is green.":        "[favourite colour/my favourit]",
		"I like tea.":                          "[]",
		"":                                     "[]",
	} {
		if got := fmt.Sprint(r.Keys(content)); got != want {
			t.Errorf("Keys(%q) = %s, want %s", content, got, want)
		}
	}
	ipf := pipeline.IndexTerms(r)
	if got := ipf("I moved to Berlin."); fmt.Sprintf("%q", got) != `["move" "berlin" "\x00residence/i"]` {
		t.Errorf("IndexTerms = %q", got)
	}
	if got := pipeline.IndexTerms(nil)("I moved to Berlin."); fmt.Sprintf("%q", got) != `["move" "berlin"]` {
		t.Errorf("IndexTerms without a Keyer = %q", got)
	}
}
