package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/mnemohq/mnemo"
)

func (c *cli) add(args []string) error {
	cmd := c.command("add", "[flags] [TEXT...]")
	user := cmd.fs.String("user", "", "user ID the memories belong to")
	group := cmd.fs.String("group", "", "group (default \"default\")")
	doc := cmd.fs.String("doc", "", "document ID: an idempotency key (adding it again is a conflict)")
	conv := cmd.fs.String("conversation", "", "JSON `FILE` of chat messages [{id, role, name, content, created_at}] (- for stdin)")
	items := cmd.fs.String("items", "", "JSON `FILE` of pre-extracted items [{content, topic}] (- for stdin)")
	file := cmd.fs.String("file", "", "add the `FILE` itself: text, Markdown, HTML, PDF, or a JSON/JSONL chat export")
	batch := cmd.fs.String("batch", "", "add the adds of a JSONL `FILE`, one per line (- for stdin; see \"mnemo help batch\")")
	failFast := cmd.fs.Bool("fail-fast", false, "with -batch: refuse the whole batch at its first bad line")
	var expires expiry
	cmd.fs.Var(&expires, "expires", "the memories expire then: a time (2026-12-31, RFC 3339) or a duration from now (90m, 12h, 30d)")
	wait := cmd.fs.Bool("wait", false, "wait until the run ends, or parks in a buffer not yet due (in_buffer), and print it then")
	props, meta := pairs{}, pairs{}
	cmd.fs.Var(props, "prop", "scope property `key=value` (repeatable)")
	cmd.fs.Var(meta, "meta", "metadata `key=value` (repeatable)")
	if err := cmd.parse(args); err != nil {
		return err
	}
	sources := 0
	for _, given := range []bool{*conv != "", *items != "", *file != "", *batch != "", len(cmd.args) > 0} {
		if given {
			sources++
		}
	}
	if sources > 1 {
		return cmd.usagef("takes texts, -conversation, -items, -file or -batch, one of them")
	}
	opts := &mnemo.AddOptions{
		UserID: *user, Group: *group, Properties: props.orNil(), DocumentID: *doc, Metadata: meta.orNil(),
		ExpiresAt: expires.at(),
	}
	if *batch != "" {
		return c.addBatch(*batch, opts, *failFast, *wait)
	}
	if *failFast {
		return cmd.usagef("-fail-fast goes with -batch")
	}
	var in mnemo.Input
	switch {
	case *conv != "":
		var msgs []mnemo.Message
		if err := c.readJSON(*conv, &msgs); err != nil {
			return err
		}
		in = mnemo.Conversation(msgs...)
	case *items != "":
		var its []mnemo.Item
		if err := c.readJSON(*items, &its); err != nil {
			return err
		}
		in = mnemo.PreExtracted(its...)
	case *file != "":
		in = mnemo.File(*file)
	case len(cmd.args) > 0:
		in = mnemo.Text(cmd.args...)
	default:
		return cmd.usagef("needs texts, -conversation FILE, -items FILE, -file FILE or -batch FILE")
	}
	eng, err := c.open(true)
	if err != nil {
		return err
	}
	defer eng.Close()
	run, err := eng.Memories.Add(c.ctx, in, opts)
	if err != nil {
		return c.explain(err)
	}
	if *wait {
		if run, err = c.waitParkedOrEnded(eng, run.ID); err != nil {
			return err
		}
	}
	return c.print(run)
}

// readJSON decodes the one JSON value of the file name (- for stdin) into v. Malformed JSON, unknown
// fields and anything after the value are invalid input.
func (c *cli) readJSON(name string, v any) error {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	} else {
		name = "stdin"
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, tokErr := dec.Token(); tokErr != io.EOF {
			err = errors.New("more data after the JSON value")
		}
	}
	var pathErr *fs.PathError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &pathErr): // the file cannot be read
		return err
	case err == io.EOF:
		err = errors.New("no JSON value")
	case errors.As(err, &typeErr) && typeErr.Field == "":
		err = fmt.Errorf("the JSON value is %s, not an array", typeErr.Value)
	}
	return fmt.Errorf("%w: %s: %v", mnemo.ErrInvalidInput, name, err)
}
