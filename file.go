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

// checkFile checks the file of ref for an add (a readable regular file, neither empty nor over the
// limit, of a format it reads) and records its format in ref.
func checkFile(ref *pipeline.FileRef) error {
	f, err := os.Open(ref.Path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return invalid("file", "%s: %v", ref.Path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	switch {
	case err != nil:
		return invalid("file", "%s: %v", ref.Path, err)
	case st.IsDir():
		return invalid("file", "%s is a directory", ref.Path)
	case !st.Mode().IsRegular():
		return invalid("file", "%s is not a regular file", ref.Path)
	case st.Size() == 0:
		return invalid("file", "%s is empty", ref.Path)
	case st.Size() > MaxFileBytes:
		return invalid("file", "%s is %d bytes, over the limit of %d", ref.Path, st.Size(), MaxFileBytes)
	}
	head := make([]byte, files.SniffSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return invalid("file", "%s: %v", ref.Path, err)
	}
	format, err := files.Detect(head[:n], ref.Path)
	var fe *FieldError
	switch {
	case errors.As(err, &fe):
		return invalid("file", "%s: %s", ref.Path, fe.Reason)
	case err != nil:
		return fmt.Errorf("file %s: %w", ref.Path, err)
	}
	ref.Format = string(format)
	return nil
}
