package mnemo

import (
	"context"
	"strings"

	"github.com/mnemohq/mnemo/pipeline"
	"github.com/mnemohq/mnemo/store"
)

// FlushOptions selects the buffers Flush fires, by scope: Group (DefaultGroup when empty) and
// UserID exactly (user IDs compare case-insensitively), and every property given (a buffer of a scope
// with more properties matches too). A nil *FlushOptions selects every buffer.
type FlushOptions struct {
	UserID     string
	Group      string
	Properties map[string]string
}

// BufferListOptions selects the buffers List describes, as FlushOptions selects those Flush fires.
// A nil *BufferListOptions selects every buffer.
type BufferListOptions struct {
	UserID     string
	Group      string
	Properties map[string]string
}

// BufferService is the engine's buffers: Engine.Buffers. Buffers are made by the buffer steps of the
// pipeline (pipeline.Buffer); see package buffer.
type BufferService struct{ e *Engine }

// Flush fires now the selected buffers (see FlushOptions), whatever their triggers say, and returns
// how many parked runs resumed. It returns once the firings are stored: the runs are running, and
// Runs.Wait follows them to their end. Buffers of a step that the engine's pipeline does not have are
// left alone (see BufferInfo.Active).
func (s *BufferService) Flush(ctx context.Context, opts *FlushOptions) (int, error) {
	if err := s.e.beginWrite(ctx); err != nil {
		return 0, err
	}
	match, err := bufferFilter(opts)
	if err != nil {
		return 0, err
	}
	return s.e.exec.Flush(match)
}

// List describes every selected buffer that holds items: its scope and step, how many items and
// runs wait in it, when its first and last items arrived, and when its trigger fires it by time.
func (s *BufferService) List(ctx context.Context, opts *BufferListOptions) ([]BufferInfo, error) {
	if err := s.e.begin(ctx); err != nil {
		return nil, err
	}
	match, err := bufferFilter((*FlushOptions)(opts))
	if err != nil {
		return nil, err
	}
	return s.e.exec.Buffers(match)
}

// bufferFilter checks a scope selection and returns its filter; nil selects everything.
func bufferFilter(o *FlushOptions) (pipeline.BufferFilter, error) {
	if o == nil {
		return nil, nil
	}
	group := o.Group
	if group == "" {
		group = DefaultGroup
	}
	for _, f := range []struct{ name, v string }{{"user_id", o.UserID}, {"group", group}} {
		if err := checkLabel(f.name, f.v, false); err != nil {
			return nil, err
		}
	}
	if err := checkProperties("properties", o.Properties); err != nil {
		return nil, err
	}
	return func(b store.BufferScope) bool {
		if b.Group != group || strings.ToLower(b.UserID) != strings.ToLower(o.UserID) {
			return false
		}
		for k, v := range o.Properties {
			if got, ok := b.Properties[k]; !ok || got != v {
				return false
			}
		}
		return true
	}, nil
}
