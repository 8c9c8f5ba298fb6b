// Command loadgen sends a bounded load of HTTP requests to a supportbot
// server on this machine and prints throughput and latency percentiles. It
// refuses any target that is not a loopback address: load tests here stay
// on 127.0.0.1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
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
	pid := flag.Int("pid", 0, "server process id: report its resident memory before and after (Linux /proc)")
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
		r, err = runChat(u, *users, *conc, *n, *limit)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
			os.Exit(1)
		}
	} else {
		token := ""
		if *bearer != "" {
			token = os.Getenv(*bearer)
		}
		r = run(u.String(), token, *conc, *n, *limit)
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
}

func (r result) String() string {
	slices.Sort(r.latencies)
	pct := func(p float64) time.Duration {
		if len(r.latencies) == 0 {
			return 0
		}
		return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
	}
	return fmt.Sprintf("requests %d in %s: %.0f req/s; latency p50 %s p90 %s p99 %s max %s; statuses %v; transport errors %d\n",
		r.sent, r.elapsed.Round(time.Millisecond), float64(r.sent)/r.elapsed.Seconds(),
		pct(0.50), pct(0.90), pct(0.99), pct(1), r.statuses, r.failed)
}

func run(target, token string, conc, n int, limit time.Duration) result {
	client := newClient(conc)
	return drive(conc, n, limit, func(int, int64) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err == nil && token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return req, err
	}, client)
}

func newClient(conc int) *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}}
}

// drive sends up to n requests over conc connections until limit passes:
// worker w's i-th request (i counts across workers from 1) is made by
// next. It records each answer's latency and status.
func drive(conc, n int, limit time.Duration, next func(w int, i int64) (*http.Request, error), client *http.Client) result {
	var count atomic.Int64
	deadline := time.Now().Add(limit)
	var mu sync.Mutex
	res := result{statuses: map[int]int64{}, latencies: make([]time.Duration, 0, n)}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Go(func() {
			var lat []time.Duration
			statuses := map[int]int64{}
			var failed int64
			for {
				i := count.Add(1)
				if i > int64(n) || !time.Now().Before(deadline) {
					break
				}
				req, err := next(w, i)
				if err != nil {
					failed++
					continue
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close() // fully read; a close error changes nothing measured
				lat = append(lat, time.Since(t0))
				statuses[resp.StatusCode]++
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
	res.sent = int64(len(res.latencies)) + res.failed
	return res
}
