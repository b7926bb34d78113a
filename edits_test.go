package mnemo_test

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/buffer"
	"github.com/mnemohq/mnemo/clock"
)

var editT0 = time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)

// TestUpdateDeleteAndHistory edits a memory as an application would: the history lists every change
// with its contents, its maker (the run, then "api") and the engine clock's times; a deleted memory
// keeps its history, a purged one has none.
func TestUpdateDeleteAndHistory(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(editT0)
	eng, _ := setup(t, &mnemo.Options{Clock: clk})
	ctx := ctxT(t)
	run := wait(t, eng, add(t, eng, mnemo.Text("Alice lives in Lyon.", "Alice plays chess."), &mnemo.AddOptions{UserID: "alice"}).ID)
	id, other := run.MemoryIDs[0], run.MemoryIDs[1]
	clk.Advance(time.Hour)
	m, err := eng.Memories.Update(ctx, id, "Alice lives in Lyon, near the old town.", nil)
	if err != nil || m.Version != 2 || m.Content != "Alice lives in Lyon, near the old town." || !m.UpdatedAt.Equal(editT0.Add(time.Hour)) ||
		!m.CreatedAt.Equal(editT0) || m.ID != id {
		t.Fatalf("Update: %+v, %v", m, err)
	}
	if got, err := eng.Memories.Get(ctx, id); err != nil || got.Content != m.Content || got.Version != 2 {
		t.Fatalf("Get after Update: %+v, %v", got, err)
	}
	if _, err := eng.Memories.Update(ctx, id, "Alice plays chess.", nil); !errors.Is(err, mnemo.ErrConflict) {
		t.Fatalf("Update to another memory's content: %v, want ErrConflict", err)
	}
	if same, err := eng.Memories.Update(ctx, id, "Alice lives in Lyon, near the old town.", nil); err != nil || same.Version != 2 || !same.UpdatedAt.Equal(m.UpdatedAt) {
		t.Fatalf("Update that changes nothing: %+v, %v; want version 2, unchanged", same, err)
	}
	var fe *mnemo.FieldError
	if _, err := eng.Memories.Update(ctx, id, " ", nil); !errors.As(err, &fe) || fe.Field != "content" {
		t.Fatalf("Update to blank content: %v", err)
	}
	if _, err := eng.Memories.Update(ctx, "not-an-id", "x", nil); !errors.As(err, &fe) || fe.Field != "id" {
		t.Fatalf("Update of a malformed ID: %v", err)
	}
	clk.Advance(time.Hour)
	if err := eng.Memories.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.Get(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if _, err := eng.Memories.Update(ctx, id, "too late", nil); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("Update after Delete: %v", err)
	}
	hist, err := eng.Memories.History(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range hist {
		got = append(got, fmt.Sprintf("%s v%d %q->%q by %s at +%v", c.Operation, c.Version, c.OldContent, c.NewContent,
			map[bool]string{true: "run", false: c.RunID}[c.RunID == run.ID], c.At.Sub(editT0)))
	}
	want := []string{
		`create v1 ""->"Alice lives in Lyon." by run at +0s`,
		`update v2 "Alice lives in Lyon."->"Alice lives in Lyon, near the old town." by api at +1h0m0s`,
		`delete v2 "Alice lives in Lyon, near the old town."->"" by api at +2h0m0s`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("history\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if err := eng.Memories.Purge(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.History(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("History after Purge: %v", err)
	}
	if err := eng.Memories.Purge(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("second Purge: %v", err)
	}
	if err := eng.Memories.Purge(ctx, other); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.Get(ctx, other); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("Get after Purge: %v", err)
	}
}

// TestExpiry adds memories that expire in an hour: listed until then, hidden after (readable by ID),
// listed again once an update removes the expiry.
func TestExpiry(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(editT0)
	eng, _ := setup(t, &mnemo.Options{Clock: clk})
	ctx := ctxT(t)
	run := wait(t, eng, add(t, eng, mnemo.Text("A passing fact."), &mnemo.AddOptions{UserID: "u", ExpiresAt: editT0.Add(time.Hour)}).ID)
	wait(t, eng, add(t, eng, mnemo.Text("A lasting fact."), &mnemo.AddOptions{UserID: "u"}).ID)
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "u"}); len(got) != 2 {
		t.Fatalf("before expiry: %q", got)
	}
	clk.Advance(time.Hour)
	page, err := eng.Memories.List(ctx, &mnemo.ListOptions{UserID: "u"})
	if err != nil || page.Total != 1 || len(page.Memories) != 1 || page.Memories[0].Content != "A lasting fact." {
		t.Fatalf("after expiry: %+v, %v", page, err)
	}
	m, err := eng.Memories.Get(ctx, run.MemoryIDs[0])
	if err != nil || !m.ExpiresAt.Equal(editT0.Add(time.Hour)) {
		t.Fatalf("expired memory by ID: %+v, %v", m, err)
	}
	// The expired statement, said again, is a new memory: the expired one does not hold it.
	again := wait(t, eng, add(t, eng, mnemo.Text("A passing fact."), &mnemo.AddOptions{UserID: "u"}).ID)
	if again.MemoriesCreated != 1 || again.MemoryIDs[0] == m.ID {
		t.Fatalf("the expired statement added again: %+v", again)
	}
	if err := eng.Memories.Delete(ctx, again.MemoryIDs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.Memories.Update(ctx, m.ID, "A fact that stays.", &mnemo.UpdateOptions{NoExpiry: true}); err != nil {
		t.Fatal(err)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "u"}); len(got) != 2 {
		t.Fatalf("after removing the expiry: %q", got)
	}
	// An update may take the content of an expired memory, not of a live one.
	if _, err := eng.Memories.Update(ctx, m.ID, "A lasting fact.", nil); !errors.Is(err, mnemo.ErrConflict) {
		t.Fatalf("Update to a live memory's content: %v", err)
	}
	if _, err := eng.Memories.Add(ctx, mnemo.Text("x"), &mnemo.AddOptions{ExpiresAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}); !errors.Is(err, mnemo.ErrInvalidInput) {
		t.Fatalf("expiry in year 10000: %v", err)
	}
}

// TestPurgeUser erases one user of a group: memories, history, runs and their inputs, document IDs;
// other users and groups are untouched, and no byte of the purged user's is left in the file.
func TestPurgeUser(t *testing.T) {
	t.Parallel()
	eng, path := setup(t, nil)
	ctx := ctxT(t)
	secret := "Zanzibar-7781 is alice's secret."
	a1 := wait(t, eng, add(t, eng, mnemo.Text(secret), &mnemo.AddOptions{UserID: "Alice", DocumentID: "d1", Metadata: map[string]string{"k": "Zanzibar"}}).ID)
	a2 := wait(t, eng, add(t, eng, mnemo.PreExtracted(mnemo.Item{Content: "Alice keeps bees."}), &mnemo.AddOptions{UserID: "alice"}).ID)
	b := wait(t, eng, add(t, eng, mnemo.Text("Bob keeps goats."), &mnemo.AddOptions{UserID: "bob"}).ID)
	other := wait(t, eng, add(t, eng, mnemo.Text("Alice of another group."), &mnemo.AddOptions{UserID: "alice", Group: "g2"}).ID)
	rep, err := eng.Memories.PurgeUser(ctx, "", "ALICE")
	if err != nil || rep.Runs != 2 || rep.Memories != 2 {
		t.Fatalf("PurgeUser: %+v, %v", rep, err)
	}
	for _, id := range []string{a1.ID, a2.ID} {
		if _, err := eng.Runs.Get(ctx, id); !errors.Is(err, mnemo.ErrNotFound) {
			t.Fatalf("run %s after PurgeUser: %v", id, err)
		}
	}
	if _, err := eng.Memories.History(ctx, a1.MemoryIDs[0]); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("history after PurgeUser: %v", err)
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "alice"}); len(got) != 0 {
		t.Fatalf("alice's memories after PurgeUser: %q", got)
	}
	for _, r := range []*mnemo.Run{b, other} {
		if got, err := eng.Runs.Get(ctx, r.ID); err != nil || got.Status != mnemo.Completed {
			t.Fatalf("another scope's run: %+v, %v", got, err)
		}
	}
	again := add(t, eng, mnemo.Text("Alice starts over."), &mnemo.AddOptions{UserID: "alice", DocumentID: "d1"})
	wait(t, eng, again.ID)
	eng.Close()
	// bbolt reuses freed pages but does not clear them: the secret may linger in free pages until
	// overwritten. What is reachable from the file's tree must not hold it.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			return bk.ForEach(func(k, v []byte) error {
				if strings.Contains(string(v), "Zanzibar") || strings.Contains(string(k), "Zanzibar") {
					t.Errorf("bucket %s still holds the purged user's data under %x", name, k)
				}
				return nil
			})
		})
	})
}

// TestPurgeResumesAtOpen finds a purge an earlier process did not finish: Open finishes it in the
// background, and until then the user's adds are refused.
func TestPurgeResumesAtOpen(t *testing.T) {
	t.Parallel()
	eng, path := setup(t, nil)
	wait(t, eng, add(t, eng, mnemo.Text("Carol's fact to forget."), &mnemo.AddOptions{UserID: "carol"}).ID)
	eng.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The purge's record, as PurgeUser writes it first: the scope prefix, then the group and user.
	err = db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("purges")).Put([]byte("\x07default\x05carol"), []byte("\x07default\x05carol"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	capture, logger := newLogCapture(slog.LevelInfo)
	eng = open(t, path, &mnemo.Options{Logger: logger})
	if !capture.waitN(ctxT(t), 1, logged(slog.LevelInfo, "mnemo: purge finished", "user", "carol")) {
		t.Fatalf("the interrupted purge was not finished; logged:\n%s", capture.dump())
	}
	if got := contents(t, eng, &mnemo.ListOptions{UserID: "carol"}); len(got) != 0 {
		t.Fatalf("carol's memories after the resumed purge: %q", got)
	}
}

// TestPurgeUserEndsWatches: a run parked in a buffer is watched when its user is purged: the watch
// ends, and a wait on it returns ErrNotFound rather than waiting for a firing that cannot come.
func TestPurgeUserEndsWatches(t *testing.T) {
	t.Parallel()
	eng, _, _ := buffered(t, summarizing(buffer.Trigger{Count: 1000}))
	ctx := ctxT(t)
	r := park(t, eng, "dora", nil, "Dora plays the oboe.")
	ch, err := eng.Runs.Watch(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := <-ch; got.Status != mnemo.InBuffer {
		t.Fatalf("Watch sent %+v first", got)
	}
	if rep, err := eng.Memories.PurgeUser(ctx, "", "dora"); err != nil || rep.Runs != 1 {
		t.Fatalf("PurgeUser: %+v, %v", rep, err)
	}
	for got := range ch {
		t.Errorf("Watch sent %+v after the purge", got)
	}
	if _, err := eng.Runs.Wait(ctx, r.ID); !errors.Is(err, mnemo.ErrNotFound) {
		t.Fatalf("Wait after the purge: %v", err)
	}
	if infos, err := eng.Buffers.List(ctx, nil); err != nil || len(infos) != 0 {
		t.Fatalf("buffers after the purge: %+v, %v", infos, err)
	}
}
