package server

import (
	"net/http"
	"strings"

	"github.com/mnemohq/mnemo"
)

// getRun is GET /v1/runs/{run_id}: the run in Engram's shape and vocabulary (see EngramStatus).
func (s *server) getRun(w http.ResponseWriter, r *http.Request) {
	s.serveRun(w, r, func(run *mnemo.Run) any { return engramRun(run) })
}

// getIngestion is GET /v1/ingestions/{run_id}: the run as a Synap ingestion status (see SynapStatus).
func (s *server) getIngestion(w http.ResponseWriter, r *http.Request) {
	s.serveRun(w, r, func(run *mnemo.Run) any { return ingestion(run) })
}

// serveRun answers with the run the path names, in the shape the endpoint gives it.
func (s *server) serveRun(w http.ResponseWriter, r *http.Request, shape func(*mnemo.Run) any) {
	id, p := runID(r)
	if p != nil {
		writeProblem(w, p)
		return
	}
	run, err := s.eng.Runs.Get(r.Context(), id)
	if err != nil {
		writeProblem(w, s.problemFor(r, err, nil))
		return
	}
	reply(w, http.StatusOK, shape(run))
}

// runID is the path's run ID, which the spec requires to be a UUID.
func runID(r *http.Request) (string, *Problem) {
	id := r.PathValue("run_id")
	if !isUUID(id) {
		return "", invalidField("path.run_id", "expected a UUID")
	}
	return strings.ToLower(id), nil
}

// isUUID reports whether s is a UUID in its canonical form, 8-4-4-4-12 hex digits in either case.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case '0' <= c && c <= '9', 'a' <= c && c <= 'f', 'A' <= c && c <= 'F':
		default:
			return false
		}
	}
	return true
}
