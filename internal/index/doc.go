// Package index is mnemo's search index in memory: for each scope (a group and a user), Okapi BM25
// postings of its memories' words and their vectors side by side, with the filters of a search
// (properties, topics, expiry) applied before anything is ranked.
//
// It holds no data of its own that the file lacks: the store builds it from the memories and their
// vectors the first time a search needs it, and then applies every committed change in commit
// order, so that a search sees what the last commit left and nothing else. See store.Search.
//
// Ranking:
//
//   - BM25 is Okapi BM25 with K1 = 1.2 and B = 0.2 (tuned for short memories; see the constants), over
//     the terms Tokens reads, with the document count, frequencies and average length of the scope.
//   - Vector scores are dot products of unit vectors (cosine similarity), computed by brute force
//     over the scope's vectors, which sit contiguous in memory, split across cores for large scopes.
//   - Hybrid fuses the two: BM25 scores divided by the best, cosines scaled from the worst to the
//     best among the scope's candidates, then weighted (HybridBM25, HybridVector), and summed.
package index
