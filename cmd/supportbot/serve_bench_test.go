package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"supportbot/bench/chatmix"
)

// BenchmarkServeChatTurn is one chat turn through the server as `serve`
// assembles it, on SQLite: a signed-in customer's message through every
// step of the chain, the bot, the group commit with encryption at rest,
// and the JSON answer. It is everything bench/chat.sh measures but the
// sockets, so it shows what a change to the server saves without the
// noise of the load generator sharing the cores. Like the HTTP benchmark,
// 50 senders each keep to their own conversation; ns/op is the wall time
// per turn on all the processors, so 1e9/(ns/op) is turns per second, and
// cpu-ns/op the CPU time a turn took, which varies less from run to run.
//
//	go test -run '^$' -bench ServeChatTurn -benchtime 30000x -count 3 ./cmd/supportbot/
func BenchmarkServeChatTurn(b *testing.B) {
	const customers, perCustomer = 5, 10
	env := devEnv(b)
	for k, v := range map[string]string{"RATE_LIMIT_PER_MINUTE": "1000000", "CHAT_RATE_LIMIT_PER_MINUTE": "1000000",
		"LOGIN_MAX_ATTEMPTS": "1000", "LOG_LEVEL": "warn"} {
		env[k] = v
	}
	a := &app{stdout: io.Discard, stderr: io.Discard, envFile: filepath.Join(b.TempDir(), "none.env"),
		lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	c, ok := a.validConfig(true)
	if !ok {
		b.Fatal("configuration refused")
	}
	if p, set := serverGCPercent(os.Getenv); set {
		defer debug.SetGCPercent(debug.SetGCPercent(p)) // as serve does
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, closeAll, ok := a.assemble(ctx, c, slog.New(slog.DiscardHandler), false)
	if !ok {
		cancel()
		b.Fatal("assemble failed")
	}
	defer func() {
		cancel() // the background loops stop before what they use is closed
		closeAll()
	}()
	h := srv.Handler()

	call := func(path, token string, body any, want int, dst any) {
		b.Helper()
		data, _ := json.Marshal(body)
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(data))
		if body != nil {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Body, r.ContentLength = http.NoBody, 0
		}
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			b.Fatalf("POST %s: %d %s", path, w.Code, w.Body)
		}
		if dst != nil {
			if err := json.Unmarshal(w.Body.Bytes(), dst); err != nil {
				b.Fatal(err)
			}
		}
	}
	type sender struct{ token, path string }
	var senders []sender
	for i := range customers {
		email := fmt.Sprintf("bench-%d@example.com", i)
		const password = "Bench-Kettle-42-Sings" // #nosec G101 -- a throwaway account in a temporary database
		call("/api/v1/auth/register", "", map[string]string{"email": email, "name": "Bench Customer", "password": password}, http.StatusCreated, nil)
		var tokens struct {
			AccessToken string `json:"access_token"`
		}
		call("/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, http.StatusOK, &tokens)
		for range perCustomer {
			var conv struct {
				Conversation struct{ ID string } `json:"conversation"`
			}
			call("/api/v1/conversations", tokens.AccessToken, nil, http.StatusCreated, &conv)
			senders = append(senders, sender{tokens.AccessToken, "/api/v1/conversations/" + conv.Conversation.ID + "/messages"})
		}
	}
	bodies := make([]string, len(chatmix.Messages))
	for i, text := range chatmix.Messages {
		data, _ := json.Marshal(map[string]string{"text": text})
		bodies[i] = string(data)
	}

	var next, failed atomic.Int64
	b.SetParallelism((len(senders) + 1) / 2) // × GOMAXPROCS (2 here) = one goroutine per conversation
	b.ReportAllocs()
	cpu0 := processCPU(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		s := senders[int(next.Add(1)-1)%len(senders)]
		w := &discardWriter{h: http.Header{}}
		for i := 0; pb.Next(); i++ {
			body := bodies[i%len(bodies)]
			r, _ := http.NewRequest(http.MethodPost, s.path, strings.NewReader(body))
			r.RemoteAddr = "127.0.0.1:40000"
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+s.token)
			clear(w.h)
			w.status = 0
			h.ServeHTTP(w, r)
			if w.status != http.StatusOK {
				failed.Add(1)
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64((processCPU(b)-cpu0).Nanoseconds())/float64(b.N), "cpu-ns/op")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d of %d turns failed", n, b.N)
	}
}

// processCPU is the user and system CPU time this process has used.
func processCPU(b *testing.B) time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		b.Fatal(err)
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// discardWriter is a ResponseWriter that keeps only its headers and status,
// as a connection's writer does once the bytes are sent.
type discardWriter struct {
	h      http.Header
	status int
}

func (d *discardWriter) Header() http.Header { return d.h }
func (d *discardWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
	}
}
func (d *discardWriter) Write(p []byte) (int, error) {
	if d.status == 0 {
		d.status = http.StatusOK
	}
	return len(p), nil
}
