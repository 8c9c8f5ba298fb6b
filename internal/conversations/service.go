package conversations

import (
	"context"
	"errors"
	"fmt"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/auth"
	"supportbot/internal/bot"
	"supportbot/internal/bot/dialogue"
	"supportbot/internal/orders"
	"supportbot/internal/payment/card"
	"supportbot/internal/storage"
)

// Caller is who acts, for authorization and the audit trail: the same as
// the orders service's, since a chat turn acts on orders for its caller.
type Caller = orders.Caller

// Understander reads one message; *bot.Brain is one.
type Understander interface {
	Understand(text string) bot.Understanding
}

var (
	// ErrClosed means the conversation is closed: start a new one.
	ErrClosed = errors.New("conversations: conversation is closed")
	// ErrNotWaiting means a claim came too late: another agent took the
	// conversation, or it was never handed off.
	ErrNotWaiting = errors.New("conversations: conversation is not waiting for an agent")
	// ErrForbidden means the caller's role may never do this.
	ErrForbidden = errors.New("conversations: forbidden")
	// ErrBusy means concurrent changes kept conflicting; the client may retry.
	ErrBusy = errors.New("conversations: too many concurrent changes")
)

// Options configures a Service.
type Options struct {
	MaxChars    int           // MAX_MESSAGE_CHARS; 0 = 2000
	IdleTimeout time.Duration // CONVERSATION_IDLE_TIMEOUT; 0 = 30 minutes
	Clock       func() time.Time
}

// Service runs conversations: every caller (HTTP handlers, the terminal
// chat) goes through it, and it authorizes every call itself (DESIGN.md
// invariant 2).
type Service struct {
	store  *Store
	brain  Understander
	engine *dialogue.Engine
	orders func(Caller) dialogue.Orders
	rec    audit.Recorder
	hub    *Hub
	opts   Options
}

// NewService returns a Service. orders binds the dialogue's order access
// to the caller, so the bot reaches exactly the orders the caller may.
func NewService(store *Store, brain Understander, engine *dialogue.Engine, orders func(Caller) dialogue.Orders,
	rec audit.Recorder, hub *Hub, opts Options) *Service {
	if opts.MaxChars <= 0 {
		opts.MaxChars = 2000
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 30 * time.Minute
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if hub == nil {
		hub = NewHub()
	}
	return &Service{store: store, brain: brain, engine: engine, orders: orders, rec: rec, hub: hub, opts: opts}
}

// Hub returns the hub the service publishes changes on.
func (s *Service) Hub() *Hub { return s.hub }

// Welcome is the bot's first message in every conversation.
const Welcome = "Hi! I'm the shop's assistant. I can track, cancel or return your orders and answer questions about shipping, returns and payments. Please never share card details in this chat."

// CardWarning prefixes the bot's reply to a message from which card data
// was removed (first specification, "CVV handling"; invariant 6).
const CardWarning = "For your security I've removed the card details from your message. Please never share card numbers, security codes or expiry dates in chat: we will never ask for them here."

// Start opens a conversation for the caller, with the bot's welcome.
func (s *Service) Start(ctx context.Context, c Caller) (Conversation, []Message, error) {
	if err := auth.Authorize(c.Actor, auth.ActionConversationCreate, auth.Resource{}); err != nil {
		return Conversation{}, nil, fmt.Errorf("conversations: start: %w: %w", ErrForbidden, err)
	}
	conv, msgs, err := s.store.Create(ctx, c.Actor.UserID, []Message{{
		Sender: SenderBot, Text: Welcome, Intent: string(bot.IntentGreeting),
		Meta: Meta{Suggestions: dialogue.Menu()},
	}})
	if err != nil {
		return Conversation{}, nil, err
	}
	return conv, msgs, nil
}

// authorized reads the conversation and checks that the caller may do
// action on it. Someone else's conversation and a missing one are the same
// ErrNotFound, and the attempt is audited (invariant 2).
func (s *Service) authorized(ctx context.Context, c Caller, id string, action auth.Action) (Conversation, error) {
	return s.authorizedWith(ctx, c, id, action, nil)
}

// authorizedWith is authorized; inspect, when set, sees the conversation
// as read (before the access check) and may end the call with an error of
// its own.
func (s *Service) authorizedWith(ctx context.Context, c Caller, id string, action auth.Action, inspect func(Conversation) error) (Conversation, error) {
	if !storage.IsID(id) {
		// Not an id this server issues: missing, without a query, and
		// audited without the client's text (it could be anything, a card
		// number included; found by review).
		if _, err := auth.ScopeFor(c.Actor, action); err != nil {
			s.deny(ctx, c, "", action, "forbidden")
			return Conversation{}, fmt.Errorf("%w: %w", ErrForbidden, err)
		}
		s.deny(ctx, c, "", action, "malformed id")
		return Conversation{}, ErrNotFound
	}
	conv, err := s.store.Get(ctx, id)
	res := conv.Resource()
	if errors.Is(err, ErrNotFound) {
		res = auth.Resource{}
	} else if err != nil {
		return Conversation{}, err
	} else if inspect != nil {
		if err := inspect(conv); err != nil {
			return Conversation{}, err
		}
	}
	if err := auth.Authorize(c.Actor, action, res); err != nil {
		if errors.Is(err, auth.ErrForbidden) {
			s.deny(ctx, c, id, action, "forbidden")
			return Conversation{}, fmt.Errorf("%w: %w", ErrForbidden, err)
		}
		s.deny(ctx, c, id, action, "not found or not theirs")
		return Conversation{}, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return conv, nil
}

func (s *Service) deny(ctx context.Context, c Caller, id string, action auth.Action, why string) {
	target := "conversation"
	if storage.IsID(id) {
		target += ":" + id
	}
	_ = s.rec.Record(context.WithoutCancel(ctx), audit.Event{
		Type: "access.denied", Level: audit.LevelWarning, Actor: c.Actor.UserID, IP: c.IP, RequestID: c.RequestID,
		Target: target, Details: "action " + string(action) + " by " + string(c.Actor.Role) + ": " + why, Status: "denied",
	})
}

// Get returns the conversation if the caller may read it.
func (s *Service) Get(ctx context.Context, c Caller, id string) (Conversation, error) {
	return s.authorized(ctx, c, id, auth.ActionConversationRead)
}

// History returns the conversation and a page of its messages.
func (s *Service) History(ctx context.Context, c Caller, id string, p Page) (Conversation, []Message, error) {
	conv, err := s.authorized(ctx, c, id, auth.ActionConversationRead)
	if err != nil {
		return Conversation{}, nil, err
	}
	msgs, err := s.store.Messages(ctx, id, p)
	return conv, msgs, err
}

// List returns the conversations the caller may see: a customer's own; a
// staff member's claimed ones plus the hand-off queue; every one for an
// admin. f's CustomerID and AssigneeID are overridden by the scope.
func (s *Service) List(ctx context.Context, c Caller, f Filter) ([]Conversation, Cursor, error) {
	scope, err := auth.ScopeFor(c.Actor, auth.ActionConversationList)
	if err != nil {
		return nil, Cursor{}, fmt.Errorf("%w: %w", ErrForbidden, err)
	}
	switch scope {
	case auth.ScopeOwn:
		f.CustomerID, f.AssigneeID, f.Queue = c.Actor.UserID, "", false
	case auth.ScopeAssigned, auth.ScopeAssignedOrQueued:
		f.CustomerID, f.AssigneeID, f.Queue = "", c.Actor.UserID, true
	case auth.ScopeAny:
	default:
		return nil, Cursor{}, ErrForbidden
	}
	return s.store.List(ctx, f)
}

// Turn is the outcome of one customer message.
type Turn struct {
	Conversation Conversation
	Message      Message         // the customer's message as stored (card data removed)
	Reply        *dialogue.Reply // the bot's answer; nil while a person handles the conversation
	BotMessage   *Message
	Removed      card.Counts // card data removed from the message
}

// maxAttempts bounds retries when concurrent turns on one conversation
// conflict.
const maxAttempts = 4

// Send runs one chat turn: the text is cleaned, card data is removed before
// anything else sees it, and then — unless a person handles the
// conversation, when the bot stays quiet — the bot understands it, the
// dialogue answers, and both messages and the new state are stored in one
// transaction, encrypted.
func (s *Service) Send(ctx context.Context, c Caller, id, text string) (Turn, error) {
	text, err := Clean(text, s.opts.MaxChars)
	if err != nil {
		return Turn{}, err
	}
	// Invariant 6: card numbers, codes and expiry dates go before the
	// message is stored, logged or understood.
	text, removed := card.Redact(text)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		conv, copied, err := s.forTurn(ctx, c, id, attempt)
		if err != nil {
			return Turn{}, err
		}
		orders := s.orders(c)
		if copied {
			orders = copyGuard{orders}
		}
		turn, err := s.turn(ctx, c, conv, orders, text, removed)
		if errors.Is(err, ErrConflict) || errors.Is(err, errFromCopy) {
			continue
		}
		if err != nil {
			return Turn{}, err
		}
		if removed.Total() > 0 {
			_ = s.rec.Record(context.WithoutCancel(ctx), audit.Event{
				Type: "chat.card_data_removed", Level: audit.LevelWarning, Actor: c.Actor.UserID, IP: c.IP, RequestID: c.RequestID,
				Target: "conversation:" + conv.ID, Status: "redacted",
				Details: fmt.Sprintf("numbers=%d codes=%d expiry_dates=%d", removed.Numbers, removed.Codes, removed.Expiries),
			})
		}
		s.hub.Publish(conv.ID)
		if turn.Conversation.Status == StatusWaiting && conv.Status != StatusWaiting {
			s.hub.Publish(QueueTopic)
		}
		return turn, nil
	}
	return Turn{}, ErrBusy
}

// forTurn is authorized for a chat turn. The first attempt starts from
// the store's latest copy of the conversation when it has one (SQLite),
// saving a read, and says so: the caller must be its customer — which
// never changes — and it must not be waiting for a yes or no, since a
// "yes" changes an order, outside the conversation, before the turn's
// compare-and-set could notice a stale copy (copyGuard makes sure of it).
// A stale copy otherwise costs one more attempt, from the database.
func (s *Service) forTurn(ctx context.Context, c Caller, id string, attempt int) (conv Conversation, copied bool, err error) {
	if attempt == 0 {
		if conv, ok := s.store.latest(id); ok && conv.CustomerID == c.Actor.UserID && conv.State.Confirm == "" &&
			auth.Authorize(c.Actor, auth.ActionConversationMessage, conv.Resource()) == nil {
			return conv, true, nil
		}
	}
	conv, err = s.authorized(ctx, c, id, auth.ActionConversationMessage)
	return conv, false, err
}

// errFromCopy ends a turn that started from a copy of its conversation
// and came to change an order: Send runs it again from the database.
var errFromCopy = errors.New("conversations: order change from a copy of the conversation")

// copyGuard is the orders of a turn that started from a copy: it reads,
// but refuses to change an order, so that no change outside the
// conversation rests on a state that may be stale — whatever the
// dialogue comes to do.
type copyGuard struct{ dialogue.Orders }

func (copyGuard) Cancel(context.Context, string) (dialogue.Order, error) {
	return dialogue.Order{}, errFromCopy
}

func (copyGuard) Return(context.Context, string) (dialogue.Order, error) {
	return dialogue.Order{}, errFromCopy
}

func (s *Service) turn(ctx context.Context, c Caller, conv Conversation, orders dialogue.Orders, text string, removed card.Counts) (Turn, error) {
	customer := Message{Sender: SenderCustomer, AuthorID: c.Actor.UserID, Text: text, Redactions: removed.Total()}
	switch conv.Status {
	case StatusClosed:
		return Turn{}, ErrClosed
	case StatusWaiting, StatusWithAgent:
		// A person has the conversation: store the message, say nothing.
		next, stored, err := s.store.Apply(ctx, conv, Change{Messages: []Message{customer}, Status: conv.Status,
			Assignee: conv.AssigneeID, State: conv.State, Activity: true})
		if err != nil {
			return Turn{}, err
		}
		return Turn{Conversation: next, Message: stored[0], Removed: removed}, nil
	}
	state := conv.State
	if s.opts.Clock().Sub(conv.LastActivityAt) > s.opts.IdleTimeout {
		state = dialogue.State{} // a stale question is forgotten
	}
	u := s.brain.Understand(text)
	reply, next, err := s.engine.Step(ctx, state, u, orders)
	if err != nil {
		return Turn{}, err
	}
	if removed.Total() > 0 {
		reply.Text = CardWarning + "\n\n" + reply.Text
	}
	customer.Intent = string(u.Intent)
	status := StatusBot
	if reply.Handoff {
		status = StatusWaiting
	}
	botMsg := Message{Sender: SenderBot, Text: reply.Text, Intent: string(reply.Intent), Meta: Meta{
		Confidence: reply.Confidence, OrderID: reply.OrderID, FAQID: reply.FAQID, Suggestions: reply.Suggestions, Handoff: reply.Handoff,
	}}
	after, stored, err := s.store.Apply(ctx, conv, Change{Messages: []Message{customer, botMsg}, Status: status,
		State: next, Activity: true})
	if err != nil {
		return Turn{}, err
	}
	return Turn{Conversation: after, Message: stored[0], Reply: &reply, BotMessage: &stored[1], Removed: removed}, nil
}

// AgentReply posts a staff member's message to a conversation they have
// claimed (an admin may post to any open one).
func (s *Service) AgentReply(ctx context.Context, c Caller, id, text string) (Conversation, Message, error) {
	text, err := Clean(text, s.opts.MaxChars)
	if err != nil {
		return Conversation{}, Message{}, err
	}
	text, removed := card.Redact(text)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		conv, err := s.authorized(ctx, c, id, auth.ActionConversationReply)
		if err != nil {
			return Conversation{}, Message{}, err
		}
		if conv.Status == StatusClosed {
			return Conversation{}, Message{}, ErrClosed
		}
		status, assignee := conv.Status, conv.AssigneeID
		if status != StatusWithAgent { // an admin stepping into a bot or queued conversation takes it
			status, assignee = StatusWithAgent, c.Actor.UserID
		}
		next, stored, err := s.store.Apply(ctx, conv, Change{
			Messages: []Message{{Sender: SenderAgent, AuthorID: c.Actor.UserID, Text: text, Redactions: removed.Total()}},
			Status:   status, Assignee: assignee, State: dialogue.State{}, Activity: true})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Conversation{}, Message{}, err
		}
		s.hub.Publish(id)
		if conv.Status == StatusWaiting {
			s.hub.Publish(QueueTopic)
		}
		return next, stored[0], nil
	}
	return Conversation{}, Message{}, ErrBusy
}

// Claim gives a handed-off conversation to the calling staff member. Only
// one of several agents claiming at once wins; the others get
// ErrNotWaiting.
func (s *Service) Claim(ctx context.Context, c Caller, id string) (Conversation, error) {
	conv, err := s.authorizedWith(ctx, c, id, auth.ActionConversationClaim, func(conv Conversation) error {
		if claimedMeanwhile(c, conv) {
			return ErrNotWaiting
		}
		return nil
	})
	if err != nil {
		return Conversation{}, err
	}
	if conv.Status != StatusWaiting {
		if conv.Status == StatusWithAgent && conv.AssigneeID == c.Actor.UserID {
			return conv, nil // claiming twice is harmless
		}
		return Conversation{}, ErrNotWaiting
	}
	next, _, err := s.store.Apply(ctx, conv, Change{
		Messages: []Message{{Sender: SenderSystem, Text: "A member of our support team has joined the conversation."}},
		Status:   StatusWithAgent, Assignee: c.Actor.UserID, State: dialogue.State{}})
	if errors.Is(err, ErrConflict) {
		return Conversation{}, ErrNotWaiting
	}
	if err != nil {
		return Conversation{}, err
	}
	s.audit(ctx, c, "conversation.claimed", id)
	s.hub.Publish(id)
	s.hub.Publish(QueueTopic)
	return next, nil
}

// claimedMeanwhile reports whether a staff member is claiming a
// conversation that was in the hand-off queue — which every staff member
// saw — and has left it since (another agent took it, or it was closed).
// That is an ordinary race, answered ErrNotWaiting, not an access
// violation: telling the agent it is gone reveals nothing the queue did
// not show them. It judges the same read of the conversation as the access
// check that follows, so two agents claiming at once see one consistent
// state each.
func claimedMeanwhile(c Caller, conv Conversation) bool {
	if _, err := auth.ScopeFor(c.Actor, auth.ActionConversationClaim); err != nil {
		return false
	}
	if conv.HandoffAt.IsZero() || conv.Status == StatusWaiting {
		return false
	}
	return !(conv.Status == StatusWithAgent && conv.AssigneeID == c.Actor.UserID)
}

// Close ends a conversation the caller has claimed (admins: any).
func (s *Service) Close(ctx context.Context, c Caller, id string) (Conversation, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		conv, err := s.authorized(ctx, c, id, auth.ActionConversationClose)
		if err != nil {
			return Conversation{}, err
		}
		if conv.Status == StatusClosed {
			return conv, nil
		}
		next, _, err := s.store.Apply(ctx, conv, Change{
			Messages: []Message{{Sender: SenderSystem, Text: "This conversation was closed. Start a new one any time."}},
			Status:   StatusClosed, Assignee: conv.AssigneeID, State: dialogue.State{}})
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return Conversation{}, err
		}
		s.audit(ctx, c, "conversation.closed", id)
		s.hub.Publish(id)
		if conv.Status == StatusWaiting {
			s.hub.Publish(QueueTopic)
		}
		return next, nil
	}
	return Conversation{}, ErrBusy
}

func (s *Service) audit(ctx context.Context, c Caller, typ, id string) {
	_ = s.rec.Record(context.WithoutCancel(ctx), audit.Event{
		Type: typ, Level: audit.LevelInfo, Actor: c.Actor.UserID, IP: c.IP, RequestID: c.RequestID,
		Target: "conversation:" + id, Status: "success",
	})
}
