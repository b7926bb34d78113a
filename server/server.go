package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
)

// Defaults for Options.
const (
	// DefaultMaxBodyBytes bounds a request body: an add's largest input (mnemo.MaxInputBytes) and
	// 1 MiB for the JSON around it.
	DefaultMaxBodyBytes = mnemo.MaxInputBytes + 1<<20
	// DefaultRequestTimeout bounds the engine work of one request.
	DefaultRequestTimeout = 30 * time.Second
	// DefaultProjectID is the project_id of every memory the server returns: one file is one project.
	DefaultProjectID = "mnemo"
)

// Options configures the handler. The zero value of each field means its default:
//
//	APIKeys         none: every request is refused with 401, unless AllowNoAuth
//	AllowNoAuth     false
//	MaxBodyBytes    DefaultMaxBodyBytes (17 MiB)
//	RequestTimeout  DefaultRequestTimeout (30 s)
//	ProjectID       DefaultProjectID ("mnemo")
//	Logger          discards
type Options struct {
	// APIKeys are the bearer tokens the server accepts; any one of them grants access to everything.
	APIKeys []string
	// AllowNoAuth serves every request without a key when APIKeys is empty. Serve it on a loopback
	// address only: the CLI refuses anything else.
	AllowNoAuth bool
	// MaxBodyBytes bounds a request body; a larger one is refused with 413.
	MaxBodyBytes int64
	// RequestTimeout bounds the engine work of one request; past it the request fails with 503. (An
	// add past it still commits, or fails, before it answers: see mnemo.MemoryService.Add.)
	RequestTimeout time.Duration
	// ProjectID is the project_id the memories carry.
	ProjectID string
	// Logger receives one Info record per request (method, path, status, duration, bytes; never
	// the key nor the query string) and the errors reported as 500.
	Logger *slog.Logger
}

// server is the handler New returns.
type server struct {
	eng  *mnemo.Engine
	opts Options
	log  *slog.Logger
	keys [][sha256.Size]byte // the API keys' hashes, compared in constant time
	mux  *http.ServeMux
}

// New returns the handler of Engram's REST API over eng (see the package doc). The caller owns eng:
// it closes it after the HTTP server has shut down.
func New(eng *mnemo.Engine, opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	if opts.ProjectID == "" {
		opts.ProjectID = DefaultProjectID
	}
	s := &server{eng: eng, opts: opts, log: opts.Logger, mux: http.NewServeMux()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, k := range opts.APIKeys {
		if k != "" {
			s.keys = append(s.keys, sha256.Sum256([]byte(k)))
		}
	}
	s.mux.HandleFunc("POST /v1/memories", s.createMemory)
	s.mux.HandleFunc("POST /v1/memories/list", s.listMemories)
	s.mux.HandleFunc("POST /v1/memories/search", s.searchMemories)
	s.mux.HandleFunc("GET /v1/memories/{id}", s.getMemory)
	s.mux.HandleFunc("DELETE /v1/memories/{id}", s.deleteMemory)
	s.mux.HandleFunc("GET /v1/runs/{run_id}", s.getRun)
	s.mux.HandleFunc("GET /v1/ingestions/{run_id}", s.getIngestion)
	s.mux.HandleFunc("/", s.noRoute)
	return s
}

// ServeHTTP logs the request, checks its key, bounds its body and time, and routes it.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rec.status),
			slog.Duration("duration", time.Since(start)), slog.Int64("bytes", rec.bytes),
			slog.String("remote", r.RemoteAddr))
	}()
	if !s.authorized(r) {
		rec.Header().Set("WWW-Authenticate", `Bearer realm="mnemo"`)
		writeProblem(rec, problem(http.StatusUnauthorized, "missing or invalid API key: send Authorization: Bearer <key>"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.RequestTimeout)
	defer cancel()
	r = r.WithContext(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes) // w: a body too large closes the connection
	s.mux.ServeHTTP(rec, r)
}

// authorized reports whether r carries one of the keys, comparing every key in constant time so
// that neither a key's bytes nor which key matched shows in the timing.
func (s *server) authorized(r *http.Request) bool {
	if len(s.keys) == 0 {
		return s.opts.AllowNoAuth
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(token)))
	match := 0
	for _, k := range s.keys {
		match |= subtle.ConstantTimeCompare(got[:], k[:])
	}
	return match == 1
}

// noRoute answers a path no route has (404), or a method the path's route does not take (405,
// with Allow), as problems rather than net/http's plain text.
func (s *server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) == 0 {
		writeProblem(w, problem(http.StatusNotFound, "no such endpoint: "+r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeProblem(w, problem(http.StatusMethodNotAllowed, fmt.Sprintf("%s does not take %s", r.URL.Path, r.Method)))
}

// recorder remembers the status and size of a response, for the access log.
type recorder struct {
	http.ResponseWriter
	status      int
	bytes       int64
	wroteHeader bool
}

// WriteHeader records the status.
func (r *recorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

// Write counts the bytes.
func (r *recorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// decode reads the request's one JSON object into v. A body over the limit is 413, malformed JSON
// or a missing body 400, a field the schema does not have or of the wrong type 422 (the spec's
// schemas allow no additional property).
func decode(r *http.Request, v any) *Problem {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, tokErr := dec.Token(); tokErr != io.EOF {
			err = errors.New("more data after the JSON object")
			if mbe := (*http.MaxBytesError)(nil); errors.As(tokErr, &mbe) {
				err = tokErr
			}
		}
	}
	var tooLarge *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var timeErr *time.ParseError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooLarge):
		return problem(http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body exceeds %d bytes", tooLarge.Limit))
	case errors.Is(err, io.EOF):
		return problem(http.StatusBadRequest, "the request body is empty; a JSON object is required",
			ErrorDetail{Location: "body", Message: "required"})
	case errors.As(err, &typeErr):
		loc := "body"
		if typeErr.Field != "" {
			loc += "." + typeErr.Field
		}
		return invalidField(loc, fmt.Sprintf("expected %s, got JSON %s", typeErr.Type, typeErr.Value))
	case errors.As(err, &timeErr):
		return invalidField("body", "a time is not RFC 3339: "+timeErr.Error())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidField("body."+name, "unexpected property")
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return problem(http.StatusBadRequest, "malformed JSON: "+err.Error(), ErrorDetail{Location: "body", Message: err.Error()})
	}
	return problem(http.StatusBadRequest, "unreadable body: "+err.Error(), ErrorDetail{Location: "body", Message: err.Error()})
}

// reply writes v as the JSON response, with status.
func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
