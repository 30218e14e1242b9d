package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

// countingHandler counts WithAttrs calls on the handler that formats.
type countingHandler struct {
	slog.Handler
	withAttrs *int
}

func (c countingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	*c.withAttrs++
	return countingHandler{c.Handler.WithAttrs(attrs), c.withAttrs}
}

func (c countingHandler) WithGroup(name string) slog.Handler {
	return countingHandler{c.Handler.WithGroup(name), c.withAttrs}
}

func TestLazyAttrsFormatsNothingBelowTheLevel(t *testing.T) {
	var out bytes.Buffer
	calls := 0
	logger := slog.New(lazyAttrs{h: countingHandler{slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelWarn}), &calls}})

	for i := 0; i < 100; i++ {
		logger.With(slog.Any("args", []any{`{"_id":"x","note":"ข้อมูล"}`})).Debug(">>> UPDATE")
	}
	if calls != 0 || out.Len() != 0 {
		t.Fatalf("debug records below the level: %d WithAttrs calls, output %q", calls, out.String())
	}
}

func TestLazyAttrsWritesWhatTheTextHandlerWrites(t *testing.T) {
	for _, level := range []slog.Level{slog.LevelDebug, slog.LevelWarn} {
		var lazy, plain bytes.Buffer
		opts := &slog.HandlerOptions{
			Level: level,
			// Drop the time so that both outputs can be compared.
			ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey && len(groups) == 0 {
					return slog.Attr{}
				}
				return a
			},
		}
		write := func(l *slog.Logger) {
			l = l.With("name", "conn 1")
			l.With(slog.Any("args", []any{"a b", 2})).Debug(">>> SELECT")
			g := l.WithGroup("req").With("id", 7)
			g.Warn("slow", "ms", 12)
			g.With().WithGroup("").Error("failed", slog.Group("err", "code", 11000))
			l.Info("plain")
		}
		write(slog.New(lazyAttrs{h: slog.NewTextHandler(&lazy, opts)}))
		write(slog.New(slog.NewTextHandler(&plain, opts)))
		if lazy.String() != plain.String() {
			t.Fatalf("level %v:\nlazy:  %q\nplain: %q", level, lazy.String(), plain.String())
		}
		if level == slog.LevelDebug && !strings.Contains(lazy.String(), `args="[a b 2]"`) {
			t.Fatalf("debug output lacks the args: %q", lazy.String())
		}
	}
	if !(lazyAttrs{h: slog.NewTextHandler(&bytes.Buffer{}, nil)}).Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("Enabled must ask the wrapped handler")
	}
}

func TestSQLiteQuery(t *testing.T) {
	for given, want := range map[string]string{
		"":                                   "_pragma=synchronous%28normal%29",
		"_pragma=cache_size(-8000)":          "_pragma=cache_size%28-8000%29&_pragma=synchronous%28normal%29",
		"_pragma=synchronous(full)":          "_pragma=synchronous%28full%29",
		"_pragma=SYNCHRONOUS(off)&_txlock=x": "_pragma=SYNCHRONOUS%28off%29&_txlock=x",
	} {
		got, err := sqliteQuery(given)
		if err != nil || got != want {
			t.Errorf("sqliteQuery(%q) = %q, %v; want %q", given, got, err, want)
		}
	}
	if _, err := sqliteQuery("_pragma=%zz"); err == nil {
		t.Error("a malformed query must be refused")
	}
}
