package server

// SetOnShutdown lets tests learn when graceful shutdown begins.
func SetOnShutdown(s *Server, f func()) { s.onShutdown = f }

// SetOnPingWait lets tests learn when a health check starts waiting for the
// database ping already in flight.
func SetOnPingWait(s *Server, f func()) { s.ping.onWait = f }

// PingTTL is how long one database ping answers the health checks.
const PingTTL = pingTTL
