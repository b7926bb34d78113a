package rules

import (
	"context"

	"github.com/mnemohq/mnemo/pipeline"
)

// DefaultNearDuplicate is the similarity at or above which a Reconciler takes a fact for a near
// duplicate of a memory when NearDuplicate is 0: the Jaccard similarity of their keys (see
// Reconciler), shared keys over all keys. A key more on one side is a near duplicate from six shared
// keys on (6/7 = 0.86), a key replaced from twelve on (12/14 = 0.86); shorter statements must have
// the same keys.
const DefaultNearDuplicate = 0.85

// Reconciler is the default pipeline.Reconciler: offline, deterministic and explainable. It compares
// each fact with each memory related to it, by rules on their words, and keeps the decision of the
// memory that ranks best. Its zero value is ready to use.
//
// # Reading a statement
//
// A fact or a memory is a statement: its speaker is the prefix of its content ("Caroline: I went to
// a support group."; see analysis.SplitSpeaker), or, without one, the user of the scope
// (ReconcileRequest.UserID, "User" when it is empty, as the Extractor names an unknown user).
// Speakers compare case-insensitively: "Bob: I run marathons." in bob's scope and "I run marathons."
// added as text for bob are the same statement. Of the rest, the body, it reads:
//
//   - its keys: the index terms of analysis.Terms, with numbers, number words, weekdays and months
//     in a canonical form instead ("two" and "2" are one key, as are "4.50" and "4.5"), and without
//     the speaker's first name ("Bob runs." said by Bob is "I run.");
//   - its identifiers, numbers that name a thing rather than count or date one, each with the
//     noun it follows ("room 12", "fact 9 of writer 1": "fact 9" and "writer 1"); its values, the
//     other keys that are numbers or dates; its counts, each value with the noun that follows it
//     ("2 dogs and 3 cats": "2 dog", "3 cat"); and its core, the keys that are no values;
//   - whether it is negated: it holds "not", "no", "never", "don't" and their like, or "used to";
//   - its subject: "i" for the speaker ("I", "me", "I'm", or the speaker's first name), a pronoun
//     ("she"), a possessive and its noun ("my sister"), the noun after an article ("the meeting"),
//     or the first other word that is no stop word, number, date or leading adverb ("Alice"); a
//     noun keeps the number that follows it ("User 17 prefers tea." is about "user 17");
//   - its claims in predicate families, predicates that hold one value at a time (see families):
//     residence, employer, job, relationship status, age, name, favourite things, origin, school,
//     diet, birthday, phone number and email.
//
// # Rules
//
// A fact and one related memory are compared by these rules, the first that applies deciding:
//
//  1. another speaker: OpAdd ("another speaker");
//  2. the same body once normalised (store.NormalizeContent: case, punctuation, spacing): OpNoop
//     ("same statement");
//  3. another subject: OpAdd ("another subject"): "Alice lives in Paris." / "Bob lives in Paris.";
//     or other identifiers: OpAdd ("another thing named"): "Fact 9 of writer 1." / "Fact 9 of
//     writer 2.";
//  4. a negation on one side only over the same claim: OpSupersede ("negation differs"): "I like
//     tea." / "I don't like tea.". The same claim: the smaller core holds 80% of the larger's keys
//     at least, and the shared keys are half of all at least. Otherwise, with negation on one side
//     only, OpAdd;
//  5. the same claim with other numbers or dates (each side has a value the other lacks), or the
//     same numbers counting other things: OpSupersede ("number differs: 2 -> 3", "date differs:
//     monday -> tuesday", "number differs: 2 dog, 3 cat -> 3 dog, 2 cat");
//  6. a near duplicate: the same values and counts, and a Jaccard similarity of keys at or above
//     NearDuplicate: OpNoop ("near duplicate 0.91");
//  7. the fact's keys all among the memory's, and fewer (the memory says it in more detail), neither
//     negated: OpNoop ("known in more detail"). Negated, the less specific statement says more, so
//     this rule does not apply;
//  8. the fact refines the memory: it holds all the memory's keys (values and identifiers
//     included) and keys of its own: OpUpdate to the fact's content ("adds details"): "I run
//     marathons." / "I run marathons every spring in Boston.";
//  9. a family in which both make claims whose values neither holds the other, neither negated:
//     OpSupersede ("residence changed"): "I live in Paris." / "I moved to Berlin.";
//  10. otherwise OpAdd ("new statement"): "I like tea." / "I like coffee.".
//
// Over the related memories, the decision is by precedence: noop over update over supersede over
// add, and within one op the most related memory (the first). An add keeps the reason of the most
// related memory, or "nothing related" when there is none.
//
// # Limits
//
// These are heuristics over words, without a parser or a model, and they are wrong in ways one can
// predict:
//
//   - Pronouns are not resolved: "She moved to Berlin." is about "she", whoever she is, and two
//     statements about "she" are taken to be about one person.
//   - The subject is a guess from the first words: "My little sister" and "My sister" are two
//     subjects; "In Paris, Alice met Bob." is about Paris.
//   - Events are not told from states: "I went hiking on Monday." and "I went hiking on Friday." are
//     taken as a date that changed, and the first is superseded, though both happened. Relative
//     dates ("yesterday") are plain words, compared without the fact's event time.
//   - Negation is a word, not a scope: "I don't like tea with milk." negates "I like tea." too, and
//     "I never said I like tea." negates it.
//   - Synonyms, spelling variants and paraphrases are different keys: "I love tea." and "I adore
//     tea." are two statements, "favourite colour" and "favorite color" two families.
//   - A less specific fact is taken as known (rule 7) even where the memory restricts it: "I have 3
//     cats." after "I have 2 dogs and 3 cats." is a noop.
//   - Families match trigger phrases: "I joined a book club." claims an employer, and "I live with my
//     parents in Paris." claims no residence.
//   - Text in other languages gets words and case folding, and its Latin-script words English stems,
//     but none of its stop words, negations, number words or families is known: its facts are
//     duplicates or refinements by shared words only, and "Мне не нравится чай." refines "Мне
//     нравится чай.".
//   - A statement longer than 64 KiB (a text of megabytes without a full stop) is compared as a
//     whole: the same normalised body is a no-op, anything else an add ("too long to compare").
//   - A reworded statement below the near-duplicate threshold is a new statement, kept beside the
//     old one: "... and it was inspiring." after "... and it was powerful.".
//
// Reconcile depends on the request alone and is safe for concurrent use.
type Reconciler struct {
	// NearDuplicate is the Jaccard similarity of keys at or above which a fact is a near duplicate
	// of a memory; 0 means DefaultNearDuplicate, and a value above 1 turns the rule off.
	NearDuplicate float64
}

var _ pipeline.Reconciler = Reconciler{}

// Reconcile returns one decision per fact of req, in order, as the type's documentation describes.
// It returns ctx.Err() if ctx is done, and no error otherwise.
func (r Reconciler) Reconcile(ctx context.Context, req pipeline.ReconcileRequest) ([]pipeline.Decision, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	user := req.UserID
	if user == "" {
		user = userSpeaker
	}
	out := make([]pipeline.Decision, 0, len(req.Facts))
	for _, c := range req.Facts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, r.decide(c, user))
	}
	return out, nil
}

// decide returns the decision for one candidate: the best verdict over its related memories.
func (r Reconciler) decide(c pipeline.Candidate, user string) pipeline.Decision {
	if len(c.Related) == 0 {
		return pipeline.Decision{Op: pipeline.OpAdd, Reason: "nothing related"}
	}
	f := statements.get(c.Fact.Content, user)
	var best pipeline.Decision
	for i, m := range c.Related {
		v := r.compare(f, statements.get(m.Content, user))
		if i > 0 && precedence[v.op] >= precedence[best.Op] {
			continue
		}
		best = pipeline.Decision{Op: v.op, Target: m.ID, Reason: v.reason}
		if v.op == pipeline.OpUpdate {
			best.Content = c.Fact.Content
		}
	}
	if best.Op == pipeline.OpAdd {
		best.Target = ""
	}
	return best
}
