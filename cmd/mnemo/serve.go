package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/server"
)

// The connection timeouts of mnemo serve's http.Server, and how long a shutdown lets requests finish.
const (
	serveReadHeaderTimeout = 10 * time.Second
	serveReadTimeout       = 2 * time.Minute // a 17 MiB body over a slow link
	serveIdleTimeout       = 2 * time.Minute
	serveShutdownTimeout   = 10 * time.Second
)

// serve is "mnemo serve": Engram's REST API over the file (see package server), until SIGINT or
// SIGTERM. It holds the file, as any writer does; other commands reach it with -server.
func (c *cli) serve(args []string) error {
	cmd := c.command("serve", "[-addr HOST:PORT] [-api-key KEY | -api-key-file FILE | $MNEMO_API_KEYS] [-no-auth]")
	addr := cmd.fs.String("addr", "127.0.0.1:8080", "listen on this `HOST:PORT` (port 0: any free port, printed on stderr)")
	var keys list
	cmd.fs.Var(&keys, "api-key", "accept this bearer `KEY` (repeatable; also $MNEMO_API_KEYS, comma-separated)")
	keyFile := cmd.fs.String("api-key-file", "", "accept the keys of this `FILE`, one a line (# comments)")
	noAuth := cmd.fs.Bool("no-auth", false, "serve without a key: only on a loopback address")
	maxBody := cmd.fs.Int64("max-body", server.DefaultMaxBodyBytes, "largest request body, in bytes")
	reqTimeout := cmd.fs.Duration("request-timeout", server.DefaultRequestTimeout, "bound on the engine work of one request")
	drain := cmd.fs.Duration("shutdown-timeout", serveShutdownTimeout, "on SIGINT/SIGTERM, how long requests under way may finish")
	quiet := cmd.fs.Bool("quiet", false, "no access log on stderr")
	if err := cmd.none(args); err != nil {
		return err
	}
	apiKeys, err := serveKeys(keys, *keyFile)
	if err != nil {
		return err
	}
	switch {
	case len(apiKeys) > 0 && *noAuth:
		return cmd.usagef("-no-auth with API keys: give one or the other")
	case len(apiKeys) == 0 && !*noAuth:
		return cmd.usagef("no API key: give -api-key, -api-key-file or $MNEMO_API_KEYS (or -no-auth, on a loopback address only)")
	case *noAuth && !isLoopback(*addr):
		return cmd.usagef("-no-auth serves without a key, so only on a loopback address (127.0.0.1, ::1, localhost); -addr %s is not one", *addr)
	case *maxBody <= 0 || *reqTimeout <= 0 || *drain <= 0:
		return cmd.usagef("-max-body, -request-timeout and -shutdown-timeout must be positive")
	}

	logs := slog.NewTextHandler(c.stderr, nil)
	access := slog.New(logs)
	if *quiet {
		access = slog.New(slog.DiscardHandler)
	}
	eng, err := c.openWith(true, func(o *mnemo.Options) { o.Logger = slog.New(logs) })
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		eng.Close()
		return err
	}
	srv := &http.Server{
		Handler: server.New(eng, server.Options{
			APIKeys: apiKeys, AllowNoAuth: *noAuth, MaxBodyBytes: *maxBody, RequestTimeout: *reqTimeout, Logger: access,
		}),
		ReadHeaderTimeout: serveReadHeaderTimeout,
		ReadTimeout:       serveReadTimeout,
		WriteTimeout:      *reqTimeout + 10*time.Second,
		IdleTimeout:       serveIdleTimeout,
		ErrorLog:          slog.NewLogLogger(logs, slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(c.stderr, "mnemo: serving %s on http://%s (Engram's API under /v1)\n", c.db.path, ln.Addr())

	select {
	case err := <-served: // the listener failed
		eng.Close()
		return err
	case <-c.ctx.Done():
	}
	fmt.Fprintf(c.stderr, "mnemo: shutting down: finishing the requests under way (up to %v)\n", *drain)
	ctx, cancel := context.WithTimeout(context.Background(), *drain)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(c.stderr, "mnemo: warning: requests still under way after %v were cut off\n", *drain)
		srv.Close()
	}
	// Runs still in flight stay in the file and resume at the next start.
	if err := eng.Close(); err != nil {
		return err
	}
	fmt.Fprintln(c.stderr, "mnemo: stopped")
	return nil
}

// serveKeys gathers the API keys of -api-key, -api-key-file and $MNEMO_API_KEYS.
func serveKeys(flagKeys []string, file string) ([]string, error) {
	var keys []string
	add := func(k string) {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	for _, k := range flagKeys {
		add(k)
	}
	for _, k := range strings.Split(os.Getenv("MNEMO_API_KEYS"), ",") {
		add(k)
	}
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); !strings.HasPrefix(line, "#") {
				add(line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", file, err)
		}
		if len(keys) == 0 {
			return nil, errors.New(file + " holds no API key")
		}
	}
	return keys, nil
}

// isLoopback reports whether addr (HOST:PORT) listens on a loopback address only: 127.0.0.0/8,
// ::1 or localhost. An empty host listens on every interface.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
