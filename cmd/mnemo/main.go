// Command mnemo is the mnemo engine from the shell: it opens a file, adds inputs, follows runs and
// lists memories, printing JSON.
//
//	mnemo quickstart [-buffered]          add a sample to a new file and show the result
//	mnemo add [flags] TEXT...             add texts (or -conversation/-items/-file FILE) and print the run
//	mnemo add -batch FILE [-fail-fast]    add the adds of a JSONL file in batches and print them ("mnemo help batch")
//	mnemo runs get RUN_ID                 print a run as it is now
//	mnemo runs wait [-timeout D] RUN_ID   wait for a run to end and print it
//	mnemo runs list [flags]               list runs
//	mnemo list [flags]                    list the memories of a scope
//	mnemo search [flags] QUERY            search a scope's memories (a table on a terminal, JSON otherwise)
//	mnemo get MEMORY_ID                   print a memory
//	mnemo delete MEMORY_ID                delete a memory (its history stays)
//	mnemo update MEMORY_ID CONTENT        replace a memory's content in place [-expires WHEN | -no-expiry]
//	mnemo history MEMORY_ID               print a memory's changes, oldest first
//	mnemo purge MEMORY_ID                 remove a memory and its history for good
//	mnemo purge -user USER [-group G]     erase everything of one user: memories, histories, runs
//	mnemo buffers list [flags]            list the non-empty buffers of a buffered pipeline
//	mnemo buffers flush [flags]           fire buffers now (-user, -group, -prop, or -all) [-wait]
//	mnemo reindex                         re-embed every memory with the default embedder (a progress bar on a terminal)
//	mnemo serve [-addr A] [-api-key K]    serve Engram's REST API over the file until SIGINT/SIGTERM (see package server)
//	mnemo help [COMMAND]                  print the usage (as do -h and --help, after any command); "help batch": the batch file
//
// The global flags may come before or after the command:
//
//	-db FILE          the file: FILE, or $MNEMO_DB, or mnemo.db
//	-lock-timeout D   how long to wait for another process to release the file (default 1s; 0: not at all)
//	-read-only        open the file read-only even for add, delete, runs wait and buffers flush
//	-buffer-count N, -buffer-since-first D, -buffer-since-last D
//	                  a buffered pipeline: each scope's facts wait in a buffer until N of them, D after
//	                  the first, or D after the last, whichever comes first
//	-summarize TOPIC  the topic of the summary a buffered pipeline keeps per scope (default "summary")
//	-server URL       run add (texts, -conversation, -items), get, delete, list, search, runs get and runs wait through "mnemo serve"
//	                  at URL ($MNEMO_SERVER), with the key $MNEMO_API_KEY; they print the server's Engram shapes
//
// mnemo serve listens on -addr (default 127.0.0.1:8080) and needs a key: -api-key (repeatable),
// -api-key-file (one a line) or $MNEMO_API_KEYS (comma-separated); -no-auth serves without one, on a
// loopback address only. It prints the address it listens on to stderr, logs each request there, and
// on SIGINT or SIGTERM stops accepting, lets requests under way finish (-shutdown-timeout) and closes
// the file: runs still in flight resume at the next start.
//
// Without a -buffer-* flag the pipeline is the engine's default, extract -> transform -> commit. With
// one it is extract -> transform -> commit -> buffer -> summarize(TOPIC) -> commit: each run commits
// its own facts, then parks (status in_buffer) until its scope's buffer fires, when the scope's
// parked runs resume together and fold their facts into the scope's summary memory. Every command
// opens the file with the pipeline its flags choose, so give the same ones to every command on a
// file: under other flags, parked runs stay parked, safe ("active": false in buffers list, and a
// warning on stderr from the write commands), until the file is opened with the flags they were
// added with again. add -wait returns a run that parks in a buffer not yet due, with status
// in_buffer; runs wait waits for it to end, which takes its buffer firing.
//
// Flags and arguments may be mixed in any order; "--" ends the flags, so that a text starting with
// "-" can follow it.
//
// The read commands (runs get, runs list, list, search, get, history, buffers list) open the file read-only: a
// missing file is an error and is not created, and a run that another command left unfinished stays
// as it is. The write commands (add, delete, update, purge, reindex, runs wait, buffers flush) open it read-write, creating
// it if need be, and resume the runs left unfinished: runs wait needs the workers to finish its run.
// Quickstart writes only a new file: a temporary one unless -db names a path where no file exists.
//
// Exit statuses:
//
//	0  success
//	1  any other error
//	2  usage: a bad flag, an unknown command, a wrong number of arguments, a buffers flush that
//	   selects nothing (no -user, -group, -prop or -all)
//	3  not found: no such run or memory, or no such file (a read command's -db, a -conversation file)
//	4  conflict: a document ID (-doc) added before, an update of a superseded memory or to the content
//	   of another memory of its scope, an add for a user whose purge is under way
//	5  locked: another process holds the file past -lock-timeout
//	6  invalid input: an empty text, a malformed ID or property, invalid JSON, an existing quickstart file
//	7  corrupt: the file is damaged, not a mnemo file, or written by a newer mnemo
//	8  read-only: a write with -read-only (buffers flush too), or runs wait -read-only on an unfinished run
//	9  storage: the file could not be written (a full disk, a file size limit); nothing was stored
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: mnemo [global flags] COMMAND [flags] [args]

commands:
  quickstart [-buffered]  add a sample to a new file, wait, print the runs and memories
                          (-buffered: three texts through a count-3 buffer and a summary)
  add [flags] [TEXT...]   add texts, or -conversation FILE / -items FILE (JSON; - for stdin),
                          -file FILE (text, Markdown, HTML, PDF, chat export), or -batch FILE
                          (JSONL, one add per line: see "mnemo help batch")  [writes]
  runs get RUN_ID         print a run as it is now                                            [reads]
  runs wait RUN_ID        wait until the run ends (its workers run here), then print it       [writes]
  runs list [flags]       list runs, oldest first                                             [reads]
  list [flags]            list the memories of a scope                                        [reads]
  get MEMORY_ID           print a memory                                                      [reads]
  delete MEMORY_ID        delete a memory; its history stays                                  [writes]
  update MEMORY_ID TEXT   replace a memory's content in place [-expires WHEN | -no-expiry]    [writes]
  history MEMORY_ID       print a memory's changes (create, update, supersede, delete)        [reads]
  purge MEMORY_ID         remove a memory and its history for good                            [writes]
  purge -user U [-group G]  erase everything of one user in a group, for good                 [writes]
  buffers list [flags]    list the non-empty buffers: scope, items, runs, when they fire      [reads]
  buffers flush [flags]   fire the buffers of -user/-group/-prop, or -all, now [-wait]        [writes]
  serve [flags]           serve Engram's REST API over the file: -addr, -api-key, -no-auth   [writes]
  help [COMMAND]          print this, or a command's flags (as does "mnemo COMMAND -h")

global flags, before or after the command:
  -db FILE                the file (default $MNEMO_DB, or mnemo.db); read commands never create it
  -lock-timeout D         wait this long for another process to release the file
                          (default 1s; 0: do not wait)
  -read-only              open the file read-only even for the commands that write
  -buffer-count N         a buffered pipeline: fire a scope's buffer at N items,
  -buffer-since-first D     or D after its first item,
  -buffer-since-last D      or when no item has come for D, whichever comes first
  -summarize TOPIC        the topic of a buffered pipeline's summary (default "summary")
  -server URL             run add, get, delete, list, search, runs get/wait through "mnemo serve"
                          at URL (default $MNEMO_SERVER; key $MNEMO_API_KEY)

Without -buffer-* flags the pipeline is extract -> transform -> commit. With them it is
extract -> transform -> commit -> buffer -> summarize -> commit: runs park (in_buffer) until their
scope's buffer fires. Give every command on a file the same -buffer-* flags: under others, parked
runs stay parked, safe, and "buffers list" shows their buffers "active": false.

Flags and arguments mix in any order; "--" ends the flags ("mnemo add -- -5 degrees").

exit status: 0 ok, 1 other error, 2 usage, 3 not found, 4 conflict, 5 locked,
             6 invalid input, 7 corrupt file, 8 read-only, 9 storage (disk full)
`

// run is the whole program, callable from tests: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := newCLI(ctx, stdin, stdout, stderr)
	err := c.dispatch(args)
	var uerr *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
	case errors.As(err, &uerr):
		fmt.Fprintf(stderr, "mnemo: %v\n%s", err, uerr.hint())
	default:
		fmt.Fprintf(stderr, "mnemo: %v\n", err)
	}
	return exitCode(err)
}

// dispatch parses the global flags and runs the command they precede.
func (c *cli) dispatch(args []string) error {
	if err := c.global.parse(args); err != nil {
		return err
	}
	if len(c.global.args) == 0 {
		return c.global.usagef("no command given")
	}
	return c.runCommand(c.global.args[0], c.global.args[1:])
}

// runCommand runs the command name with the arguments that follow it.
func (c *cli) runCommand(name string, args []string) error {
	if name != "help" && c.wantsRemote(args) { // -server: through "mnemo serve" (remote.go)
		return c.runRemote(name, args)
	}
	switch name {
	case "quickstart":
		return c.quickstart(args)
	case "add":
		return c.add(args)
	case "runs":
		return c.runs(args)
	case "list":
		return c.list(args)
	case "get":
		return c.get(args)
	case "delete":
		return c.delete(args)
	case "update":
		return c.update(args)
	case "history":
		return c.history(args)
	case "purge":
		return c.purge(args)
	case "buffers":
		return c.buffers(args)
	case "search":
		return c.search(args)
	case "reindex":
		return c.reindex(args)
	case "serve":
		return c.serve(args)
	case "help":
		if len(args) == 1 && args[0] == "batch" {
			fmt.Fprint(c.stdout, batchHelp)
			return errHelp
		}
		if len(args) > 0 { // "mnemo help runs get" is "mnemo runs get -h"
			return c.runCommand(args[0], append(args[1:len(args):len(args)], "-h"))
		}
		fmt.Fprint(c.stdout, usage)
		return errHelp
	}
	return c.global.usagef("unknown command %q", name)
}
