/*
Package mnemo is an embedded memory engine for LLM agents: it runs inside the process, keeps
everything in one bbolt file, and needs no server and no network.

# Basics

Open a file and add inputs; each add returns its run at once:

	eng, err := mnemo.Open("agent.db", nil)
	...
	defer eng.Close()
	run, err := eng.Memories.Add(ctx, mnemo.Text("Alice prefers async Python."), &mnemo.AddOptions{UserID: "alice"})

Worker goroutines take the run through the pipeline: extract (split the input into candidate facts
with their sources), transform (normalise, merge duplicates, and reconcile each fact with the
memories of its scope), commit (write what was decided and the run's outcome in one transaction).
Follow it with eng.Runs: Get reads it as it is, Wait blocks until it ends, WaitFor until it reaches
given statuses, Watch streams its status changes. Read the memories with eng.Memories.Get and List,
by scope: a group, a user, custom properties, topics.

# Reconcile, edits and history

For each new fact, Options.Reconciler (rules.Reconciler by default) looks at the memories of its scope
related to it, found through a term index, never a scan, and at the earlier facts of the same run,
and decides: add it; nothing, for a duplicate; update a memory in place, for a refinement (its
Version grows); or supersede one, for a contradiction ("I live in Paris." then "I moved to Berlin."). A superseded memory stays readable by
ID with Memory.SupersededBy, and leaves listings unless ListOptions.IncludeSuperseded. The run's
CommittedOperations list created, updated and deleted (superseded) memories.

The application edits too: Memories.Update replaces a memory's content, Delete removes it, and
History lists every change of a memory, by a run or by the application (ChangeByAPI), with its old
and new content and time; Delete keeps the history, Purge removes a memory and its history, and
PurgeUser erases all of one user. AddOptions.ExpiresAt and UpdateOptions.ExpiresAt make memories
expire: hidden from listings, kept until purged.

A run's status is one of queued, running, in_buffer, completed, failed and partial_success, and moves
only along the edges drawn in package status; the store refuses any other change.

Options.Pipeline composes other pipelines (package pipeline): a Buffer step parks runs in_buffer and
keeps their items per scope until its trigger (package buffer) fires or Engine.Buffers.Flush, then
the steps after it run once for all of them; a Summarize step keeps one summary memory per topic and
scope, updated in place.

# Guarantees

Accepted means durable: Add returns only after the run and its input are committed to the file;
concurrent adds share one commit. No accepted run is stranded: while the engine is open, every queued
or running run has a worker coming for it, and storage errors (a full disk, a file size limit) are
waited out and retried, never counted against the input. A run is never lost: runs a dead process
left queued or running resume at the next Open, from their last stored step or commit part. Nothing
is half committed: each commit writes memories, index entries and the run's new state in one
transaction, as a compare-and-set on the run; a large run commits in bounded parts and is completed
only with its last. Failures are visible: a run whose inputs failed ends failed or partial_success with
the reason in Run.Error, and Options.Logger hears of every retry (Warn) and failure (Error). Damage
stays local: a damaged record is ErrCorrupt for its own ID and skipped by listings. Times round-trip
exactly.

# Caveats

One process opens a file at a time (bbolt's lock); a second Open returns ErrLocked after
Options.LockTimeout. Share one Engine between goroutines instead: every method is safe for
concurrent use. Options.ReadOnly opens a file for reading under a shared lock.

Close lets the steps under way finish within Options.ShutdownTimeout, then cancels them; runs left
unfinished resume at the next Open. An Extractor must honour its context, or Close leaves its
goroutine behind.

Each add waits for an fsync. Many concurrent adds share one; a single goroutine adding in a loop pays
at least one per add, and is bounded by the disk (see bench/README.md). A run is marked running only
when its first step's output is stored, so a run whose extraction is slow shows queued meanwhile.

Not there yet: search, files and batches.
*/
package mnemo
