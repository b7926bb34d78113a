package bench

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/mnemohq/mnemo"
)

// FileBytes is the size of the Markdown file of the File benchmark; FileHeapTarget, the most heap
// its ingestion may use.
const (
	FileBytes      = 50 << 20
	FileHeapTarget = 64 << 20
)

// FileRound is one round of the File benchmark: a generated Markdown file of FileBytes added with
// mnemo.File to a new file, from Add until its run completed, with the heap sampled meanwhile.
type FileRound struct {
	// Bytes is the Markdown file's size; Memories, what its run created.
	Bytes, Memories int
	// Accepted is the time Add took (the file's bytes stored); Wall, from Add until the run
	// completed.
	Accepted, Wall time.Duration
	// PeakHeap is the most heap in use (live and unswept objects: runtime/metrics
	// /memory/classes/heap/objects:bytes) seen from the Add until the run completed, sampled every
	// 2 ms; PeakLive, the most live heap a collection left (/gc/heap/live:bytes). IngestHeap and
	// IngestLive are the same peaks with the run's last EndWindow left out: then the run's last
	// commit reads back, publishes and returns its hundreds of thousands of operations (a Run lists
	// every memory it created), which is not the file's ingestion. RunHeap is the live heap that the
	// completed Run, as Wait returned it, holds. Before is the heap in use with the engine open,
	// before the Add.
	PeakHeap, PeakLive, IngestHeap, IngestLive, RunHeap, Before uint64
	// FileFigures describe the finished file and the replay baseline.
	FileFigures
}

// MBPerSecond is the file's megabytes (MiB) ingested per second of Wall.
func (r FileRound) MBPerSecond() float64 { return float64(r.Bytes) / (1 << 20) / r.Wall.Seconds() }

// MemoriesPerSecond is the memories created per second of Wall.
func (r FileRound) MemoriesPerSecond() float64 { return float64(r.Memories) / r.Wall.Seconds() }

// Ratio is Wall over the replay's time.
func (r FileRound) Ratio() float64 { return r.Wall.Seconds() / r.Replay.Seconds() }

// WriteMarkdown writes a Markdown document of about size bytes to path: sections of a heading and
// paragraphs of the corpus's sentences, the same for the same size.
func WriteMarkdown(path string, size int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(7, 50))
	n := 0
	for section := 1; n < size; section++ {
		k, _ := fmt.Fprintf(w, "## %s, part %d\n\n", pick(rng, topics), section)
		n += k
		for range 1 + rng.IntN(4) {
			for s := range 2 + rng.IntN(4) {
				if s > 0 {
					w.WriteByte(' ')
					n++
				}
				k, _ = w.WriteString(fact(rng))
				n += k
			}
			w.WriteString("\n\n")
			n += 2
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// EndWindow is the end of a File round that its Ingest peaks leave out (see FileRound).
const EndWindow = 2 * time.Second

// heapSampler records the peaks of the heap while it runs, per tenth of a second.
type heapSampler struct {
	stop  chan struct{}
	done  chan struct{}
	start time.Time
	peaks [][2]uint64 // per tenth of a second: heap objects, live heap
}

func sampleHeap() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), start: time.Now(), peaks: make([][2]uint64, 0, 1<<16)}
	go func() {
		defer close(h.done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			slot := int(time.Since(h.start) / (100 * time.Millisecond))
			for len(h.peaks) <= slot {
				h.peaks = append(h.peaks, [2]uint64{})
			}
			p := &h.peaks[slot]
			p[0], p[1] = max(p[0], s[0].Value.Uint64()), max(p[1], s[1].Value.Uint64())
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

// end stops the sampler and returns the peaks over all its time and over all but its last tail.
func (h *heapSampler) end(tail time.Duration) (peak, live, ingestPeak, ingestLive uint64) {
	close(h.stop)
	<-h.done
	cut := len(h.peaks) - int(tail/(100*time.Millisecond))
	for i, p := range h.peaks {
		peak, live = max(peak, p[0]), max(live, p[1])
		if i < cut {
			ingestPeak, ingestLive = max(ingestPeak, p[0]), max(ingestLive, p[1])
		}
	}
	return peak, live, ingestPeak, ingestLive
}

// FileOptions are the engine's options in the File benchmark: nil, the defaults.
var FileOptions *mnemo.Options

// RunFile runs one round of the File benchmark.
func RunFile(ctx context.Context) (FileRound, error) { return RunFileSized(ctx, FileBytes) }

// RunFileSized runs one round of the File benchmark on a file of about size bytes.
func RunFileSized(ctx context.Context, size int) (FileRound, error) {
	ctx, dir, cleanup, err := startRound(ctx, "file")
	if err != nil {
		return FileRound{}, err
	}
	defer cleanup()
	doc := filepath.Join(dir, "notes.md")
	if err := WriteMarkdown(doc, size); err != nil {
		return FileRound{}, err
	}
	fi, err := os.Stat(doc)
	if err != nil {
		return FileRound{}, err
	}
	r := FileRound{Bytes: int(fi.Size())}
	path := filepath.Join(dir, "file.db")
	eng, err := mnemo.Open(path, FileOptions)
	if err != nil {
		return r, err
	}
	defer eng.Close()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.Before = ms.HeapAlloc

	heap := sampleHeap()
	start := time.Now()
	run, err := eng.Memories.Add(ctx, mnemo.File(doc), &mnemo.AddOptions{UserID: "reader"})
	if err != nil {
		heap.end(0)
		return r, fmt.Errorf("file: add: %w", err)
	}
	r.Accepted = time.Since(start)
	done, err := eng.Runs.Wait(ctx, run.ID)
	r.Wall = time.Since(start)
	r.PeakHeap, r.PeakLive, r.IngestHeap, r.IngestLive = heap.end(EndWindow)
	if err != nil {
		return r, fmt.Errorf("file: wait: %w", err)
	}
	if done.Status != mnemo.Completed {
		return r, fmt.Errorf("file: run ended %s: %s", done.Status, done.Error)
	}
	r.Memories = done.MemoriesCreated
	runtime.GC()
	runtime.ReadMemStats(&ms)
	with := ms.HeapAlloc
	done = nil
	runtime.GC()
	runtime.ReadMemStats(&ms)
	r.RunHeap = with - min(with, ms.HeapAlloc)
	if err := eng.Close(); err != nil {
		return r, fmt.Errorf("file: close: %w", err)
	}
	return r, r.measureFile(path, dir)
}

// File is the File benchmark under `go test -bench`: one op is one round of RunFile. It reports
// MB/s, memories/s, the peak heap and the replay baseline.
func File(b *testing.B) {
	var last FileRound
	for b.Loop() {
		r, err := RunFile(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		last = r
	}
	b.ReportMetric(last.MBPerSecond(), "MB/s")
	b.ReportMetric(last.MemoriesPerSecond(), "memories/s")
	b.ReportMetric(float64(last.PeakHeap)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(last.IngestHeap)/(1<<20), "ingest-heap-MiB")
	b.ReportMetric(last.Ratio(), "x-replay")
}
