// Command mnemo is the mnemo engine from the shell: it opens a file, adds inputs, follows runs and
// lists memories, printing JSON.
//
//	mnemo quickstart                       add a sample conversation to a fresh file and show the result
//	mnemo [-db FILE] add [flags] TEXT...   add texts (or -conversation/-items FILE) and print the run
//	mnemo [-db FILE] runs get RUN_ID       print a run as it is now
//	mnemo [-db FILE] runs wait RUN_ID      wait for a run to end and print it
//	mnemo [-db FILE] runs list [flags]     list runs
//	mnemo [-db FILE] list [flags]          list the memories of a scope
//	mnemo [-db FILE] get MEMORY_ID         print a memory
//	mnemo [-db FILE] delete MEMORY_ID      delete a memory
//
// The file is FILE, or $MNEMO_DB, or mnemo.db. A run added by one command and not finished when it
// exits resumes the next time any command opens the file.
package main

import (
	"context"
	"errors"
	"flag"
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

// errUsage marks a mistake in the command line: exit status 2 and the usage text.
var errUsage = errors.New("usage")

const usage = `usage: mnemo [-db FILE] COMMAND [flags] [args]

commands:
  quickstart              add a sample conversation to a fresh file, wait, print the run and memories
  add [flags] [TEXT...]   add texts, or -conversation FILE / -items FILE (JSON; - for stdin)
  runs get RUN_ID         print a run as it is now
  runs wait RUN_ID        wait until the run ends, then print it
  runs list [flags]       list runs, oldest first
  list [flags]            list the memories of a scope
  get MEMORY_ID           print a memory
  delete MEMORY_ID        delete a memory

The file is -db FILE, or $MNEMO_DB, or mnemo.db. Run "mnemo COMMAND -h" for a command's flags.
`

// run is the whole program, callable from tests: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	global := flag.NewFlagSet("mnemo", flag.ContinueOnError)
	global.SetOutput(stderr)
	global.Usage = func() { fmt.Fprint(stderr, usage) }
	dbDefault := os.Getenv("MNEMO_DB")
	if dbDefault == "" {
		dbDefault = "mnemo.db"
	}
	db := global.String("db", dbDefault, "the mnemo file")
	if err := global.Parse(args); err != nil {
		return 2
	}
	rest := global.Args()
	if len(rest) == 0 {
		global.Usage()
		return 2
	}
	c := &cli{ctx: ctx, db: *db, dbSet: isSet(global, "db"), stdin: stdin, stdout: stdout, stderr: stderr}
	var err error
	switch cmd, args := rest[0], rest[1:]; cmd {
	case "quickstart":
		err = c.quickstart(args)
	case "add":
		err = c.add(args)
	case "runs":
		err = c.runs(args)
	case "list":
		err = c.list(args)
	case "get":
		err = c.get(args)
	case "delete":
		err = c.delete(args)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "mnemo: %v\n\n%s", err, usage)
		return 2
	}
	fmt.Fprintf(stderr, "mnemo: %v\n", err)
	return 1
}

func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
