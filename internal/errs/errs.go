// Package errs holds mnemo's sentinel errors, so that every package can return them without import
// cycles. The root package re-exports each one under the same value; callers test them with errors.Is.
package errs

import "errors"

var (
	// NotFound is returned when a run or memory with the given ID does not exist.
	NotFound = errors.New("mnemo: not found")
	// InvalidInput is returned when an argument is malformed, empty, too large or out of range.
	InvalidInput = errors.New("mnemo: invalid input")
	// Conflict is returned when a write contradicts stored state: a reused document ID, or a run that
	// changed since it was read.
	Conflict = errors.New("mnemo: conflict")
	// Closed is returned by every call on an engine that has been closed.
	Closed = errors.New("mnemo: engine closed")
	// Locked is returned by Open when another process holds the file past the lock timeout.
	Locked = errors.New("mnemo: file locked by another process")
	// Corrupt is returned when the file cannot be read as a mnemo database.
	Corrupt = errors.New("mnemo: file corrupt")
	// Version is returned by Open when the file was written by a newer version of mnemo.
	Version = errors.New("mnemo: file written by a newer version")
)
