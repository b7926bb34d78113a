package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/memory"
	"github.com/mnemohq/mnemo/status"
	"github.com/mnemohq/mnemo/store"
)

// MaxSummarySources bounds the sources a summary memory names: those of the latest facts folded in.
const MaxSummarySources = 256

// summaryPlan is a summary a summarize step made, to be committed as the memory of its topic and
// scope: created if it has none, updated in place (as a compare-and-set on the version read) if it
// has.
type summaryPlan struct {
	id        uuid.UUID
	topic     string
	expect    int       // the memory's version when it was read; 0 when it did not exist
	createdAt time.Time // the memory's, when it existed
}

// summaryNamespace is the UUID namespace of summary memories' IDs.
var summaryNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/mnemohq/mnemo/summary"))

// summaryID derives the ID of the summary memory of a topic in a scope: the same topic and scope
// always give the same memory, which each summarize updates. User IDs compare case-insensitively.
func summaryID(topic string, r *status.Run) uuid.UUID {
	var b []byte
	for _, s := range []string{topic, r.Group, strings.ToLower(r.UserID)} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Properties)) {
		for _, s := range []string{k, r.Properties[k]} {
			b = binary.AppendUvarint(b, uint64(len(s)))
			b = append(b, s...)
		}
	}
	return uuid.NewSHA1(summaryNamespace, b)
}

// summarize folds the facts of in into the summary of topic in the run's scope, through the engine's
// Summarizer, and returns a batch of that one summary. With no facts, there is nothing to fold: the
// summary stays as it is and the batch stays empty.
func (d *driver) summarize(r *status.Run, step int, topic string, in *batch) (*batch, error) {
	out := &batch{Inputs: in.Inputs, Failures: in.Failures}
	if len(in.Facts) == 0 {
		return out, nil
	}
	plan := &summaryPlan{id: summaryID(topic, r), topic: topic}
	req := SummarizeRequest{Topic: topic, Group: r.Group, UserID: r.UserID, Properties: r.Properties, Facts: in.Facts}
	prev, err := d.x.cfg.Store.Memory(plan.id.String())
	switch {
	case errors.Is(err, errs.NotFound):
	case err != nil:
		return nil, err
	default:
		plan.expect, plan.createdAt, req.Previous = prev.Version, prev.CreatedAt, prev.Content
	}
	var text string
	cerr := d.computing(func() {
		err = d.retry(d.x.ctx, step, func(ctx context.Context) (err error) {
			text, err = d.x.cfg.Summarizer.Summarize(ctx, req)
			return err
		})
	})
	if cerr != nil {
		return nil, cerr
	}
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if text == "" {
		return out, nil
	}
	summary := memory.Fact{Content: text, Topic: topic}
	for i := range in.Facts {
		if t := in.Facts[i].EventTime; t.After(summary.EventTime) {
			summary.EventTime = t
		}
	}
	seen := map[memory.Source]bool{}
	for i := len(in.Facts) - 1; i >= 0 && len(summary.Sources) < MaxSummarySources; i-- {
		f := &in.Facts[i]
		for _, s := range f.Sources {
			if !seen[s] && len(summary.Sources) < MaxSummarySources {
				seen[s] = true
				summary.Sources = append(summary.Sources, s)
			}
		}
	}
	slices.Reverse(summary.Sources) // oldest first, as everywhere
	out.Facts = []memory.Fact{summary}
	out.summary = plan
	return out, nil
}

// prepare makes the summary's memory ready to insert, with its version and creation time.
func (s *summaryPlan) prepare(st *store.Store, r *status.Run, f *memory.Fact, now time.Time) store.NewMemory {
	created := s.createdAt
	if created.IsZero() {
		created = now
	}
	m := memory.Memory{
		ID: s.id.String(), Content: f.Content, Topic: s.topic, Group: r.Group, UserID: r.UserID,
		Properties: r.Properties, Sources: f.Sources, CreatedAt: created, UpdatedAt: now,
		EventTime: f.EventTime, Version: s.expect + 1,
	}
	return st.PrepareSummary(m, s.id, s.expect, r.ID)
}
