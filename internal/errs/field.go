package errs

import "fmt"

// FieldError is the error returned for bad input: it names the offending field, in the path form
// hosted APIs use ("messages[2].role"), and says what is wrong. It wraps InvalidInput.
type FieldError struct {
	Field  string
	Reason string
}

// Error returns "invalid input: <field>: <reason>".
func (e *FieldError) Error() string {
	return fmt.Sprintf("%v: %s: %s", InvalidInput, e.Field, e.Reason)
}

// Unwrap returns InvalidInput.
func (e *FieldError) Unwrap() error { return InvalidInput }

// Field returns a *FieldError for field, its reason formatted from format and args.
func Field(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
