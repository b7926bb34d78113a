package mnemo

import "github.com/mnemohq/mnemo/internal/errs"

// Sentinel errors. Every error a call returns wraps at most one of them; test with errors.Is.
var (
	// ErrNotFound is returned when no run or memory has the given ID.
	ErrNotFound = errs.NotFound
	// ErrInvalidInput is returned for a malformed, empty, oversized or out-of-range argument; the
	// error names the field (see FieldError).
	ErrInvalidInput = errs.InvalidInput
	// ErrConflict is returned when a write contradicts what is stored: a document ID added before,
	// or a run that moved on since it was read.
	ErrConflict = errs.Conflict
	// ErrClosed is returned by every call on a closed engine, and by waits that Close interrupted.
	ErrClosed = errs.Closed
	// ErrLocked is returned by Open when another process holds the file past Options.LockTimeout.
	ErrLocked = errs.Locked
	// ErrCorrupt is returned when the file cannot be read as a mnemo file: a damaged page, a
	// truncated record, or a bbolt file of some other program.
	ErrCorrupt = errs.Corrupt
	// ErrVersion is returned by Open for a file written by a newer version of mnemo.
	ErrVersion = errs.Version
	// ErrReadOnly is returned by every write (Add, Delete) to an engine opened with Options.ReadOnly,
	// and by a wait for a run that a read-only engine cannot see move.
	ErrReadOnly = errs.ReadOnly
	// ErrStorage is returned by Add (and Delete) when the file could not be written: the disk is
	// full, the file may not grow (a quota, RLIMIT_FSIZE), an I/O error. Nothing was stored: the add
	// was not accepted, and trying again once there is room succeeds. The error also wraps the
	// operating system's, where bbolt kept it (errors.Is(err, syscall.ENOSPC)). The pipeline's own
	// writes never fail with it: they are retried until they succeed.
	ErrStorage = errs.Storage
)

// FieldError is the error returned for bad input: it names the offending field, in the path form
// hosted APIs use ("messages[2].role"), and says what is wrong. It wraps ErrInvalidInput. Every
// error a call returns for its arguments is one (test with errors.As).
type FieldError = errs.FieldError

func invalid(field, format string, args ...any) error { return errs.Field(field, format, args...) }
