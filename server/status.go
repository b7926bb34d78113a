package server

import "github.com/mnemohq/mnemo"

// EngramStatus is a run's status in Engram's vocabulary, which has four: running, in_buffer,
// completed and failed. A queued run is reported running (Engram has no queue the client can see),
// and a partial success completed; its Error keeps the text of the inputs that failed.
func EngramStatus(s mnemo.Status) string {
	switch s {
	case mnemo.Queued:
		return string(mnemo.Running)
	case mnemo.PartialSuccess:
		return string(mnemo.Completed)
	}
	return string(s)
}

// SynapStatus is a run's status in Synap's ingestion vocabulary: queued, processing, completed,
// failed and partial_success. A running run is processing, and so is one parked in a buffer (in_buffer):
// its ingestion is not over.
func SynapStatus(s mnemo.Status) string {
	switch s {
	case mnemo.Running, mnemo.InBuffer:
		return "processing"
	}
	return string(s)
}
