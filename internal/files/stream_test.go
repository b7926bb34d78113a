package files_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/mnemohq/mnemo/internal/files"
)

// repeated is a file made of unit repeated n times, read without ever being held in memory.
type repeated struct {
	unit string
	n    int64
}

func (r repeated) size() int64 { return int64(len(r.unit)) * r.n }

func (r repeated) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size() {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size() {
		i := (off + int64(n)) % int64(len(r.unit))
		n += copy(p[n:], r.unit[i:])
	}
	if over := off + int64(n) - r.size(); over > 0 {
		n -= int(over)
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// liveHeap returns the bytes of live heap after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// heapBound is the live heap a split of a large file may use beyond what was live before it.
const heapBound = 16 << 20

// splitMeasured splits r, sampling the live heap every few hundred chunks; it returns the chunk
// count and the most live heap seen beyond what was live before.
func splitMeasured(t *testing.T, r io.ReaderAt, size int64, f files.Format) (chunks int, peak uint64) {
	t.Helper()
	base := liveHeap()
	err := files.Split(context.Background(), r, size, f, func(c files.Chunk) error {
		if c.Index != chunks {
			return fmt.Errorf("index %d, want %d", c.Index, chunks)
		}
		chunks++
		if chunks%500 == 0 {
			if h := liveHeap(); h > base && h-base > peak {
				peak = h - base
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Split(%s): %v", f, err)
	}
	return chunks, peak
}

// TestSplitStreams splits 20 MB of Markdown and of HTML, and a 10 MB ChatGPT export, and checks
// that the live heap stays far below the file's size. It is not parallel, so that the heap it
// samples is its own.
func TestSplitStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("large files")
	}
	para := strings.Repeat("Streaming keeps the heap small whatever the size of the file. ", 12)
	tests := []struct {
		f    files.Format
		unit string
	}{
		{files.Markdown, "## Section\n\n" + para + "\n\n- a list item\n- another\n\n```\ncode\n```\n\n" + para + "\n\n"},
		{files.HTML, "<h2>Section &amp; more</h2><p>" + para + "</p><script>var x = 1;</script><ul><li>item</li></ul><p>" + para + "</p>\n"},
	}
	for _, tt := range tests {
		r := repeated{unit: tt.unit, n: (20 << 20) / int64(len(tt.unit))}
		chunks, peak := splitMeasured(t, r, r.size(), tt.f)
		t.Logf("%s: %d MB in %d chunks, peak live heap %.2f MB", tt.f, r.size()>>20, chunks, float64(peak)/(1<<20))
		if chunks < int(r.n) || peak > heapBound {
			t.Errorf("%s: %d chunks for %d sections, peak live heap %d bytes (bound %d)", tt.f, chunks, r.n, peak, heapBound)
		}
	}

	// A ChatGPT export of 10 MB, in a file.
	path := filepath.Join(t.TempDir(), "conversations.json")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(out)
	w.WriteString("[")
	n := 0
	for size := 0; size < 10<<20; n++ {
		if n > 0 {
			w.WriteString(",")
		}
		c := chatGPTConversation(fmt.Sprintf("c%d", n), "T")
		size += len(c) + 1
		w.WriteString(c)
	}
	w.WriteString("]")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out.Close()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	fi, _ := in.Stat()
	chunks, peak := splitMeasured(t, in, fi.Size(), files.Chat)
	t.Logf("chat: %d MB, %d conversations, peak live heap %.2f MB", fi.Size()>>20, chunks, float64(peak)/(1<<20))
	if chunks != n || peak > heapBound {
		t.Errorf("chat: %d chunks for %d conversations, peak live heap %d bytes", chunks, n, peak)
	}
}
