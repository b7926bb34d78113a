// Package rules holds mnemo's defaults for the model-shaped parts of the pipeline: offline,
// deterministic and free of any model.
//
// The extractor turns an input into candidate facts one sentence at a time:
//
//   - Sentences splits text into sentences, minding abbreviations, initials, numbers, URLs, quotes,
//     ellipses, line breaks and bulleted lists;
//   - IsChitChat recognises greetings, thanks, pleasantries and one-word replies, which carry nothing
//     worth remembering;
//   - Extractor ties the two together and, for a conversation, makes one fact per message (or, with
//     SentenceFacts, per sentence) saying who said it ("Caroline: I went to a support group
//     yesterday."), when, and in which message; it keeps a short answer with the question it
//     answers ("Maybe 15 people. (answering Caroline: How many people came?)"), and, when asked,
//     writes the absolute date of relative ones into the fact (AbsoluteDates, see ResolveDates).
//
// It does not resolve pronouns or references between sentences: each fact is what was written.
//
// Reconciler decides what each new fact does to the memories of its scope (add, no-op, update in
// place, supersede) by rules on their words, subjects, negations, numbers and one-value predicate
// families; its documentation lists the rules and what they get wrong. Summarizer folds a buffer's
// facts into one summary memory.
//
// Plug smarter ones (an LLM, say) into the engine for what these cannot do; these are the baseline
// that always works, costs nothing and never surprises.
package rules
