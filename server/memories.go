package server

import (
	"net/http"
	"strings"

	"github.com/mnemohq/mnemo"
)

// idempotencyHeader carries an add's document ID (mnemo.AddOptions.DocumentID). The spec has no
// document ID; the header is the HTTP convention for one, and an add that repeats it within its
// scope is refused with 409.
const idempotencyHeader = "Idempotency-Key"

// createMemory is POST /v1/memories: the run is recorded durably, then answered at once.
func (s *server) createMemory(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if p := decode(r, &req); p != nil {
		writeProblem(w, p)
		return
	}
	in, opts, p := req.mnemoInput()
	if p != nil {
		writeProblem(w, p)
		return
	}
	opts.DocumentID = r.Header.Get(idempotencyHeader)
	run, err := s.eng.Memories.Add(r.Context(), in, opts)
	if err != nil {
		writeProblem(w, s.problemFor(r, err, func(f string) string {
			if f == "document_id" {
				return "header." + idempotencyHeader
			}
			return bodyField(f)
		}))
		return
	}
	out := runOutput{RunID: run.ID, Status: EngramStatus(run.Status)}
	if run.Status == mnemo.Failed {
		out.Error = run.Error
	}
	reply(w, http.StatusOK, out)
}

// listMemories is POST /v1/memories/list: the first page of a scope, oldest first.
func (s *server) listMemories(w http.ResponseWriter, r *http.Request) {
	var req listRequest
	if p := decode(r, &req); p != nil {
		writeProblem(w, p)
		return
	}
	n, p := limit(req.Limit, defaultListLimit, "body.limit")
	if p != nil {
		writeProblem(w, p)
		return
	}
	props, topics, p := req.filter()
	if p != nil {
		writeProblem(w, p)
		return
	}
	page, err := s.eng.Memories.List(r.Context(), &mnemo.ListOptions{
		UserID: req.UserID, Group: req.Group, Properties: props, Topics: topics, Limit: n,
	})
	if err != nil {
		writeProblem(w, s.problemFor(r, err, bodyField))
		return
	}
	out := memoryList{Memories: make([]memoryOut, len(page.Memories)), Total: len(page.Memories)}
	for i := range page.Memories {
		out.Memories[i] = s.memoryOut(&page.Memories[i])
	}
	reply(w, http.StatusOK, out)
}

// searchMemories is POST /v1/memories/search.
func (s *server) searchMemories(w http.ResponseWriter, r *http.Request) {
	var req searchRequest
	if p := decode(r, &req); p != nil {
		writeProblem(w, p)
		return
	}
	if req.Query == nil {
		writeProblem(w, invalidField("body.query", "required"))
		return
	}
	if *req.Query == "" {
		writeProblem(w, invalidField("body.query", "expected length >= 1"))
		return
	}
	mode, p := req.RetrievalConfig.mode()
	if p != nil {
		writeProblem(w, p)
		return
	}
	var lim *int
	if req.RetrievalConfig != nil {
		lim = req.RetrievalConfig.Limit
	}
	n, p := limit(lim, defaultSearchLimit, "body.retrieval_config.limit")
	if p != nil {
		writeProblem(w, p)
		return
	}
	props, topics, p := req.filter()
	if p != nil {
		writeProblem(w, p)
		return
	}
	res, err := s.eng.Memories.Search(r.Context(), *req.Query, &mnemo.SearchOptions{
		UserID: req.UserID, Group: req.Group, Properties: props, Topics: topics, Mode: mode, Limit: n,
	})
	if err != nil {
		writeProblem(w, s.problemFor(r, err, searchField))
		return
	}
	out := memoryList{Memories: make([]memoryOut, len(res)), Total: len(res)}
	for i := range res {
		out.Memories[i] = s.memoryOut(&res[i].Memory)
		score := res[i].Score
		out.Memories[i].Score = &score
	}
	reply(w, http.StatusOK, out)
}

// getMemory is GET /v1/memories/{id}.
func (s *server) getMemory(w http.ResponseWriter, r *http.Request) {
	m, p := s.scopedMemory(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	reply(w, http.StatusOK, s.memoryOut(m))
}

// deleteMemory is DELETE /v1/memories/{id}: 204 with no body.
func (s *server) deleteMemory(w http.ResponseWriter, r *http.Request) {
	m, p := s.scopedMemory(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	if err := s.eng.Memories.Delete(r.Context(), m.ID); err != nil {
		writeProblem(w, s.problemFor(r, err, queryField))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// scopedMemory reads the memory of the path's ID in the scope of the query's user_id and group
// (DefaultGroup when absent). A memory of another scope is 404, as one that does not exist: the
// scope is part of its address. A superseded memory is readable by ID, as in the engine.
func (s *server) scopedMemory(r *http.Request) (*mnemo.Memory, *Problem) {
	id := r.PathValue("id")
	if !isUUID(id) {
		return nil, invalidField("path.id", "expected a UUID")
	}
	q := r.URL.Query()
	user, group := q.Get("user_id"), q.Get("group")
	if group == "" {
		group = mnemo.DefaultGroup
	}
	m, err := s.eng.Memories.Get(r.Context(), strings.ToLower(id))
	if err != nil {
		return nil, s.problemFor(r, err, queryField)
	}
	if m.Group != group || !strings.EqualFold(m.UserID, user) {
		return nil, problem(http.StatusNotFound, "not found")
	}
	return m, nil
}
