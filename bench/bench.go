// Package bench measures mnemo against raw bbolt doing the same work in the same run, so that the
// ratios hold whatever the machine. It uses only mnemo's public API and raw bbolt.
//
// The exported functions taking a *testing.B are the benchmarks' bodies, which bench_test.go runs
// under `go test -bench`. The micro-benchmarks (RunsGet, RawGet, Add, RawPut) are also run by the
// report command (bench/report) with testing.Benchmark; the end-to-end ones are run round by round
// through RunConversations, RunTexts, RunLatency, RunBuffers and RunReconcile, each of which
// measures its baseline or its latencies in the same round. See bench/README.md for what each measures and its target.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/mnemohq/mnemo"
)

// RunsInFixture is how many runs the lookup fixture holds.
const RunsInFixture = 10_000

// boltOptions are the options mnemo opens bbolt with, so the baseline pays what mnemo pays.
var boltOptions = &bolt.Options{FreelistType: bolt.FreelistMapType, NoStatistics: true}

// startRound starts a round of an end-to-end benchmark: ctx bounded by runDeadline, so that a stuck
// engine fails the round instead of hanging it, and a new temporary folder for its files. cleanup
// cancels the one and removes the other.
func startRound(ctx context.Context, name string) (_ context.Context, dir string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "mnemo-bench-"+name+"-*")
	if err != nil {
		return nil, "", nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, runDeadline)
	return ctx, dir, func() { cancel(); os.RemoveAll(dir) }, nil
}

// fixture is a mnemo file holding RunsInFixture completed runs, made once per process.
type fixture struct {
	once sync.Once
	dir  string
	path string
	ids  []string
	err  error
}

var lookups fixture

// benchUser is the user of the lookup fixture's and the Add benchmark's runs.
var benchUser = &mnemo.AddOptions{UserID: "bench"}

func (f *fixture) build() (string, []string, error) {
	f.once.Do(func() {
		f.dir, f.err = os.MkdirTemp("", "mnemo-bench-*")
		if f.err != nil {
			return
		}
		f.path = filepath.Join(f.dir, "lookups.db")
		eng, err := mnemo.Open(f.path, nil)
		if err != nil {
			f.err = err
			return
		}
		defer eng.Close()
		ctx := context.Background()
		f.ids, f.err = addConcurrently(ctx, eng, RunsInFixture, 64, func(i int) (mnemo.Input, *mnemo.AddOptions) {
			return mnemo.Text(fmt.Sprintf("Fixture fact number %d. It has a second sentence about topic %d.", i, i%97)), benchUser
		})
		if f.err != nil {
			return
		}
		for _, id := range f.ids {
			if _, err := eng.Runs.Wait(ctx, id); err != nil {
				f.err = err
				return
			}
		}
	})
	return f.path, f.ids, f.err
}

// Cleanup removes the fixture files. The report calls it; `go test` leaves them in the temp folder.
func Cleanup() {
	if lookups.dir != "" {
		os.RemoveAll(lookups.dir)
	}
}

// addConcurrently adds input(0) ... input(n-1) from the given number of goroutines, each taking the
// next index as it finishes an add, and returns the runs' IDs by index.
func addConcurrently(ctx context.Context, eng *mnemo.Engine, n, callers int, input func(int) (mnemo.Input, *mnemo.AddOptions)) ([]string, error) {
	ids := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				in, opts := input(i)
				run, err := eng.Memories.Add(ctx, in, opts)
				if err != nil {
					errs <- err
					return
				}
				ids[i] = run.ID
			}
		}()
	}
	wg.Wait()
	close(errs)
	return ids, <-errs
}

// RunsGet measures Engine.Runs.Get of a completed run, in a file of RunsInFixture runs.
func RunsGet(b *testing.B) {
	path, ids, err := lookups.build()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := mnemo.Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := eng.Runs.Get(ctx, ids[i%len(ids)]); err != nil {
			b.Fatal(err)
		}
	}
}

// RawGet is RunsGet's baseline: one bbolt View with one Get of the same run record, in the same file,
// copying the value out as any lookup must (bbolt's values are valid only inside the transaction).
func RawGet(b *testing.B) {
	path, ids, err := lookups.build()
	if err != nil {
		b.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, boltOptions)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	keys := make([][]byte, len(ids))
	for i, id := range ids {
		u := uuid.MustParse(id)
		keys[i] = u[:]
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		var value []byte
		err := db.View(func(tx *bolt.Tx) error {
			v := tx.Bucket([]byte("runs")).Get(keys[i%len(keys)])
			if v == nil {
				return fmt.Errorf("run %s missing", ids[i%len(ids)])
			}
			value = append([]byte(nil), v...)
			return nil
		})
		if err != nil || len(value) == 0 {
			b.Fatal(err)
		}
	}
}

// Add measures durable Engine.Memories.Add with the given number of concurrent callers, the
// pipeline running behind it. Each op is one accepted add: the run and its input committed.
func Add(b *testing.B, callers int) {
	eng, err := mnemo.Open(filepath.Join(b.TempDir(), "add.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	b.ReportAllocs()
	b.ResetTimer()
	if _, err := addConcurrently(context.Background(), eng, b.N, callers, func(i int) (mnemo.Input, *mnemo.AddOptions) {
		return mnemo.Text(fmt.Sprintf("Benchmark fact %d: the user prefers option %d.", i, i%13)), benchUser
	}); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
}

// RawPut is Add's baseline: one bbolt Update per put of a value the size of a run record, from the
// given number of concurrent callers.
func RawPut(b *testing.B, callers int) {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, boltOptions)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("runs")); return err }); err != nil {
		b.Fatal(err)
	}
	value := make([]byte, 320)
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				key := uuid.Must(uuid.NewV7())
				err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("runs")).Put(key[:], value) })
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
}
