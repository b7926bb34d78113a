package embedding

import (
	"errors"
	"fmt"
)

// ErrDimensions is returned, wrapped, by OpenAI.Embed when the endpoint returns a vector whose
// length is not Dimensions.
var ErrDimensions = errors.New("embedding: vector length differs from the embedder's Dims")

// StatusError is the error OpenAI.Embed returns when the endpoint answers with an HTTP status
// other than 200; errors.As finds it, to tell a rate limit (429) or an outage (5xx), worth a
// retry, from a bad key or request (4xx).
type StatusError struct {
	// StatusCode is the HTTP status code.
	StatusCode int
	// Body is the start of the response body, where the endpoint explains the error.
	Body string
}

// Error implements error.
func (e *StatusError) Error() string {
	return fmt.Sprintf("embedding: endpoint answered %d: %s", e.StatusCode, e.Body)
}
