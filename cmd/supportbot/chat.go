package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"supportbot/internal/auth"
	"supportbot/internal/conversations"
	"supportbot/internal/users"
)

func runChat(a *app, args []string) int {
	fs := newFlagSet(a, "chat", "Talk to the bot in the terminal as a customer of the demo shop (run `supportbot demo` once first). Development only: it acts as the customer without a password.")
	as := fs.String("as", "alice@example.com", "the customer to chat as")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	ctx := context.Background()
	env, ok := a.openUsers(ctx)
	if !ok {
		return 1
	}
	defer env.close()
	if !env.cfg.Development {
		fmt.Fprintln(a.stderr, "supportbot chat: a development tool; refusing to act as a customer in production (set ENV=development)")
		return 1
	}
	u, err := env.store.GetByEmail(ctx, *as)
	if errors.Is(err, users.ErrNotFound) {
		fmt.Fprintf(a.stderr, "supportbot chat: no account %s; run `supportbot demo` once to create the demo shop\n", *as)
		return 1
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot chat: %v\n", err)
		return 1
	}
	sb, err := newSupportBot(env.cfg, env.db, env.keys, env.store, env.audit, time.Now)
	if err == nil {
		err = sb.loadKB(ctx)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot chat: %v\n", err)
		return 1
	}
	caller := conversations.Caller{Actor: auth.Actor{UserID: u.ID, Role: auth.Role(u.Role)}, IP: "127.0.0.1", RequestID: "cli-chat"}
	conv, msgs, err := sb.chat.Start(ctx, caller)
	if err != nil {
		fmt.Fprintf(a.stderr, "supportbot chat: %v\n", err)
		return 1
	}
	for _, m := range msgs {
		a.printBot(m.Text, m.Meta.Suggestions)
	}
	fmt.Fprintf(a.stdout, "(chatting as %s; an empty line or Ctrl-D ends)\n", *as)
	in := bufio.NewScanner(a.stdin)
	for {
		fmt.Fprint(a.stdout, "you> ")
		if !in.Scan() || strings.TrimSpace(in.Text()) == "" {
			fmt.Fprintln(a.stdout)
			return 0
		}
		turn, err := sb.chat.Send(ctx, caller, conv.ID, in.Text())
		var te *conversations.TextError
		switch {
		case errors.As(err, &te):
			fmt.Fprintf(a.stdout, "(%s)\n", te.Message)
			continue
		case err != nil:
			fmt.Fprintf(a.stderr, "supportbot chat: %v\n", err)
			return 1
		case turn.Reply == nil:
			fmt.Fprintln(a.stdout, "(a member of staff has this conversation; the bot stays quiet)")
			continue
		}
		a.printBot(turn.Reply.Text, turn.Reply.Suggestions)
		if turn.Reply.Handoff {
			fmt.Fprintln(a.stdout, "(handed off to the support queue: staff see it in GET /api/v1/conversations)")
		}
	}
}

func (a *app) printBot(text string, suggestions []string) {
	fmt.Fprintf(a.stdout, "bot> %s\n", strings.ReplaceAll(text, "\n", "\n     "))
	if len(suggestions) > 0 {
		fmt.Fprintf(a.stdout, "     [%s]\n", strings.Join(suggestions, "] ["))
	}
}
