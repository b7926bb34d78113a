package status

import (
	"fmt"

	"github.com/mnemohq/mnemo/internal/errs"
)

// ErrIllegalTransition is returned when a change would move a run along an edge the state machine does
// not have. It wraps mnemo's ErrConflict.
var ErrIllegalTransition = fmt.Errorf("%w: illegal status transition", errs.Conflict)

// errHubClosed is returned by waits on a hub that was closed; it wraps mnemo's ErrClosed.
var errHubClosed = fmt.Errorf("status hub: %w", errs.Closed)

// ErrUnreachable is returned by WaitFor when the run ended in a terminal status other than the ones
// waited for: it will never reach them.
var ErrUnreachable = fmt.Errorf("%w: run ended before reaching the status waited for", errs.Conflict)

// ErrRemoved is returned by WaitFor when the run was removed (its user purged) while it was waited
// for. It wraps mnemo's ErrNotFound.
var ErrRemoved = fmt.Errorf("%w: the run was removed (its user purged)", errs.NotFound)
