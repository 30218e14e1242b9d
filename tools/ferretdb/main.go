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
	"os"
	"os/signal"
	"path/filepath"
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
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

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
		cfg.SQLiteURL = "file:" + abs
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
