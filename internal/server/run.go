package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
)

// Run listens on Options.Addr (and Options.HTTPRedirectAddr when set) and
// serves until ctx is cancelled, then shuts down gracefully.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.opts.Addr)
	if err != nil {
		return fmt.Errorf("server: listen on %s: %w", s.opts.Addr, err)
	}
	var redirect net.Listener
	if s.opts.HTTPRedirectAddr != "" {
		redirect, err = net.Listen("tcp", s.opts.HTTPRedirectAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("server: listen on %s: %w", s.opts.HTTPRedirectAddr, err)
		}
	}
	return s.Serve(ctx, ln, redirect)
}

// Serve serves on ln (HTTPS when TLS is configured) and, when redirect is
// not nil, answers plain HTTP on it with redirects to HTTPS. When ctx is
// cancelled it stops accepting, lets in-flight requests finish for up to
// Options.ShutdownTimeout, then closes what is left. It returns nil after a
// clean shutdown. Serve owns and closes both listeners.
func (s *Server) Serve(ctx context.Context, ln net.Listener, redirect net.Listener) error {
	main := s.httpServer(s.router)
	servers := []*http.Server{main}
	errc := make(chan error, 2)
	go func() {
		if s.tls != nil {
			errc <- main.ServeTLS(ln, "", "")
			return
		}
		errc <- main.Serve(ln)
	}()
	attrs := []slog.Attr{
		slog.String("event", "server.listening"),
		slog.String("addr", ln.Addr().String()),
		slog.Bool("tls", s.tls != nil),
	}
	if redirect != nil {
		port := "443"
		if tcp, ok := ln.Addr().(*net.TCPAddr); ok {
			port = strconv.Itoa(tcp.Port)
		}
		red := s.httpServer(s.redirectHandler(port))
		red.TLSConfig = nil
		servers = append(servers, red)
		go func() { errc <- red.Serve(redirect) }()
		attrs = append(attrs, slog.String("redirect_addr", redirect.Addr().String()))
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "listening", attrs...)

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
		// A listener failed on its own: stop the other one too.
		serveErr = fmt.Errorf("server: serve: %w", serveErr)
	}
	if s.onShutdown != nil {
		s.onShutdown()
	}
	s.log.LogAttrs(context.WithoutCancel(ctx), slog.LevelInfo, "shutting down",
		slog.String("event", "server.shutdown"),
		slog.Duration("timeout", s.opts.ShutdownTimeout))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.opts.ShutdownTimeout)
	defer cancel()
	var shutdownErr error
	for _, srv := range servers {
		if err := srv.Shutdown(sctx); err != nil {
			// In-flight requests outlived the timeout: cut them off.
			shutdownErr = errors.Join(shutdownErr, fmt.Errorf("server: shutdown: %w", err), srv.Close())
		}
	}
	remaining := len(servers)
	if serveErr != nil {
		remaining--
	}
	for range remaining {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
			shutdownErr = errors.Join(shutdownErr, fmt.Errorf("server: serve: %w", err))
		}
	}
	return errors.Join(serveErr, shutdownErr)
}
