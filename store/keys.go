package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/mnemohq/mnemo/internal/errs"
	"github.com/mnemohq/mnemo/status"
)

// Buckets. Every bucket is created at Open; a file without them is not a mnemo file.
var (
	bucketMeta        = []byte("meta")         // "schema" -> schema version (1 byte); "embedder" -> see Embedder
	bucketRuns        = []byte("runs")         // run ID (16 bytes, UUIDv7 so time-ordered) -> run record
	bucketRunStatus   = []byte("run_status")   // status code (1 byte) + run ID -> nothing
	bucketRunOps      = []byte("run_ops")      // run ID + part (4 bytes) -> operations of a large run's commit part
	bucketInputs      = []byte("inputs")       // run ID -> the add's payload
	bucketAttrs       = []byte("attrs")        // run ID -> the add's properties and metadata, shared by its memories
	bucketCheckpoints = []byte("checkpoints")  // run ID + step (2 bytes) + chunk (4 bytes) -> the step's output
	bucketProgress    = []byte("progress")     // run ID -> step and facts committed of a commit under way
	bucketDocuments   = []byte("documents")    // scope + document ID -> run ID
	bucketMemories    = []byte("memories")     // memory ID (16 bytes) -> memory record
	bucketMemScope    = []byte("mem_scope")    // scope + sequence (8 bytes) + memory ID -> hidden flags (see scopeEntry)
	bucketMemContent  = []byte("mem_content")  // scope + properties + content hash -> memory ID
	bucketBuffers     = []byte("buffers")      // buffer key (see BufferScope) -> the buffer's header
	bucketBufItems    = []byte("buffer_items") // buffer key + ULID -> park time, run ID, item
	bucketBufRuns     = []byte("buffer_runs")  // buffer key + run ID -> what the run said of itself when it parked
	bucketFirings     = []byte("firings")      // leading run's ID -> the runs of its firing
	bucketFollowers   = []byte("followers")    // run ID -> the ID of the run leading its firing
	bucketTerms       = []byte("terms")        // scope + term + memory ID -> hash of the memory's properties and topic
	bucketHistory     = []byte("history")      // memory ID + ULID -> one change of the memory
	bucketRunScope    = []byte("run_scope")    // scope + run ID -> nothing: a user's runs, for PurgeUser
	bucketPurges      = []byte("purges")       // scope -> a PurgeUser under way, resumed at Open
	bucketVectors     = []byte("vectors")      // memory ID -> its unit vector, little-endian float32s
	bucketFiles       = []byte("files")        // run ID + record (4 bytes) -> FileChunk bytes of an added file
	bucketBatches     = []byte("batches")      // batch ID -> its items: run IDs, or why an item was refused
)

var allBuckets = [][]byte{bucketMeta, bucketRuns, bucketRunStatus, bucketRunOps, bucketInputs, bucketAttrs,
	bucketCheckpoints, bucketProgress, bucketDocuments, bucketMemories, bucketMemScope, bucketMemContent,
	bucketBuffers, bucketBufItems, bucketBufRuns, bucketFirings, bucketFollowers, bucketTerms, bucketHistory,
	bucketRunScope, bucketPurges, bucketVectors, bucketFiles, bucketBatches}

// idBytes parses a UUID string into its 16 bytes, the form every ID takes as a key.
func idBytes(field, id string) ([]byte, error) {
	u, err := uuid.Parse(id)
	if err != nil || len(id) != 36 {
		return nil, errs.Field("id", "%s %q is not a UUID", field, id)
	}
	return u[:], nil
}

var statusCodes = map[status.Status]byte{
	status.Queued: 1, status.Running: 2, status.InBuffer: 3,
	status.Completed: 4, status.Failed: 5, status.PartialSuccess: 6,
}

func runStatusKey(s status.Status, id []byte) []byte {
	return append([]byte{statusCodes[s]}, id...)
}

// checkpointPrefix is the key prefix of a step's checkpoint chunks. Schema-1 files stored a
// checkpoint whole under the prefix itself.
func checkpointPrefix(id []byte, step int) []byte {
	return binary.BigEndian.AppendUint16(append(make([]byte, 0, 22), id...), uint16(step))
}

func checkpointKey(id []byte, step, chunk int) []byte {
	return binary.BigEndian.AppendUint32(checkpointPrefix(id, step), uint32(chunk))
}

func runOpsKey(id []byte, part int) []byte {
	return binary.BigEndian.AppendUint32(append(make([]byte, 0, 20), id...), uint32(part))
}

// Scope is where a memory lives: a group and an optional user. User IDs compare case-insensitively,
// as in Engram; the stored memory keeps the spelling it was added with.
type Scope struct {
	Group  string
	UserID string
}

// foldUser is the form in which user IDs compare: Engram's user IDs are case-insensitive.
func foldUser(id string) string { return strings.ToLower(id) }

// prefix is the scope's key prefix: both parts length-prefixed, so no scope's prefix is another's.
func (s Scope) prefix() []byte {
	user := foldUser(s.UserID)
	b := make([]byte, 0, 4+len(s.Group)+len(user))
	b = binary.AppendUvarint(b, uint64(len(s.Group)))
	b = append(b, s.Group...)
	b = binary.AppendUvarint(b, uint64(len(user)))
	return append(b, user...)
}

func documentKey(s Scope, documentID string) []byte {
	return append(s.prefix(), documentID...)
}

func memScopeKey(s Scope, seq uint64, id []byte) []byte {
	b := binary.BigEndian.AppendUint64(s.prefix(), seq)
	return append(b, id...)
}

// ContentKey identifies a memory's content within its scope and properties, for de-duplication:
// contents that differ only in case, punctuation or spacing share a key.
func ContentKey(s Scope, properties map[string]string, content string) []byte {
	return NewContentKeyer(s, properties).Key(NormalizeContent(content))
}

// ContentKeyer makes the content keys of one scope and set of properties, the part they share
// prepared once.
type ContentKeyer struct {
	prefix []byte // the scope's key prefix
	props  []byte // the properties, as hashed before each content
}

// NewContentKeyer prepares the content keys of a scope and properties.
func NewContentKeyer(s Scope, properties map[string]string) *ContentKeyer {
	var props []byte
	for _, k := range slices.Sorted(maps.Keys(properties)) {
		props = fmt.Appendf(props, "%d:%s=%d:%s;", len(k), k, len(properties[k]), properties[k])
	}
	return &ContentKeyer{prefix: s.prefix(), props: append(props, 0)}
}

// Key returns the content key of a content already normalised (see NormalizeContent).
func (k *ContentKeyer) Key(norm string) []byte {
	h := sha256.New()
	h.Write(k.props)
	h.Write([]byte(norm))
	var sum [sha256.Size]byte
	return append(append(make([]byte, 0, len(k.prefix)+16), k.prefix...), h.Sum(sum[:0])[:16]...)
}

// NormalizeContent is the form in which two contents count as the same fact: lower case, letters and
// digits only, single spaces.
func NormalizeContent(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		space = true
	}
	return b.String()
}
