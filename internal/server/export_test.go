package server

// SetOnShutdown lets tests learn when graceful shutdown begins.
func SetOnShutdown(s *Server, f func()) { s.onShutdown = f }
