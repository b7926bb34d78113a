package mnemo_test

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestLimitCountsEveryByte adds inputs whose contents are small but whose other fields are large:
// MaxInputBytes must count every byte an add stores, not only the contents. A user reported an add of
// 100,000 messages with 1 KiB IDs and 2-byte contents (about 100 MB) being accepted under the 16 MiB
// limit, and a file growing by that much per add.
func TestLimitCountsEveryByte(t *testing.T) {
	t.Parallel()
	// One worker, kept busy by a run whose extraction never ends: an add wrongly accepted stays
	// queued instead of costing the test its extraction.
	g := newGate()
	eng, _ := setup(t, &mnemo.Options{Workers: 1, Extractor: g, ShutdownTimeout: 1})
	blocker := add(t, eng, mnemo.Text("The only worker holds this run."), nil)
	<-g.entered

	// 100,000 messages (MaxInputParts) with distinct 1 KiB IDs (MaxFieldBytes) and 2-byte contents.
	const n = mnemo.MaxInputParts
	idBytes := make([]byte, n*mnemo.MaxFieldBytes)
	for i := range idBytes {
		idBytes[i] = 'i'
	}
	for i := range n {
		copy(idBytes[i*mnemo.MaxFieldBytes:], fmt.Sprintf("%d-", i))
	}
	ids := string(idBytes)
	msgs := make([]mnemo.Message, n)
	for i := range msgs {
		msgs[i] = mnemo.Message{ID: ids[i*mnemo.MaxFieldBytes : (i+1)*mnemo.MaxFieldBytes], Role: mnemo.RoleUser, Content: "ok"}
	}

	// 20,000 items of 1 byte each, with 1 KiB topics.
	topic := strings.Repeat("t", mnemo.MaxFieldBytes)
	items := make([]mnemo.Item, 20_000)
	for i := range items {
		items[i] = mnemo.Item{Content: "x", Topic: topic}
	}

	// A text 1000 bytes under the limit, and labels that add 2,300 bytes more.
	label := func(c string, n int) string { return strings.Repeat(c, n) }
	labels := &mnemo.AddOptions{
		UserID: label("u", 500), Group: label("g", 500), DocumentID: label("d", 500),
		Properties: map[string]string{"conversation_id": label("p", 400)},
		Metadata:   map[string]string{"origin": label("m", 400)},
	}
	text := label("a", mnemo.MaxInputBytes-1000)

	for _, c := range []struct {
		name  string
		in    mnemo.Input
		opts  *mnemo.AddOptions
		field string
	}{
		{"100,000 messages with 1 KiB IDs and 2-byte contents (about 100 MB)", mnemo.Conversation(msgs...), nil, "messages"},
		{"20,000 one-byte items with 1 KiB topics (about 20 MB)", mnemo.PreExtracted(items...), nil, "items"},
		{"a text 1,000 bytes under the limit with 2,300 bytes of user, group, document ID, properties and metadata", mnemo.Text(text), labels, "contents"},
	} {
		run, err := eng.Memories.Add(ctxT(t), c.in, c.opts)
		var fe *mnemo.FieldError
		switch {
		case err == nil:
			t.Errorf("%s: Add accepted it as run %s; want a FieldError on %q: the add is over MaxInputBytes (%d)", c.name, run.ID, c.field, mnemo.MaxInputBytes)
		case !errors.Is(err, mnemo.ErrInvalidInput) || !errors.As(err, &fe):
			t.Errorf("%s: Add: %v; want a FieldError wrapping ErrInvalidInput on %q", c.name, err, c.field)
		case fe.Field != c.field:
			t.Errorf("%s: FieldError on %q (%v); want %q", c.name, fe.Field, err, c.field)
		}
	}
	if runs := listAllRuns(t, eng, mnemo.RunListOptions{}); len(runs) != 1 || runs[0].ID != blocker.ID {
		t.Errorf("the file holds %d runs; want only the one added before the oversized adds", len(runs))
	}
}

// TestMetadataStoredOnce adds 5,000 pre-extracted items with about 60 KiB of metadata: the metadata
// must be stored once for the run, not copied into each of the 5,000 memory records (a user's file
// grew to 331 MB from one such add), while every memory still carries it when read.
func TestMetadataStoredOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: adds 5,000 memories with 60 KiB of metadata each")
	}
	t.Parallel()
	eng, path := setup(t, nil)
	metadata := map[string]string{}
	for i := range 60 {
		metadata[fmt.Sprintf("key%02d", i)] = strings.Repeat(string(rune('a'+i%26)), 1000)
	}
	props := map[string]string{"conversation_id": "conv-1", "channel": strings.Repeat("c", 1000)}
	const n = 5000
	items := make([]mnemo.Item, n)
	for i := range items {
		items[i] = mnemo.Item{Content: fmt.Sprintf("Archived note %d mentions project %d.", i, 7*i), Topic: "notes"}
	}
	run := add(t, eng, mnemo.PreExtracted(items...), &mnemo.AddOptions{UserID: "meta", Metadata: metadata, Properties: props})
	done := wait(t, eng, run.ID)
	if done.Status != mnemo.Completed || done.MemoriesCreated != n {
		t.Fatalf("run ended %s with %d memories (%s); want completed with %d", done.Status, done.MemoriesCreated, done.Error, n)
	}
	carries := func(how string, m *mnemo.Memory) {
		t.Helper()
		if !maps.Equal(m.Metadata, metadata) {
			t.Errorf("%s: memory %s has %d metadata entries, not the add's %d", how, m.ID, len(m.Metadata), len(metadata))
		}
		if !maps.Equal(m.Properties, props) {
			t.Errorf("%s: memory %s has properties %d entries, not the add's", how, m.ID, len(m.Properties))
		}
	}
	for _, i := range []int{0, 1, n / 2, n - 1} {
		m, err := eng.Memories.Get(ctxT(t), done.MemoryIDs[i])
		if err != nil {
			t.Fatal(err)
		}
		carries("Get", m)
	}
	page, err := eng.Memories.List(ctxT(t), &mnemo.ListOptions{UserID: "meta", Properties: map[string]string{"conversation_id": "conv-1"}, Limit: 100})
	if err != nil || len(page.Memories) != 100 || page.Total != n {
		t.Fatalf("List: %d memories of %d (%v); want 100 of %d", len(page.Memories), page.Total, err, n)
	}
	for i := range page.Memories {
		carries("List", &page.Memories[i])
	}
	if err := eng.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= 36<<20 { // 32 MiB before each memory had its 400-byte vector
		t.Errorf("the file is %d MB after one add of %d memories with %d KiB of metadata; want under 36 MiB: the metadata is stored once per memory, not once per run",
			fi.Size()>>20, n, 60)
	}
}

// TestLargeRunCommitsInParts adds a run of 1,050 items to an engine that commits at most 100
// memories per transaction, 10 of whose items the scope holds already: the run must commit in parts
// and end exactly as one transaction would have ended it, every new memory once, in item order, and
// the held ones not twice.
func TestLargeRunCommitsInParts(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, &mnemo.Options{CommitPartSize: 100})
	item := func(i int) mnemo.Item {
		return mnemo.Item{Content: fmt.Sprintf("Ledger line %d balances account %d.", i, 3*i)}
	}
	var held []mnemo.Item
	for i := 500; i < 510; i++ {
		held = append(held, item(i))
	}
	if r := wait(t, eng, add(t, eng, mnemo.PreExtracted(held...), &mnemo.AddOptions{UserID: "parts"}).ID); r.Status != mnemo.Completed {
		t.Fatalf("first run ended %s (%s)", r.Status, r.Error)
	}
	const n = 1050
	items := make([]mnemo.Item, n)
	for i := range items {
		items[i] = item(i)
	}
	done := wait(t, eng, add(t, eng, mnemo.PreExtracted(items...), &mnemo.AddOptions{UserID: "parts"}).ID)
	if done.Status != mnemo.Completed || done.MemoriesCreated != n-len(held) || len(done.CommittedOperations.Created) != n-len(held) {
		t.Fatalf("run ended %s with %d memories created (%s); want completed with %d", done.Status, done.MemoriesCreated, done.Error, n-len(held))
	}
	all, total := listAll(t, eng, mnemo.ListOptions{UserID: "parts"})
	if total != n || len(all) != n {
		t.Fatalf("the scope lists %d memories (total %d); want %d", len(all), total, n)
	}
	seen := map[string]bool{}
	for _, m := range all {
		if seen[m.Content] {
			t.Fatalf("memory %q is listed twice", m.Content)
		}
		seen[m.Content] = true
	}
	// The held memories come first, then the run's in item order.
	for i, m := range all[len(held):] {
		j := i
		if i >= 500 {
			j = i + len(held)
		}
		if want := item(j).Content; m.Content != want {
			t.Fatalf("memory %d of the run is %q; want %q (item order)", i, m.Content, want)
		}
	}
}

// TestHugeSentenceIsReconciledInLinearTime adds a text of 4 MiB with no full stop (one huge fact of
// about 240,000 distinct words), the first MiB of it as another text, and a short fact sharing its
// first words. Indexing is bounded (pipeline.MaxIndexTerms) and a huge statement is compared as a
// whole, so each run completes; before, inserting the huge memory's postings in word order was
// quadratic in bbolt and took minutes.
func TestHugeSentenceIsReconciledInLinearTime(t *testing.T) {
	t.Parallel()
	eng, _ := setup(t, nil)
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for b.Len() < 4<<20 {
		fmt.Fprintf(&b, "w%x ", rng.Uint64())
	}
	huge := b.String()
	for i, text := range []string{huge, huge[:1<<20] + " again", huge[:100] + "."} {
		r := wait(t, eng, add(t, eng, mnemo.Text(text), nil).ID)
		if r.Status != mnemo.Completed || r.MemoriesCreated != 1 {
			t.Fatalf("text %d (%d bytes): %+v", i, len(text), r)
		}
	}
	again := wait(t, eng, add(t, eng, mnemo.Text(huge), nil).ID)
	if again.Status != mnemo.Completed || again.CommittedOperations.Len() != 0 {
		t.Fatalf("the huge text again: %+v", again)
	}
}
