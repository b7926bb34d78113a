package mnemo

// Limits on what one call may carry. A call over a limit fails with a FieldError wrapping
// ErrInvalidInput; nothing is stored.
const (
	// MaxInputBytes bounds one add, every byte of it: the texts, message contents or item contents,
	// message IDs, roles and names, item topics, the group, user and document IDs, and the keys and
	// values of its properties and metadata, together. Larger documents belong in File, which is
	// not held in memory and has its own limit.
	MaxInputBytes = 16 << 20
	// MaxFileBytes bounds the file of one File add.
	MaxFileBytes = 256 << 20
	// MaxPathBytes bounds the path of one File add.
	MaxPathBytes = 4096
	// MaxInputParts bounds the texts, messages or items of one add.
	MaxInputParts = 100_000
	// MaxFieldBytes bounds each identifier and label: user IDs, groups, document IDs, message IDs and
	// names, topics, property keys and values, metadata keys.
	MaxFieldBytes = 1024
	// MaxMapEntries bounds the entries of Properties and of Metadata.
	MaxMapEntries = 64
	// MaxMetadataBytes bounds the keys and values of Metadata together.
	MaxMetadataBytes = 64 << 10
	// DefaultListLimit is the page size when a listing does not give one; MaxListLimit is the most
	// a page may hold.
	DefaultListLimit = 20
	MaxListLimit     = 1000
	// DefaultGroup is the group of an add or listing that names none.
	DefaultGroup = "default"
)
