package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/mnemohq/mnemo"
)

// search prints the memories of a scope that best match a query: a table on a terminal, JSON
// otherwise (or with -json).
func (c *cli) search(args []string) error {
	cmd := c.command("search", "[flags] QUERY")
	user := cmd.fs.String("user", "", "user ID of the scope")
	group := cmd.fs.String("group", "", "group of the scope (default \"default\")")
	mode := cmd.fs.String("mode", "hybrid", "ranking: hybrid, bm25, vector or fetch (the newest, unranked)")
	limit := cmd.fs.Int("limit", 0, "most results, 1 to 100 (default 10)")
	minScore := cmd.fs.Float64("min-score", 0, "leave out results scoring less")
	asJSON := cmd.fs.Bool("json", false, "print JSON even on a terminal")
	props := pairs{}
	var topics list
	cmd.fs.Var(props, "prop", "keep memories with this property `key=value` (repeatable)")
	cmd.fs.Var(&topics, "topic", "keep memories of this `topic` (repeatable)")
	if err := cmd.parse(args); err != nil {
		return err
	}
	query := strings.Join(cmd.args, " ")
	if len(cmd.args) == 0 && *mode != string(mnemo.Fetch) {
		return cmd.usagef("needs a query (only -mode fetch goes without)")
	}
	eng, err := c.open(false)
	if err != nil {
		return err
	}
	defer eng.Close()
	res, err := eng.Memories.Search(c.ctx, query, &mnemo.SearchOptions{
		UserID: *user, Group: *group, Properties: props.orNil(), Topics: topics,
		Mode: mnemo.SearchMode(*mode), Limit: *limit, MinScore: *minScore,
	})
	if err != nil {
		return err
	}
	if *asJSON || !isTerminal(c.stdout) {
		return c.print(res)
	}
	return printResults(c.stdout, res)
}

// printResults writes results as a table: rank, score, its BM25 and vector parts, the memory's ID,
// its sources and its content, cut to fit a line.
func printResults(w io.Writer, res []mnemo.Result) error {
	if len(res) == 0 {
		_, err := fmt.Fprintln(w, "no memory matches")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSCORE\tBM25\tVECTOR\tMEMORY\tSOURCE\tCONTENT")
	for i, r := range res {
		fmt.Fprintf(tw, "%d\t%.3f\t%.2f\t%.3f\t%s\t%s\t%s\n", i+1, r.Score, r.BM25, r.Vector, r.Memory.ID, sourceOf(r.Memory), clip(r.Memory.Content, 80))
	}
	return tw.Flush()
}

// sourceOf names where a memory came from: its first source's message ID, or its run.
func sourceOf(m mnemo.Memory) string {
	if len(m.Sources) == 0 {
		return "-"
	}
	s := m.Sources[0]
	out := s.MessageID
	if out == "" {
		out = "run " + s.RunID[:min(8, len(s.RunID))] + fmt.Sprintf("#%d", s.Input)
	}
	if len(m.Sources) > 1 {
		out += fmt.Sprintf(" +%d", len(m.Sources)-1)
	}
	return out
}

// clip cuts s to n runes, on one line.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// isTerminal reports whether w is a terminal (a character device), where people rather than
// programs read.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
