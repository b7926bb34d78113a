package mnemo

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mnemohq/mnemo/internal/files"
	"github.com/mnemohq/mnemo/pipeline"
)

// File returns an input of one file (input type "file"): plain text, Markdown, HTML (its text), a
// PDF (its text), or a chat export in JSON or JSONL (OpenAI's messages, ChatGPT's conversations.json),
// which becomes a conversation with its times. The format comes from the content, the name deciding
// only between text and Markdown.
//
// Add reads the file when it is called and stores its bytes in the mnemo file before it returns, so
// the run never depends on the file again: it may change or go. The bytes are copied a few megabytes
// at a time, never whole into memory, and the run reads them back the same way: it cuts them into
// chunks along the file's structure (headings, paragraphs; see internal/files for the sizes) and
// extracts each chunk on its own, committing as it goes. Each memory's Sources name the file (its
// path as given), the chunk and, for a PDF, the page. A chunk whose extraction fails is named in the
// run's Error, and the run ends partial_success if others committed.
//
// Add refuses, with a FieldError on "file", a path that does not name a readable regular file, an
// empty file, a file over MaxFileBytes, and a format it does not read (images, archives, other
// binaries, JSON that is not a chat export).
func File(path string) Input { return fileInput(path) }

type fileInput string

func (fileInput) Type() InputType { return InputFile }
func (f fileInput) payload() pipeline.Payload {
	path := string(f)
	if path != "" {
		path = filepath.Clean(path)
	}
	return pipeline.Payload{Type: InputFile, File: &pipeline.FileRef{Path: path}}
}

// openFile opens the file of ref for an add, checks it, and records its format in ref. The file is
// returned positioned at its start.
func openFile(ref *pipeline.FileRef) (*os.File, error) {
	f, err := os.Open(ref.Path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, invalid("file", "%s: %v", ref.Path, err)
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()
	st, err := f.Stat()
	switch {
	case err != nil:
		return nil, invalid("file", "%s: %v", ref.Path, err)
	case st.IsDir():
		return nil, invalid("file", "%s is a directory", ref.Path)
	case !st.Mode().IsRegular():
		return nil, invalid("file", "%s is not a regular file", ref.Path)
	case st.Size() == 0:
		return nil, invalid("file", "%s is empty", ref.Path)
	case st.Size() > MaxFileBytes:
		return nil, invalid("file", "%s is %d bytes, over the limit of %d", ref.Path, st.Size(), MaxFileBytes)
	}
	head := make([]byte, files.SniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, invalid("file", "%s: %v", ref.Path, err)
	}
	format, err := files.Detect(head[:n], ref.Path)
	if err != nil {
		return nil, fmt.Errorf("file %s: %w", ref.Path, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, invalid("file", "%s: %v", ref.Path, err)
	}
	ref.Format = string(format)
	ok = true
	return f, nil
}
