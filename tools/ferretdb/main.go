// Command ferretdb runs an embedded FerretDB v1 (SQLite handler) on a TCP port so that
// Reachline can talk MongoDB's wire protocol where no MongoDB server is installed.
//
// Usage: ferretdb -listen 127.0.0.1:0 -data .data/ferretdb/ [-handler sqlite|postgresql -postgresql-url URL]
//
// It prints one line "READY mongodb://127.0.0.1:PORT/" on stdout once it accepts connections,
// and stops cleanly on SIGINT/SIGTERM or when its standard input closes (parent died).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on")
	dataDir := flag.String("data", ".data/ferretdb/", "directory for the SQLite files (created if missing)")
	handler := flag.String("handler", "sqlite", "backend handler: sqlite or postgresql")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL URL for the postgresql handler")
	watchStdin := flag.Bool("watch-stdin", false, "exit when standard input reaches EOF (parent process died)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	sqliteParams := flag.String("sqlite-params", "", "query parameters added to the SQLite URL, e.g. _pragma=synchronous(full) (default synchronous(normal))")
	cpuProfile := flag.String("cpuprofile", "", "write a Go CPU profile of the whole run to this file (for measurements)")
	flag.Parse()

	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot create -cpuprofile %q: %v\n", *cpuProfile, err)
			os.Exit(2)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot start the CPU profile: %v\n", err)
			os.Exit(1)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = pf.Close()
		}()
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(lazyAttrs{h: slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})})

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *handler,
	}
	switch *handler {
	case "sqlite":
		abs, err := filepath.Abs(*dataDir)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: bad -data %q: %v\n", *dataDir, err)
			os.Exit(2)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: cannot create data directory %s: %v\n", abs, err)
			os.Exit(1)
		}
		if !strings.HasSuffix(abs, "/") {
			abs += "/"
		}
		params, err := sqliteQuery(*sqliteParams)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ferretdb: bad -sqlite-params %q: %v\n", *sqliteParams, err)
			os.Exit(2)
		}
		cfg.SQLiteURL = "file:" + abs + "?" + params
	case "postgresql":
		if *pgURL == "" {
			fmt.Fprintln(os.Stderr, "ferretdb: -postgresql-url is required with -handler postgresql")
			os.Exit(2)
		}
		cfg.PostgreSQLURL = *pgURL
	default:
		fmt.Fprintf(os.Stderr, "ferretdb: unknown -handler %q (use sqlite or postgresql)\n", *handler)
		os.Exit(2)
	}

	f, err := ferretdb.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: cannot start: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	done := make(chan struct{})
	go func() {
		if err := f.Run(ctx); err != nil {
			logger.Error("ferretdb stopped", "error", err)
		}
		close(done)
	}()

	fmt.Printf("READY %s\n", f.MongoDBURI())
	<-done
}

// sqliteQuery returns the SQLite URL's query: the given parameters, plus
// _pragma=synchronous(normal) unless they set synchronous themselves. FerretDB adds its own
// defaults after that (busy_timeout, journal_mode(wal), auto_vacuum(none)).
//
// In WAL mode, synchronous(normal) syncs at checkpoints instead of at every commit. A crash of
// this process loses nothing; a power cut or a crash of the machine may lose the last commits,
// never the database's consistency (https://www.sqlite.org/pragma.html#pragma_synchronous).
// SQLite's default, full, syncs on every commit: one updateOne then cost 20 % more store CPU.
func sqliteQuery(given string) (string, error) {
	values, err := url.ParseQuery(given)
	if err != nil {
		return "", err
	}
	for _, p := range values["_pragma"] {
		if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), "synchronous") {
			return values.Encode(), nil
		}
	}
	values.Add("_pragma", "synchronous(normal)")
	return values.Encode(), nil
}

// lazyAttrs keeps the attributes given to Logger.With until a record is actually written.
//
// FerretDB's SQL layer (internal/util/fsql) calls logger.With(args...) twice per SQL statement,
// whatever the level, with the statement's arguments, i.e. whole documents as JSON text.
// slog's TextHandler formats and quotes those attributes inside WithAttrs, eagerly, so every
// insert and update paid for quoting its documents (17 % of the store's CPU in a write-heavy
// run, more with Thai text) for debug lines that are then dropped. Handlers built from this one
// format nothing unless a record passes the level.
type lazyAttrs struct {
	h     slog.Handler
	attrs []slog.Attr
}

func (l lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	return l.resolved().Handle(ctx, r)
}

func (l lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return l
	}
	return lazyAttrs{h: l.h, attrs: append(l.attrs[:len(l.attrs):len(l.attrs)], attrs...)}
}

func (l lazyAttrs) WithGroup(name string) slog.Handler {
	if name == "" {
		return l
	}
	return lazyAttrs{h: l.resolved().WithGroup(name)}
}

func (l lazyAttrs) resolved() slog.Handler {
	if len(l.attrs) == 0 {
		return l.h
	}
	return l.h.WithAttrs(l.attrs)
}
