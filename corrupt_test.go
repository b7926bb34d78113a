package mnemo_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/mnemohq/mnemo"
)

// TestDamagedPagesGiveErrCorrupt overwrites one page of a real file at a time with garbage, as a bad
// sector or a torn write would, and uses the file: every call must either work or return an error
// wrapping ErrCorrupt (bbolt panics on such pages; the engine recovers). A panic escaping would fail
// the test binary outright.
func TestDamagedPagesGiveErrCorrupt(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := filepath.Join(dir, "good.db")
	eng := open(t, src, nil)
	var ids []string
	for i := range 120 {
		run := add(t, eng, mnemo.Text(fmt.Sprintf("Fact %d is remembered. Fact %d has a twin sentence.", i, i)), &mnemo.AddOptions{UserID: "u"})
		ids = append(ids, run.ID)
	}
	for _, id := range ids {
		wait(t, eng, id)
	}
	eng.Close()
	good, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096 // bbolt's page size on this platform's default (os.Getpagesize)
	if os.Getpagesize() != pageSize {
		t.Skipf("page size %d", os.Getpagesize())
	}
	corrupt := 0
	check := func(page int, call string, err error) {
		switch {
		case err == nil:
		case errors.Is(err, mnemo.ErrCorrupt):
			corrupt++
		default:
			t.Errorf("page %d: %s: %v, want nil or ErrCorrupt", page, call, err)
		}
	}
	for page := 2; page < len(good)/pageSize; page += 2 { // pages 0 and 1 are bbolt's meta pages
		damaged := append([]byte(nil), good...)
		for i := page * pageSize; i < (page+1)*pageSize; i++ {
			damaged[i] = byte(i*31 + page)
		}
		path := filepath.Join(dir, fmt.Sprintf("damaged-%d.db", page))
		if err := os.WriteFile(path, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := mnemo.Open(path, nil)
		if check(page, "Open", err); err != nil {
			continue
		}
		ctx := ctxT(t)
		for _, id := range ids {
			_, err := e.Runs.Get(ctx, id)
			check(page, "Runs.Get", err)
		}
		_, err = e.Memories.List(ctx, &mnemo.ListOptions{UserID: "u", Limit: mnemo.MaxListLimit})
		check(page, "Memories.List", err)
		_, err = e.Runs.List(ctx, &mnemo.RunListOptions{Limit: mnemo.MaxListLimit})
		check(page, "Runs.List", err)
		_, err = e.Memories.Add(ctx, mnemo.Text("A new fact after the damage."), nil)
		check(page, "Memories.Add", err)
		check(page, "Close", e.Close())
	}
	if corrupt == 0 {
		t.Fatal("no call noticed any damage: the test damaged nothing that was read")
	}
	t.Logf("%d calls returned ErrCorrupt", corrupt)
}
