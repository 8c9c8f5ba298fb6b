// Command loadgen sends a bounded load of HTTP requests to a supportbot
// server on this machine and prints throughput and latency percentiles. It
// refuses any target that is not a loopback address: load tests here stay
// on 127.0.0.1.
package main

import (
	"bufio"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/healthz", "URL to request (loopback only)")
	conc := flag.Int("c", 16, "concurrent connections")
	n := flag.Int("n", 20000, "total requests (at most 1,000,000)")
	limit := flag.Duration("max", 60*time.Second, "stop after this long whatever n says")
	bearer := flag.String("bearer", "", "access token sent as Authorization: Bearer (read from the env var named here)")
	chat := flag.Bool("chat", false, "chat turns: register -users customers on the server of -url, log each in, open a conversation each, then POST -n messages from a realistic mix")
	users := flag.Int("users", 50, "customers for -chat (1..1000)")
	pid := flag.Int("pid", 0, "server process id: report its resident memory before and after and its CPU time per request (Linux /proc)")
	flag.Parse()

	u, err := checkTarget(*target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if *n < 1 || *n > 1_000_000 || *conc < 1 || *conc > 1024 {
		fmt.Fprintln(os.Stderr, "loadgen: -n must be 1..1000000 and -c 1..1024")
		os.Exit(2)
	}
	rssBefore := rss(*pid)
	var r result
	if *chat {
		if *users < 1 || *users > 1000 {
			fmt.Fprintln(os.Stderr, "loadgen: -users must be 1..1000")
			os.Exit(2)
		}
		r, err = runChat(u, *users, *conc, *n, *limit, *pid)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	} else {
		token := ""
		if *bearer != "" {
			token = os.Getenv(*bearer)
		}
		r = run(u, token, *conc, *n, *limit, *pid)
	}
	fmt.Print(r)
	if *pid > 0 {
		fmt.Printf("server RSS before %s, after %s\n", rssBefore, rss(*pid))
	}
	if r.failed > 0 {
		os.Exit(1)
	}
}

// checkTarget accepts only http(s) URLs whose host is a loopback address.
func checkTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("-url must be an http(s) URL")
	}
	host := u.Hostname()
	if host == "localhost" {
		return u, nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("%q is not a loopback address: load goes to 127.0.0.1 only", host)
	}
	return u, nil
}

type result struct {
	sent, failed int64
	statuses     map[int]int64
	elapsed      time.Duration
	latencies    []time.Duration
	// serverCPU is the server's user and system CPU time over the
	// measured requests; 0 when no -pid was given.
	serverCPU time.Duration
}

func (r result) String() string {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	cpu := ""
	if r.serverCPU > 0 && r.sent > 0 {
		cpu = fmt.Sprintf("; server CPU %.0f µs/request", float64(r.serverCPU.Microseconds())/float64(r.sent))
	}
	return fmt.Sprintf("requests %d in %s: %.0f req/s; latency p50 %s p90 %s p99 %s max %s; statuses %v; transport errors %d%s\n",
		r.sent, r.elapsed.Round(time.Millisecond), float64(r.sent)/r.elapsed.Seconds(),
		pct(0.50), pct(0.90), pct(0.99), pct(1), r.statuses, r.failed, cpu)
}

func run(target *url.URL, token string, conc, n int, limit time.Duration, pid int) result {
	var head strings.Builder
	head.WriteString("GET " + target.RequestURI() + " HTTP/1.1\r\nHost: " + target.Host + "\r\n")
	if token != "" {
		head.WriteString("Authorization: Bearer " + token + "\r\n")
	}
	head.WriteString("\r\n")
	req := []byte(head.String())
	return drive(target, conc, n, limit, pid, func(int, int64) []byte { return req })
}

// newClient is the HTTP client of the set-up requests (sign-ups and
// sign-ins), which are not measured.
func newClient(conc int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
}

// drive sends up to n requests over conc keep-alive connections to target
// until limit passes: worker w's i-th request (i counts across workers
// from 1) is the raw HTTP/1.1 request next returns. It records each
// answer's latency and status.
//
// Requests are written as prepared bytes and answers read with
// http.ReadResponse on the worker's own connection, not through
// http.Client: the load generator shares the machine's two cores with the
// server, and the client's per-request goroutine hand-offs and header
// handling cost it about 90 µs of CPU a chat turn, a third of what the
// server spent. Timing is the same: from the first byte written to the
// last byte of the body read. With pid > 0 it also records the CPU time
// process pid spent meanwhile.
func drive(target *url.URL, conc, n int, limit time.Duration, pid int, next func(w int, i int64) []byte) result {
	var count atomic.Int64
	deadline := time.Now().Add(limit)
	var mu sync.Mutex
	res := result{statuses: map[int]int64{}, latencies: make([]time.Duration, 0, n)}
	var wg sync.WaitGroup
	cpu0 := cpuTime(pid)
	start := time.Now()
	for w := range conc {
		wg.Go(func() {
			var lat []time.Duration
			statuses := map[int]int64{}
			var failed int64
			var c *conn
			for {
				i := count.Add(1)
				if i > int64(n) || !time.Now().Before(deadline) {
					break
				}
				req := next(w, i)
				if c == nil {
					var err error
					if c, err = dial(target); err != nil {
						failed++
						continue
					}
				}
				t0 := time.Now()
				status, err := c.roundTrip(req)
				if err != nil {
					c.close()
					c = nil
					failed++
					continue
				}
				lat = append(lat, time.Since(t0))
				statuses[status]++
			}
			if c != nil {
				c.close()
			}
			mu.Lock()
			defer mu.Unlock()
			res.latencies = append(res.latencies, lat...)
			res.failed += failed
			for k, v := range statuses {
				res.statuses[k] += v
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	if pid > 0 {
		res.serverCPU = cpuTime(pid) - cpu0
	}
	res.sent = int64(len(res.latencies)) + res.failed
	return res
}

// conn is one keep-alive connection to the server.
type conn struct {
	nc net.Conn
	br *bufio.Reader
}

func dial(target *url.URL) (*conn, error) {
	host := target.Host
	if target.Port() == "" {
		host = net.JoinHostPort(target.Hostname(), map[string]string{"http": "80", "https": "443"}[target.Scheme])
	}
	var (
		nc  net.Conn
		err error
	)
	d := &net.Dialer{Timeout: 10 * time.Second}
	if target.Scheme == "https" {
		nc, err = tls.DialWithDialer(d, "tcp", host, &tls.Config{ServerName: target.Hostname(), MinVersion: tls.VersionTLS12})
	} else {
		nc, err = d.Dial("tcp", host)
	}
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, br: bufio.NewReaderSize(nc, 16<<10)}, nil
}

// roundTrip writes one request and reads its whole answer, returning the
// status. An answer that closes the connection is an error, so the caller
// dials again.
func (c *conn) roundTrip(req []byte) (int, error) {
	if err := c.nc.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return 0, err
	}
	if _, err := c.nc.Write(req); err != nil {
		return 0, err
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close() // fully read; a close error changes nothing measured
	if err == nil && resp.Close {
		err = errors.New("server closed the connection")
	}
	return resp.StatusCode, err
}

func (c *conn) close() { _ = c.nc.Close() }
