package mnemo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mnemohq/mnemo/store"
)

// Limits on one batch.
const (
	// MaxBatchItems bounds the items of one AddBatch.
	MaxBatchItems = 1000
	// MaxBatchBytes bounds the stored size of a batch's inputs together, files apart (their bytes
	// are stored before the batch's one commit, and each has MaxFileBytes).
	MaxBatchBytes = 64 << 20
)

// AddRequest is one add of a batch: an input and its options.
type AddRequest struct {
	Input   Input
	Options AddOptions
}

// BatchOptions configures AddBatch.
type BatchOptions struct {
	// FailFast refuses the whole batch at the first item that cannot be added (bad input, a
	// document ID already added): nothing is accepted. Without it, the items that can be added are
	// accepted and the others are reported in their BatchItem.Err.
	FailFast bool
}

// Batch is a batch of adds and where it stands.
type Batch struct {
	ID string `json:"id"`
	// Status is the batch's aggregate status: Queued while no run has started; Running while some
	// run has not ended (in_buffer counts as running); then Completed if every item was added and
	// its run completed, Failed if no run committed anything (every item refused or failed), and
	// PartialSuccess otherwise.
	Status Status `json:"status"`
	// Items are the batch's items, in the order given.
	Items     []BatchItem `json:"items"`
	CreatedAt time.Time   `json:"created_at"`
}

// BatchItem is one item of a batch: the run it was added as, or the error that refused it.
type BatchItem struct {
	// RunID is the item's run; empty when the item was refused.
	RunID string
	// Err says why the item was refused; it wraps the sentinel it was refused with (ErrInvalidInput,
	// ErrConflict ...). Nil for an item added, whatever its run's outcome.
	Err error
	// Status is the status of the item's run when the batch was read; Failed for a refused item.
	Status Status
}

// MarshalJSON writes the item as {"run_id", "status", "error"}.
func (it BatchItem) MarshalJSON() ([]byte, error) {
	v := struct {
		RunID  string `json:"run_id,omitempty"`
		Status Status `json:"status"`
		Error  string `json:"error,omitempty"`
	}{RunID: it.RunID, Status: it.Status}
	if it.Err != nil {
		v.Error = it.Err.Error()
	}
	return json.Marshal(v)
}

// AddBatch adds many inputs at once and returns the batch, with each item's run ID or error. The
// items' checks come first (files are opened and their bytes stored then); then every item that can
// be added is recorded in one commit, with the batch, before AddBatch returns: as with Add, accepted
// means on disk. With opts.FailFast, the first item that cannot be added fails the call with an
// error naming it (items[i]....) and nothing is accepted. A ctx that ends while files are being
// stored cancels the batch (nothing is accepted); once the commit has begun, AddBatch waits for it.
// Follow the batch with Engine.Batches.
//
// Errors wrap ErrInvalidInput for an empty batch, more than MaxBatchItems items, more than
// MaxBatchBytes of inputs, or (with FailFast) a bad item; ErrConflict (with FailFast) for a document ID
// already added; ErrStorage, ErrReadOnly and ErrClosed as Add does.
func (s *MemoryService) AddBatch(ctx context.Context, reqs []AddRequest, opts *BatchOptions) (*Batch, error) {
	e := s.e
	if err := e.beginWrite(ctx); err != nil {
		return nil, err
	}
	var o BatchOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case len(reqs) == 0:
		return nil, invalid("items", "at least one is required")
	case len(reqs) > MaxBatchItems:
		return nil, invalid("items", "%d exceed the limit of %d", len(reqs), MaxBatchItems)
	}
	adds := make([]*pendingAdd, len(reqs))
	dropAll := func() {
		for _, a := range adds {
			if a != nil {
				a.drop(e)
			}
		}
	}
	items := make([]store.BatchItem, len(reqs))
	refused := make([]error, len(reqs)) // the errors of items refused before the commit, as they were
	refuse := func(i int, err error) error {
		err = itemError(i, err)
		if o.FailFast {
			return err
		}
		items[i] = store.BatchItem{Code: store.CodeOf(err), Error: err.Error()}
		refused[i] = err
		adds[i] = nil
		return nil
	}
	var runs []store.NewRun
	size := 0
	for i := range reqs {
		a, err := e.prepareAdd(reqs[i].Input, &reqs[i].Options)
		if err != nil {
			if err := refuse(i, err); err != nil {
				return nil, err
			}
			continue
		}
		adds[i] = a
	}
	for i, a := range adds {
		if a == nil {
			continue
		}
		if err := ctx.Err(); err != nil { // before the commit, a cancelled batch leaves nothing
			dropAll()
			return nil, fmt.Errorf("add batch: %w", err)
		}
		if err := e.stage(a); err != nil {
			if store.IsStorage(err) || errors.Is(err, ErrClosed) {
				dropAll()
				return nil, fmt.Errorf("add batch: items[%d]: %w", i, err)
			}
			if err := refuse(i, err); err != nil {
				dropAll()
				return nil, err
			}
			continue
		}
		data := a.payload.Encode()
		if size += len(data); size > MaxBatchBytes {
			dropAll()
			return nil, invalid("items", "the inputs exceed the limit of %d bytes for one batch: split it", MaxBatchBytes)
		}
		items[i].RunID = a.run.ID
		runs = append(runs, store.NewRun{Run: a.run, Input: data})
	}
	id, err := e.ids.New()
	if err != nil {
		dropAll()
		return nil, fmt.Errorf("add batch: new batch id: %w", err)
	}
	now := e.now()
	recorded, err := e.store.CreateBatch(id.String(), now, items, runs, o.FailFast)
	if err != nil {
		dropAll()
		return nil, fmt.Errorf("add batch: %w", err)
	}
	for i, it := range recorded {
		if it.RunID != "" {
			e.exec.Enqueue(it.RunID)
		} else if a := adds[i]; a != nil {
			a.drop(e) // refused in the commit: its document ID was taken meanwhile
		}
	}
	b, err := e.Batches.view(store.Batch{ID: id.String(), CreatedAt: now, Items: recorded})
	if err != nil {
		return nil, err
	}
	for i, err := range refused {
		if err != nil {
			b.Items[i].Err = err
		}
	}
	return b, nil
}

// itemError names item i in err: a FieldError's field gets the prefix items[i]., any other error
// the prefix "items[i]: ".
func itemError(i int, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: fmt.Sprintf("items[%d].%s", i, fe.Field), Reason: fe.Reason}
	}
	return fmt.Errorf("items[%d]: %w", i, err)
}

// BatchService is the engine's batches: Engine.Batches.
type BatchService struct{ e *Engine }

// Get returns the batch with the given ID and the status of each of its runs now, or an error
// wrapping ErrNotFound.
func (s *BatchService) Get(ctx context.Context, id string) (*Batch, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	b, err := s.e.store.Batch(id)
	if err != nil {
		return nil, err
	}
	return s.view(b)
}

// Wait blocks until every run of the batch has ended (completed, failed or partial_success) and
// returns the batch then, or returns ctx's error when ctx ends first.
func (s *BatchService) Wait(ctx context.Context, id string) (*Batch, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	b, err := s.e.store.Batch(id)
	if err != nil {
		return nil, err
	}
	for _, it := range b.Items {
		if it.RunID == "" {
			continue
		}
		if _, err := s.e.Runs.Wait(ctx, it.RunID); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("batch %s: %w", id, err)
		}
	}
	return s.view(b)
}

// view reads the status of each run of b and makes the batch's aggregate status. A run removed
// since (PurgeUser) counts as failed.
func (s *BatchService) view(b store.Batch) (*Batch, error) {
	out := &Batch{ID: b.ID, CreatedAt: b.CreatedAt, Items: make([]BatchItem, len(b.Items))}
	var pending, started, completed, partial, failed int
	for i, it := range b.Items {
		item := BatchItem{RunID: it.RunID, Status: Failed}
		if it.RunID == "" {
			item.Err = &batchItemError{sentinel: it.Code.Sentinel(), text: it.Error}
			failed++
			out.Items[i] = item
			continue
		}
		var r Run
		err := s.e.store.RunInto(it.RunID, &r)
		switch {
		case errors.Is(err, ErrNotFound):
			failed++
			out.Items[i] = item
			continue
		case err != nil:
			return nil, fmt.Errorf("batch %s: %w", b.ID, err)
		}
		item.Status = r.Status
		switch r.Status {
		case Completed:
			completed++
		case PartialSuccess:
			partial++
		case Failed:
			failed++
		case Queued:
			pending++
		default:
			pending++
			started++
		}
		out.Items[i] = item
	}
	switch {
	case pending > 0 && started == 0 && completed+partial+failed == 0:
		out.Status = Queued
	case pending > 0:
		out.Status = Running
	case failed == 0 && partial == 0:
		out.Status = Completed
	case completed == 0 && partial == 0:
		out.Status = Failed
	default:
		out.Status = PartialSuccess
	}
	return out, nil
}

// batchItemError is a refused item's error read back from the file: its text, wrapping the
// sentinel it was refused with.
type batchItemError struct {
	sentinel error
	text     string
}

func (e *batchItemError) Error() string { return e.text }
func (e *batchItemError) Unwrap() error { return e.sentinel }
