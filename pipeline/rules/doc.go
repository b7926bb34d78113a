// Package rules is mnemo's default extractor: offline, deterministic and free of any model. It turns
// an input into candidate facts one sentence at a time:
//
//   - Sentences splits text into sentences, minding abbreviations, initials, numbers, URLs, quotes,
//     ellipses, line breaks and bulleted lists;
//   - IsChitChat recognises greetings, thanks, pleasantries and one-word replies, which carry nothing
//     worth remembering;
//   - Extractor ties the two together and, for a conversation, says who said each sentence
//     ("Caroline: I went to a support group yesterday."), when, and in which message.
//
// It does not resolve pronouns, relative dates ("yesterday") or references between sentences: each
// fact is a sentence as it was written. Plug a smarter extractor (an LLM, say) into the engine for
// that; this one is the baseline that always works, costs nothing and never surprises.
package rules
