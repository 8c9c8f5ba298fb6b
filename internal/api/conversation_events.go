package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"supportbot/internal/conversations"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/response"
)

// Server-sent event timing. A stream ends after streamLifetime and the
// browser's EventSource reconnects, so every connection is authenticated
// and authorized afresh at least that often (a revoked session or a
// conversation reassigned to someone else stops receiving). The periodic
// re-read picks up messages written by another instance.
const (
	streamLifetime  = 5 * time.Minute
	streamPoll      = 2 * time.Second
	streamHeartbeat = 15 * time.Second
	streamWriteWait = 10 * time.Second
	// maxStreamsPerUser bounds one user's open streams on this instance:
	// each costs a connection and a re-read every streamPoll (found by
	// review).
	maxStreamsPerUser = 5
)

// streamCounter counts open event streams per user.
type streamCounter struct {
	mu   sync.Mutex
	open map[string]int
}

// acquire counts one more stream for user, or reports false at the cap.
func (sc *streamCounter) acquire(user string) bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.open[user] >= maxStreamsPerUser {
		return false
	}
	if sc.open == nil {
		sc.open = make(map[string]int)
	}
	sc.open[user]++
	return true
}

func (sc *streamCounter) release(user string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.open[user]--; sc.open[user] <= 0 {
		delete(sc.open, user)
	}
}

// conversationEvents answers GET /api/v1/conversations/{id}/events with a
// text/event-stream: a "message" event (id: its sequence number) for each
// new message and a "conversation" event when the status changes. It
// resumes after Last-Event-ID (or ?after=) so a reconnecting client misses
// nothing.
func conversationEvents(d Deps) middleware.HandlerFunc {
	streams := &streamCounter{}
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := Caller(r)
		if err != nil {
			return err
		}
		if !streams.acquire(c.Actor.UserID) {
			w.Header().Set("Retry-After", strconv.Itoa(int(streamPoll/time.Second)))
			return response.TooManyRequests(fmt.Errorf("api: %d event streams open for user %s", maxStreamsPerUser, c.Actor.UserID))
		}
		defer streams.release(c.Actor.UserID)
		after, err := queryInt(r, "after", 1<<53)
		if err != nil {
			return err
		}
		if v := r.Header.Get("Last-Event-ID"); v != "" {
			if n, perr := strconv.ParseInt(v, 10, 64); perr == nil && n >= 0 {
				after = n
			}
		}
		ctx := r.Context()
		conv, err := d.Chat.Get(ctx, c, pathID(r))
		if err != nil {
			return ChatError(err)
		}
		wake, stop := d.Chat.Hub().Subscribe(conv.ID)
		defer stop()

		h := w.Header()
		h.Set("Content-Type", "text/event-stream; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no") // proxies must not buffer the stream
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)

		send := func(event string, id int64, v any) error {
			data, err := json.Marshal(v)
			if err != nil {
				return err
			}
			_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
			if id > 0 {
				_, err = fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", id, event, data)
			} else {
				_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
			}
			if err != nil {
				return err
			}
			return rc.Flush()
		}
		status := ""
		poll := time.NewTicker(streamPoll)
		defer poll.Stop()
		heartbeat := time.NewTicker(streamHeartbeat)
		defer heartbeat.Stop()
		end := time.NewTimer(streamLifetime)
		defer end.Stop()
		for {
			// Re-authorize on every read: access can end mid-stream.
			conv, msgs, err := d.Chat.History(ctx, c, conv.ID, conversations.Page{After: after, Limit: conversations.MaxPage})
			if err != nil {
				return nil // the stream has started; the client reconnects and gets the error then
			}
			if string(conv.Status) != status {
				status = string(conv.Status)
				if err := send("conversation", 0, newConversationView(conv)); err != nil {
					return nil
				}
			}
			for _, m := range msgs {
				if err := send("message", m.Seq, newMessageView(m)); err != nil {
					return nil
				}
				after = m.Seq
			}
			if len(msgs) == conversations.MaxPage {
				continue // more to catch up on
			}
			if !waitForNews(ctx.Done(), end.C, wake, poll.C, heartbeat.C, func() bool {
				_ = rc.SetWriteDeadline(time.Now().Add(streamWriteWait))
				_, err := fmt.Fprint(w, ": keep-alive\n\n")
				return err == nil && rc.Flush() == nil
			}) {
				return nil
			}
		}
	}
}

// waitForNews blocks until there may be something to send (a wake-up or a
// poll tick), sending keep-alive comments meanwhile. It reports false when
// the stream should end: the request is gone, its lifetime is over, or a
// keep-alive could not be written.
func waitForNews(done <-chan struct{}, end <-chan time.Time, wake <-chan struct{}, poll, heartbeat <-chan time.Time, keepAlive func() bool) bool {
	for {
		select {
		case <-done:
			return false
		case <-end:
			return false
		case <-wake:
			return true
		case <-poll:
			return true
		case <-heartbeat:
			if !keepAlive() {
				return false
			}
		}
	}
}
