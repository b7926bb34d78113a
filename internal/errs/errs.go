// Package errs holds mnemo's sentinel errors, so that every package can return them without import
// cycles. The root package re-exports each one under the same value; callers test them with errors.Is.
// Their texts carry no "mnemo:" prefix: they are wrapped with context ("open agent.db: file locked by
// another process"), and a program that prints them adds its own prefix once.
package errs

import "errors"

var (
	// NotFound is returned when a run or memory with the given ID does not exist.
	NotFound = errors.New("not found")
	// InvalidInput is returned when an argument is malformed, empty, too large or out of range.
	InvalidInput = errors.New("invalid input")
	// Conflict is returned when a write contradicts stored state: a reused document ID, or a run that
	// changed since it was read.
	Conflict = errors.New("conflict")
	// Closed is returned by every call on an engine that has been closed.
	Closed = errors.New("engine closed")
	// Locked is returned by Open when another process holds the file past the lock timeout.
	Locked = errors.New("file locked by another process")
	// Corrupt is returned when the file cannot be read as a mnemo database.
	Corrupt = errors.New("file corrupt")
	// Version is returned by Open when the file was written by a newer version of mnemo.
	Version = errors.New("file written by a newer version of mnemo")
	// ReadOnly is returned by every write to an engine opened read-only.
	ReadOnly = errors.New("engine opened read-only")
	// Storage is returned when the file could not be written: the disk is full, the file may not
	// grow, an I/O error. Nothing of the write was stored; it may succeed later.
	Storage = errors.New("storage")
)
