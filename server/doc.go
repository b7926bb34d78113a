// Package server is Engram's REST API over a mnemo engine: the HTTP handler of "mnemo serve", so
// that code written against Weaviate Engram in any language runs its tests against a local file,
// offline and deterministic.
//
// # Endpoints
//
// The spec is engram-openapi.json (Engram API 1.0.0). Its paths carry no prefix; the official SDK
// calls them under /v1, and so does this server:
//
//	POST   /v1/memories              add an input; answers {run_id, status} at once (200)
//	POST   /v1/memories/list         the first page of a scope: limit 1..100, default 20
//	POST   /v1/memories/search       query a scope: retrieval_config {retrieval_type, limit 1..100, default 10}
//	GET    /v1/memories/{id}         a memory, in the scope of ?user_id= and ?group=
//	DELETE /v1/memories/{id}         delete it (204, no body)
//	GET    /v1/runs/{run_id}         a run in Engram's shape
//	GET    /v1/ingestions/{run_id}   the same run as a Synap ingestion status (not in Engram's spec)
//
// An add's input is one of string {content: [...]}, pre_extracted {items: [{content, topic}]} and
// conversation {messages: [...]} (mnemo.Text, mnemo.PreExtracted, mnemo.Conversation). Its user_id,
// group and properties scope it; conversation_id, which the SDK sends though the spec no longer lists
// it, is the property conversation_id (in list and search too, as a filter); the conversation's
// metadata becomes the memories' (values that are not strings as JSON). The spec's root (another
// starting step) is refused with 422: the server's pipeline is fixed when it starts. Messages' tool
// calls are accepted and not remembered. An Idempotency-Key header is the add's document ID
// (mnemo.AddOptions.DocumentID): repeating it in the scope is 409.
//
// A memory of another scope (group, or user_id compared case-insensitively) is 404 on GET and
// DELETE, as one that does not exist. A list's and a search's total is the number of memories
// returned, as the spec says. Lists are [] when empty, never null; a null retrieval_config.limit is
// the default. Topics given as {name, properties} with per-topic properties are refused (422): the
// engine filters every topic by the top-level properties.
//
// # Statuses
//
// mnemo's runs have six statuses. Engram's vocabulary has four, Synap's five:
//
//	mnemo            Engram (runs, POST /v1/memories)   Synap (ingestions)
//	queued           running                            queued
//	running          running                            processing
//	in_buffer        in_buffer                          processing
//	completed        completed                          completed
//	partial_success  completed, error kept              partial_success, error_message
//	failed           failed, error                      failed, error_message
//
// # Errors
//
// Every error is an RFC 7807 body {type, title, status, detail, errors[]} with Content-Type
// application/problem+json; errors[] names the offending fields ({location, message}) and is []
// otherwise:
//
//	401  no Authorization: Bearer header, or a key that is none of Options.APIKeys (WWW-Authenticate: Bearer)
//	400  a malformed JSON body, or none
//	404  mnemo.ErrNotFound; a memory of another scope; a path no endpoint has
//	405  a method the path's endpoint does not take (Allow lists those it does)
//	409  mnemo.ErrConflict: an Idempotency-Key added before, an add for a user whose purge is under way
//	413  a body over Options.MaxBodyBytes
//	422  mnemo.ErrInvalidInput and schema violations: an unknown property, a wrong type, a limit out
//	     of range, an ID that is not a UUID; errors[0].location names the field ("body.input.string.content[0]")
//	403  mnemo.ErrReadOnly: the engine was opened read-only (a permanent refusal, not worth retrying)
//	503  mnemo.ErrClosed (shutting down), or the request ran past Options.RequestTimeout
//	507  mnemo.ErrStorage: the file could not be written (a full disk); nothing was stored, retry later
//	500  anything else, with a generic detail; the error goes to Options.Logger, not to the client
//
// # Security
//
// Every request needs Authorization: Bearer KEY with one of Options.APIKeys, compared in constant
// time; with no key, every request is 401 unless Options.AllowNoAuth (which "mnemo serve" grants only
// on a loopback address, and only with --no-auth). Any key grants everything: one file is one
// project. The access log never records the key, nor the query string (which carries user IDs).
//
// New returns only the handler: the http.Server around it sets the connection timeouts, and its
// Shutdown drains requests before the caller closes the engine; runs still in flight then resume at
// the engine's next Open.
package server
