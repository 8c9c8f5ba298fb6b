package conversations

import "sync"

// QueueTopic is the Hub topic announced whenever the hand-off queue changes.
const QueueTopic = "queue"

// Hub tells live listeners (server-sent event streams) that a topic — a
// conversation id, or QueueTopic — has news. It carries no data: a
// listener reads what changed from the store, so a missed or merged
// signal loses nothing, and another instance's changes are picked up by
// the listeners' periodic re-read.
type Hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

// NewHub returns an empty Hub.
func NewHub() *Hub { return &Hub{subs: make(map[string]map[chan struct{}]struct{})} }

// Subscribe returns a channel that receives a value after each Publish on
// topic (several publishes may merge into one), and a function that ends
// the subscription.
func (h *Hub) Subscribe(topic string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	set := h.subs[topic]
	if set == nil {
		set = make(map[chan struct{}]struct{})
		h.subs[topic] = set
	}
	set[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(set, ch)
		if len(set) == 0 && h.subs[topic] != nil && len(h.subs[topic]) == 0 {
			delete(h.subs, topic)
		}
		h.mu.Unlock()
	}
}

// Publish signals every subscriber of topic without blocking.
func (h *Hub) Publish(topic string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[topic] {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}
