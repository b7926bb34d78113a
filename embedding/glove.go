package embedding

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/mnemohq/mnemo/internal/analysis"
)

// DefaultSIF is the a of the SIF weights Default uses. On LoCoMo's dev split (see
// bench/embedcompare) a from 5e-4 to 3e-3 retrieves alike, 1e-4 and 1e-2 worse; 1e-3 is the
// middle of that plateau.
const DefaultSIF = 1e-3

// gloveName names the table and the sentence model; bump its version when either changes.
const gloveName = "glove-6b-100d-50k"

// zipfNorm is the harmonic number of GloVe 6B's 400,000-word vocabulary, ln(400000)+γ: by Zipf's
// law the word of rank r (from 1) has probability 1/(r·zipfNorm).
var zipfNorm = math.Log(400_000) + 0.5772156649

// GloVeOptions tunes the GloVe embedder. The zero value is Default's settings.
type GloVeOptions struct {
	// SIF is the a of the smooth inverse frequency weight a/(a+p(w)) each word's vector gets,
	// p(w) being the word's probability as Zipf's law estimates it from its rank: a smaller a
	// weighs frequent words ("the", "was") down harder. 0 means DefaultSIF; a negative SIF
	// weighs every word 1 (the plain average).
	SIF float64
	// Speaker says what to do with a speaker's name before the text ("Caroline: I went ...",
	// as analysis.SplitSpeaker reads it). The zero value keeps it.
	Speaker SpeakerMode
}

// SpeakerMode says whether the GloVe embedder embeds a leading speaker's name.
type SpeakerMode int

const (
	// SpeakerDefault is Default's choice: SpeakerKeep.
	SpeakerDefault SpeakerMode = iota
	// SpeakerKeep embeds the speaker's name as one more word of the text.
	SpeakerKeep
	// SpeakerDrop embeds only what was said.
	SpeakerDrop
)

// Default returns the offline GloVe embedder with the settings measured best: GloVe 6B 100-d
// vectors of the 50,000 most frequent words, averaged with SIF weights (DefaultSIF), the
// speaker's name kept (on LoCoMo that retrieves better: questions name the speaker). Its Name is
// "glove-6b-100d-50k-sif/1" and its Dims 100. Its word table, embedded in the binary, is parsed
// on first use, in about 3 ms, and then takes about 2 MB of heap.
func Default() Embedder { return NewGloVe(GloVeOptions{}) }

// NewGloVe returns a GloVe embedder with the given settings; Default is NewGloVe of the zero
// GloVeOptions. Settings other than Default's are part of the Name.
//
// A text's words (analysis.Words) are looked up in lower case. A contraction the table lacks is
// read as its parts ("don't" is "do" and "not", "we're" is "we" and "are"), a possessive as its
// noun ("Caroline's" is "caroline"); words the table lacks, numbers among them, are skipped.
func NewGloVe(opts GloVeOptions) Embedder {
	g := &gloVe{a: opts.SIF, speaker: opts.Speaker}
	if g.a == 0 {
		g.a = DefaultSIF
	}
	if g.speaker == SpeakerDefault {
		g.speaker = SpeakerKeep
	}
	switch {
	case g.a < 0:
		g.name = gloveName + "-avg"
	default:
		g.name = gloveName + "-sif"
		if g.a != DefaultSIF {
			g.name += fmt.Sprintf("-a%g", g.a)
		}
	}
	if g.speaker == SpeakerDrop {
		g.name += "-nospeaker"
	}
	g.name += "/1"
	return g
}

// gloVe is the GloVe embedder.
type gloVe struct {
	a       float64 // SIF a; negative for the plain average
	speaker SpeakerMode
	name    string
}

// Name implements Embedder.
func (g *gloVe) Name() string { return g.name }

// Dims implements Embedder.
func (g *gloVe) Dims() int { return gloveDims }

// Embed implements Embedder.
func (g *gloVe) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := glove()
	out := vectors(len(texts), gloveDims)
	for i, text := range texts {
		if i%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		g.embed(t, text, out[i])
	}
	return out, nil
}

// embed writes the vector of text to acc, which is zero.
func (g *gloVe) embed(t *table, text string, acc []float32) {
	// The speaker's words and the body's, read apart: the body's are those the index and the
	// reconciler read too (analysis.Words caches them), and a word never spans the colon.
	speaker, body := analysis.SplitSpeaker(text)
	if g.speaker != SpeakerDrop {
		for _, w := range analysis.Words(speaker) {
			g.addWord(t, acc, w.Lower)
		}
	}
	for _, w := range analysis.Words(body) {
		g.addWord(t, acc, w.Lower)
	}
	Normalize(acc)
}

// addWord adds the weighted vector of word, in lower case with straight apostrophes, to acc.
func (g *gloVe) addWord(t *table, acc []float32, word string) {
	if r, ok := t.rank[word]; ok {
		t.addTo(acc, r, g.weight(r))
		return
	}
	i := strings.IndexByte(word, '\'')
	if i < 0 {
		return
	}
	base, suffix := word[:i], word[i:]
	switch suffix {
	case "'s", "'": // possessive, or "it's": "is" weighs little anyway
	case "'m":
		g.addKnown(t, acc, "am")
	case "'re":
		g.addKnown(t, acc, "are")
	case "'ve":
		g.addKnown(t, acc, "have")
	case "'ll":
		g.addKnown(t, acc, "will")
	case "'d":
		g.addKnown(t, acc, "would")
	case "'t":
		if !strings.HasSuffix(base, "n") {
			g.addKnown(t, acc, strings.ReplaceAll(word, "'", ""))
			return
		}
		switch base {
		case "can":
		case "won":
			base = "will"
		case "shan":
			base = "shall"
		default:
			base = base[:len(base)-1]
		}
		g.addKnown(t, acc, "not")
	default: // "o'clock", "y'all": try it without apostrophes
		g.addKnown(t, acc, strings.ReplaceAll(word, "'", ""))
		return
	}
	g.addKnown(t, acc, base)
}

// addKnown adds the weighted vector of word to acc if the table has it.
func (g *gloVe) addKnown(t *table, acc []float32, word string) {
	if r, ok := t.rank[word]; ok {
		t.addTo(acc, r, g.weight(r))
	}
}

// weight is the SIF weight a/(a+p) of the word of rank r (from 0), p = 1/((r+1)·zipfNorm).
func (g *gloVe) weight(r int32) float32 {
	if g.a < 0 {
		return 1
	}
	ar := g.a * float64(r+1) * zipfNorm
	return float32(ar / (ar + 1))
}
