package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"supportbot/bench/chatmix"
)

// session is one signed-in customer with an open conversation.
type session struct {
	token, conversation string
}

// runChat signs users customers up and in, opens a conversation each, and
// sends n chat messages over conc connections.
func runChat(base *url.URL, users, conc, n int, limit time.Duration, pid int) (result, error) {
	client := newClient(conc)
	root := base.Scheme + "://" + base.Host
	sessions, err := signIn(client, root, users)
	if err != nil {
		return result{}, err
	}
	fmt.Fprintf(os.Stderr, "loadgen: %d customers signed in, each with a conversation\n", len(sessions))
	// Every request is prepared before the clock starts: session s's
	// message m is reqs[s][m].
	reqs := make([][][]byte, len(sessions))
	for si, s := range sessions {
		reqs[si] = make([][]byte, len(chatmix.Messages))
		for m, text := range chatmix.Messages {
			body, err := json.Marshal(map[string]string{"text": text})
			if err != nil {
				return result{}, err
			}
			reqs[si][m] = []byte(fmt.Sprintf("POST /api/v1/conversations/%s/messages HTTP/1.1\r\nHost: %s\r\n"+
				"Authorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
				s.conversation, base.Host, s.token, len(body), body))
		}
	}
	return drive(base, conc, n, limit, pid, func(w int, i int64) []byte {
		// A customer types one message at a time: each connection keeps to
		// its own customers, so no conversation gets two messages at once.
		return reqs[(w+conc*int(i/int64(conc)))%len(sessions)][int(i)%len(chatmix.Messages)]
	}), nil
}

// benchPassword passes the server's password rules.
const benchPassword = "Bench-Kettle-42-Sings" // #nosec G101 -- the password of throwaway load-test accounts on a loopback server

func signIn(client *http.Client, root string, users int) ([]session, error) {
	run := rand.Text()[:8]
	out := make([]session, users)
	for i := range out {
		email := fmt.Sprintf("bench-%s-%d@example.com", strings.ToLower(run), i)
		if _, err := post(client, root+"/api/v1/auth/register", "", map[string]string{"email": email, "name": "Bench Customer", "password": benchPassword}, http.StatusCreated); err != nil {
			return nil, fmt.Errorf("register %s (is REGISTRATION_OPEN on and LOGIN_MAX_ATTEMPTS raised?): %w", email, err)
		}
		var tokens struct {
			AccessToken string `json:"access_token"`
		}
		if err := postDecode(client, root+"/api/v1/auth/login", "", map[string]string{"email": email, "password": benchPassword}, &tokens); err != nil {
			return nil, fmt.Errorf("log in %s: %w", email, err)
		}
		var conv struct {
			Conversation struct {
				ID string `json:"id"`
			} `json:"conversation"`
		}
		if err := postDecode(client, root+"/api/v1/conversations", tokens.AccessToken, nil, &conv); err != nil {
			return nil, fmt.Errorf("open a conversation: %w", err)
		}
		out[i] = session{token: tokens.AccessToken, conversation: conv.Conversation.ID}
	}
	return out, nil
}

func post(client *http.Client, u, token string, body any, want int) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(http.MethodPost, u, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return data, nil
}

func postDecode(client *http.Client, u, token string, body, dst any) error {
	want := http.StatusOK
	if body == nil {
		want = http.StatusCreated
	}
	data, err := post(client, u, token, body, want)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, dst)
}

// rss returns the resident set size of process pid, "" when unknown.
func rss(pid int) string {
	if pid <= 0 {
		return ""
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// cpuTime returns the user and system CPU time process pid has used, 0 when
// unknown. /proc/<pid>/stat counts it in clock ticks, which are 1/100 s on
// Linux for every architecture Go supports (USER_HZ).
func cpuTime(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name in field 2 may hold spaces; fields after its ")"
	// start at field 3, so utime and stime (14 and 15) are the 12th and 13th.
	_, rest, ok := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if !ok || len(f) < 13 {
		return 0
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond
}
