package ui

import (
	"context"
	"errors"
	"time"

	"supportbot/internal/conversations"
	"supportbot/internal/http/middleware"
	"supportbot/internal/http/request"
)

// ChatActivity adapts the conversations service to Activity for the admin
// charts. The service authorizes every call itself (auth.ActionStatsRead,
// DESIGN.md invariant 1), so each call acts as the signed-in caller of the
// request whose context it gets.
func ChatActivity(chat *conversations.Service) Activity { return chatActivity{chat} }

type chatActivity struct{ chat *conversations.Service }

// TurnsPerHour implements Activity.
func (a chatActivity) TurnsPerHour(ctx context.Context, since time.Time) ([]int, error) {
	c, err := contextCaller(ctx)
	if err != nil {
		return nil, err
	}
	return a.chat.TurnsPerHour(ctx, c, since)
}

// IntentCounts implements Activity.
func (a chatActivity) IntentCounts(ctx context.Context, since time.Time) (map[string]int, error) {
	c, err := contextCaller(ctx)
	if err != nil {
		return nil, err
	}
	return a.chat.IntentCounts(ctx, c, since)
}

// contextCaller is caller(r) from a request's context alone.
func contextCaller(ctx context.Context) (conversations.Caller, error) {
	id, ok := middleware.IdentityFrom(ctx)
	if !ok || id.UserID == "" {
		return conversations.Caller{}, errors.New("ui: activity asked for without a signed-in caller")
	}
	ip := ""
	if a := request.ClientIP(ctx); a.IsValid() {
		ip = a.String()
	}
	return conversations.Caller{Actor: id.Actor(), IP: ip, RequestID: request.ID(ctx)}, nil
}
