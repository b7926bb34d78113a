package main

import (
	"errors"
	"io/fs"

	"github.com/mnemohq/mnemo"
)

// The exit statuses, as the package doc lists them: a script can tell a missing memory from a
// locked file without reading stderr.
const (
	exitOK       = 0
	exitError    = 1 // any error not below
	exitUsage    = 2 // a bad flag, an unknown command, a wrong number of arguments
	exitNotFound = 3 // mnemo.ErrNotFound, or a file that does not exist
	exitConflict = 4 // mnemo.ErrConflict
	exitLocked   = 5 // mnemo.ErrLocked
	exitInvalid  = 6 // mnemo.ErrInvalidInput
	exitCorrupt  = 7 // mnemo.ErrCorrupt, mnemo.ErrVersion
	exitReadOnly = 8 // mnemo.ErrReadOnly
	exitStorage  = 9 // mnemo.ErrStorage
)

// exitCode returns the exit status for a command's error.
func exitCode(err error) int {
	var uerr *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.As(err, &uerr):
		return exitUsage
	case errors.Is(err, mnemo.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return exitNotFound
	case errors.Is(err, mnemo.ErrConflict):
		return exitConflict
	case errors.Is(err, mnemo.ErrLocked):
		return exitLocked
	case errors.Is(err, mnemo.ErrInvalidInput):
		return exitInvalid
	case errors.Is(err, mnemo.ErrCorrupt), errors.Is(err, mnemo.ErrVersion):
		return exitCorrupt
	case errors.Is(err, mnemo.ErrReadOnly):
		return exitReadOnly
	case errors.Is(err, mnemo.ErrStorage):
		return exitStorage
	}
	return exitError
}
