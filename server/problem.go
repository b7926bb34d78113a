package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/mnemohq/mnemo"
)

// problemType is the type of every problem the server reports: RFC 7807's "no further meaning than
// the status", as Engram's own server sends.
const problemType = "about:blank"

// Problem is an RFC 7807 error body, shaped as the spec's ErrorModel: what every error response of
// the server carries, with Content-Type application/problem+json.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	// Detail is the human-readable explanation; Engram's SDK shows it as the error's message.
	Detail string `json:"detail"`
	// Errors name the offending fields, for 400 and 422; an empty list otherwise.
	Errors []ErrorDetail `json:"errors"`
}

// ErrorDetail is one offending field of a request: where it is ("body.input.string.content[0]",
// "query.user_id", "path.id") and what is wrong with it.
type ErrorDetail struct {
	Location string `json:"location"`
	Message  string `json:"message"`
	Value    any    `json:"value,omitempty"`
}

// problem returns the Problem for status, with detail and errors.
func problem(status int, detail string, errs ...ErrorDetail) *Problem {
	if errs == nil {
		errs = []ErrorDetail{}
	}
	return &Problem{Type: problemType, Title: http.StatusText(status), Status: status, Detail: detail, Errors: errs}
}

// Error lets a *Problem travel as an error from a handler's helpers to writeProblem.
func (p *Problem) Error() string { return p.Detail }

// invalidField is the 422 of one offending field.
func invalidField(location, message string) *Problem {
	return problem(http.StatusUnprocessableEntity, "validation failed: "+location+": "+message,
		ErrorDetail{Location: location, Message: message})
}

// writeProblem writes p as the response.
func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

// fieldMapper turns the field a mnemo.FieldError names ("contents[2]", "limit") into the location
// in the request the client sent ("body.input.string.content[2]", "body.retrieval_config.limit").
type fieldMapper func(field string) string

// problemFor maps an engine error to the problem the client sees; see the package doc for the table.
// Errors the client cannot act on are reported as 500 with a generic detail (the error itself goes
// to the log), so that no path or internal state leaks.
func (s *server) problemFor(r *http.Request, err error, fields fieldMapper) *Problem {
	var p *Problem
	var fe *mnemo.FieldError
	switch {
	case errors.As(err, &p):
		return p
	case errors.As(err, &fe):
		loc := fe.Field
		if fields != nil {
			loc = fields(fe.Field)
		}
		return invalidField(loc, fe.Reason)
	case errors.Is(err, mnemo.ErrInvalidInput):
		return problem(http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, mnemo.ErrNotFound):
		return problem(http.StatusNotFound, err.Error())
	case errors.Is(err, mnemo.ErrConflict):
		return problem(http.StatusConflict, err.Error())
	case errors.Is(err, mnemo.ErrReadOnly):
		return problem(http.StatusForbidden, "the server's file is open read-only: it takes no writes")
	case errors.Is(err, mnemo.ErrClosed):
		return problem(http.StatusServiceUnavailable, "the server is shutting down")
	case errors.Is(err, mnemo.ErrStorage):
		return problem(http.StatusInsufficientStorage, "the server could not write its file (is the disk full?); nothing was stored")
	case errors.Is(err, context.DeadlineExceeded):
		return problem(http.StatusServiceUnavailable, "the request timed out")
	case errors.Is(err, context.Canceled):
		return problem(http.StatusServiceUnavailable, "the request was cancelled")
	}
	s.log.ErrorContext(r.Context(), "mnemo serve: internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	return problem(http.StatusInternalServerError, "internal error; the server's log has the details")
}

// bodyField maps the engine's names of an add's fields to the request body's.
func bodyField(field string) string {
	for _, m := range []struct{ engine, wire string }{
		{"contents", "input.string.content"},
		{"messages", "input.conversation.messages"},
		{"items", "input.pre_extracted.items"},
		{"metadata", "input.conversation.metadata"},
		{"mode", "retrieval_config.retrieval_type"},
	} {
		if rest, ok := strings.CutPrefix(field, m.engine); ok {
			return "body." + m.wire + rest
		}
	}
	return "body." + field
}

// searchField is bodyField for a search, whose limit sits in retrieval_config.
func searchField(field string) string {
	if field == "limit" {
		return "body.retrieval_config.limit"
	}
	return bodyField(field)
}

// queryField maps a field to the query parameter of a GET or DELETE.
func queryField(field string) string { return "query." + field }
