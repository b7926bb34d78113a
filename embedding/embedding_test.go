package embedding_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"

	"github.com/mnemohq/mnemo/embedding"
)

// cos embeds a and b with e and returns their cosine.
func cos(t testing.TB, e embedding.Embedder, a, b string) float32 {
	t.Helper()
	vs, err := e.Embed(context.Background(), []string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	return embedding.Dot(vs[0], vs[1])
}

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestContract(t *testing.T) {
	t.Parallel()
	texts := []string{
		"I adopted a puppy last week.",
		"Caroline: I went to a LGBTQ support group yesterday and it was so powerful.",
		"The stock market fell sharply on Tuesday.",
		"don’t stop believing",
	}
	for _, tc := range []struct {
		e    embedding.Embedder
		name string
		dims int
		zero []string // texts with nothing to embed
	}{
		{embedding.Default(), "glove-6b-100d-50k-sif/1", 100, []string{"", "   ", "!!! ... ?", "2023 42 7", "🙂"}},
		{embedding.NewGloVe(embedding.GloVeOptions{SIF: -1, Speaker: embedding.SpeakerDrop}), "glove-6b-100d-50k-avg-nospeaker/1", 100, []string{"", "Melanie: 2023"}},
		{embedding.NGram(256), "ngram-3-5/256", 256, []string{"", " \t\n", "!!! ... ?"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := tc.e
			if e.Name() != tc.name || e.Dims() != tc.dims {
				t.Fatalf("Name, Dims = %q, %d; want %q, %d", e.Name(), e.Dims(), tc.name, tc.dims)
			}
			in := append(slices.Clone(texts), tc.zero...)
			vs, err := e.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != len(in) {
				t.Fatalf("%d vectors for %d texts", len(vs), len(in))
			}
			for i, v := range vs {
				if len(v) != tc.dims {
					t.Fatalf("vector %d has length %d, want %d", i, len(v), tc.dims)
				}
				n := norm(v)
				if i < len(texts) && math.Abs(n-1) > 1e-5 {
					t.Errorf("%q: norm %v, want 1", in[i], n)
				}
				if i >= len(texts) && n != 0 {
					t.Errorf("%q: norm %v, want the zero vector", in[i], n)
				}
			}
			// Deterministic, and independent of the batch: each text alone gets the same vector.
			for i, text := range in {
				one, err := e.Embed(context.Background(), []string{text})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(one[0], vs[i]) {
					t.Errorf("%q: alone, its vector differs from its vector in a batch", text)
				}
			}
			// Distinct texts get distinct vectors.
			for i := range texts {
				for j := i + 1; j < len(texts); j++ {
					if c := embedding.Dot(vs[i], vs[j]); c > 0.99 {
						t.Errorf("cos(%q, %q) = %v: distinct texts embed alike", texts[i], texts[j], c)
					}
				}
			}
			if vs, err := e.Embed(context.Background(), nil); err != nil || len(vs) != 0 {
				t.Errorf("Embed(nil) = %d vectors, %v; want none, nil", len(vs), err)
			}
		})
	}
}

func TestGloVeSemantics(t *testing.T) {
	t.Parallel()
	e := embedding.Default()
	for _, tc := range []struct{ q, near, far string }{
		{"I adopted a puppy", "my new dog", "the stock market fell"},
		{"What instrument does she play?", "I have been practising the violin every day", "We went camping in the mountains"},
		{"Where did they go on vacation?", "We spent two weeks at the beach in Hawaii", "My boss gave me a promotion at work"},
		{"the kitten slept on the rug", "the cat rested on the carpet", "the desk was in the study room"},
	} {
		near, far := cos(t, e, tc.q, tc.near), cos(t, e, tc.q, tc.far)
		if near <= far {
			t.Errorf("cos(%q, %q) = %.3f, not above cos(.., %q) = %.3f", tc.q, tc.near, near, tc.far, far)
		}
	}
}

func TestGloVeWordForms(t *testing.T) {
	t.Parallel()
	e := embedding.Default()
	for _, tc := range []struct{ a, b string }{
		{"I don't like it", "I do not like it"},
		{"I don’t like it", "I do not like it"}, // curly apostrophe
		{"we won't go", "we will not go"},
		{"she can't swim", "she can not swim"},
		{"we're happy", "we are happy"},
		{"Caroline's painting", "Caroline painting"},
		{"the dogs' owners", "the dogs owners"},
		{"DOG Park", "dog park"},
	} {
		if c := cos(t, e, tc.a, tc.b); c < 0.99999 {
			t.Errorf("cos(%q, %q) = %v, want 1", tc.a, tc.b, c)
		}
	}
}

func TestGloVeSpeaker(t *testing.T) {
	t.Parallel()
	const said, withSpeaker = "I adopted a puppy", "Caroline: I adopted a puppy"
	drop := embedding.NewGloVe(embedding.GloVeOptions{Speaker: embedding.SpeakerDrop})
	if c := cos(t, drop, said, withSpeaker); c < 0.99999 {
		t.Errorf("SpeakerDrop: cos = %v, want 1", c)
	}
	if c := cos(t, embedding.Default(), said, withSpeaker); c > 0.99 {
		t.Errorf("Default: cos = %v: the speaker's name is not embedded", c)
	}
	// A kept name is one more word of the text, as if the colon were not there.
	if c := cos(t, embedding.Default(), "Caroline I adopted a puppy", withSpeaker); c < 0.99999 {
		t.Errorf("Default: cos(name and words, name: words) = %v, want 1", c)
	}
	// The kept name draws a question naming the speaker to that speaker's turns.
	q := "What pet did Caroline get?"
	if a, b := cos(t, embedding.Default(), q, withSpeaker), cos(t, embedding.Default(), q, "Melanie: I adopted a puppy"); a <= b {
		t.Errorf("cos to Caroline's turn %.3f, not above cos to Melanie's %.3f", a, b)
	}
}

func TestGloVeSettingsChangeName(t *testing.T) {
	t.Parallel()
	names := map[string]bool{}
	for _, o := range []embedding.GloVeOptions{
		{}, {SIF: 3e-4}, {SIF: -1}, {Speaker: embedding.SpeakerDrop}, {SIF: -1, Speaker: embedding.SpeakerDrop},
	} {
		names[embedding.NewGloVe(o).Name()] = true
	}
	if len(names) != 5 {
		t.Errorf("5 settings have %d names: %v", len(names), names)
	}
	same := embedding.NewGloVe(embedding.GloVeOptions{SIF: embedding.DefaultSIF, Speaker: embedding.SpeakerKeep})
	if same.Name() != embedding.Default().Name() {
		t.Errorf("Default's settings spelt out are named %q, not %q", same.Name(), embedding.Default().Name())
	}
	// SIF weighs frequent words down: the plain average is pulled to "the" and "of".
	sif, avg := embedding.Default(), embedding.NewGloVe(embedding.GloVeOptions{SIF: -1})
	const text, common = "the history of the violin", "the of the and the"
	if s, a := cos(t, sif, text, common), cos(t, avg, text, common); s >= a {
		t.Errorf("cos to function words: SIF %.3f, not below the plain average's %.3f", s, a)
	}
}

func TestNGramSpelling(t *testing.T) {
	t.Parallel()
	e := embedding.NGram(1024)
	if near, far := cos(t, e, "running shoes", "a runner's shoe"), cos(t, e, "running shoes", "banana bread"); near <= far {
		t.Errorf("cos(running, runner) = %.3f, not above cos(running, banana) = %.3f", near, far)
	}
	defer func() {
		if recover() == nil {
			t.Error("NGram(0) did not panic")
		}
	}()
	embedding.NGram(0)
}

func TestConcurrentEmbed(t *testing.T) {
	t.Parallel()
	texts := make([]string, 200)
	for i := range texts {
		texts[i] = fmt.Sprintf("Melanie: we painted %d sunsets at the lake and the kids loved it, number %d", i, i*7)
	}
	for _, e := range []embedding.Embedder{embedding.Default(), embedding.NGram(128)} {
		want, err := e.Embed(context.Background(), texts)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := range 8 {
			wg.Go(func() {
				// Each goroutine embeds the texts in another order, so they race on the same words.
				for k := range texts {
					i := (k*(g+1) + g) % len(texts)
					got, err := e.Embed(context.Background(), texts[i:i+1])
					if err != nil {
						errs <- err
						return
					}
					if !slices.Equal(got[0], want[i]) {
						errs <- fmt.Errorf("%s: text %d embeds differently concurrently", e.Name(), i)
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

func TestEmbedCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, e := range []embedding.Embedder{embedding.Default(), embedding.NGram(64)} {
		vs, err := e.Embed(ctx, []string{"hello world"})
		if !errors.Is(err, context.Canceled) || vs != nil {
			t.Errorf("%s: Embed with a cancelled ctx = %v, %v; want nil, context.Canceled", e.Name(), vs, err)
		}
	}
}

func ExampleDefault() {
	e := embedding.Default()
	vs, err := e.Embed(context.Background(), []string{"I adopted a puppy", "my new dog", "the stock market fell"})
	if err != nil {
		panic(err)
	}
	fmt.Println(e.Name(), e.Dims())
	fmt.Println(embedding.Dot(vs[0], vs[1]) > embedding.Dot(vs[0], vs[2]))
	// Output:
	// glove-6b-100d-50k-sif/1 100
	// true
}

// sentences returns n distinct sentences of about 20 words.
func sentences(n int) []string {
	subjects := []string{"my sister", "the neighbours", "our team", "Caroline", "the old teacher", "a friend of mine", "his parents", "the kids"}
	verbs := []string{"painted", "visited", "talked about", "planned", "remembered", "bought", "photographed", "cooked"}
	objects := []string{"a sunrise over the lake", "the new museum downtown", "a trip to the mountains", "their first concert", "the garden behind the house", "a surprise party", "the long road home", "an old wooden boat"}
	tails := []string{"last weekend with everyone", "after the long meeting at work", "because it was her birthday", "while the rain kept falling outside", "before moving to another city", "and it made them very happy", "during the summer holidays this year", "even though nobody expected it"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Yesterday %s %s, %s, and then %s %s.", subjects[i%8], verbs[(i/8)%8], objects[(i/64)%8], subjects[(i/512)%8], tails[(i/7)%8])
	}
	return out
}

// BenchmarkGloVeEmbed embeds one sentence of about 20 words per op. "cached" embeds one sentence
// again and again, so analysis.Words answers from its cache: the cost of the lookups and sums.
// "fresh" cycles through 4096 distinct sentences, more than the cache holds: the cost a new text
// pays, word segmentation included.
func BenchmarkGloVeEmbed(b *testing.B) {
	e := embedding.Default()
	ctx := context.Background()
	texts := sentences(4096)
	if _, err := e.Embed(ctx, texts[:1]); err != nil { // parse the table outside the timing
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		in := texts[:1]
		b.ReportAllocs()
		for b.Loop() {
			if _, err := e.Embed(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fresh", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			if _, err := e.Embed(ctx, texts[i%len(texts):i%len(texts)+1]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkNGramEmbed is BenchmarkGloVeEmbed's "fresh" for NGram(1024).
func BenchmarkNGramEmbed(b *testing.B) {
	e := embedding.NGram(1024)
	ctx := context.Background()
	texts := sentences(4096)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := e.Embed(ctx, texts[i%len(texts):i%len(texts)+1]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
