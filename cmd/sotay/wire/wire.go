// Package wire puts sotay together: the handlers built on the bot's client,
// and what the bot and its outbox take from the features (the reminder, the
// weekly digest, the pushers' status message), so that bot imports no feature. The handlers
// send through one sender that takes web chats to their inbox and every
// other chat to Telegram, and, with WEB_URL, the web handbook is served on
// the bot's dispatcher. The commands that run the bot (serve, demo) build it
// here, and so do the bot's end to end tests, which thereby run the same
// wiring.
package wire

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/web"
	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
)

// Bot builds the bot serving the handlers: cfg as the command sets it, with
// the features filled in.
func Bot(ctx context.Context, cfg bot.Config, s *storage.Storage, log *slog.Logger) (*bot.Bot, error) {
	inbox := web.NewInbox(s)
	var (
		h      *handlers.Handlers
		client *bot.Client
	)
	cfg.Handler = func(c *bot.Client) bot.Handler {
		client = c
		h = handlers.New(handlers.Deps{
			Store: s, Sender: web.Route(c, inbox), Log: log, Now: s.Now, BotUsername: c.Username(), Location: cfg.Location, Files: c,
			WebURL: cfg.WebURL, SupervisionTarget: cfg.SupervisionTarget,
		})
		return Handlers(h)
	}
	cfg.Outgoing = func(c *bot.Client) bot.Sender { return web.Route(c, inbox) }
	cfg.Reminder = handlers.ReminderMessage
	cfg.Digest = handlers.DigestMessage
	cfg.Outbox.Progress = handlers.PushProgress
	if cfg.WebURL != "" {
		cfg.Web = func(env bot.WebEnv) (http.Handler, error) {
			return web.New(web.Config{URL: cfg.WebURL, Store: s, Inbox: inbox, Files: client,
				Commands: func(ctx context.Context, m storage.Member) ([]tgbotapi.BotCommand, error) {
					roles, err := s.RolesOf(ctx, m.ID)
					if err != nil {
						return nil, err
					}
					return h.Commands(true, roles), nil
				}}, env)
		}
	}
	return bot.New(ctx, cfg, s, log)
}

// Handlers is h as the bot sees it.
func Handlers(h *handlers.Handlers) bot.Handler { return served{h} }

// served adapts the handlers to bot.Handler.
type served struct{ h *handlers.Handlers }

func (s served) HandleUpdate(ctx context.Context, u tgbotapi.Update, a bot.Attempt) bot.Outcome {
	o := s.h.Handle(ctx, u, chat.Attempt{Retrying: a.Retrying, Last: a.Last})
	return bot.Outcome{Result: result(o.Result), Err: o.Err}
}

func (s served) CommandMenus(ctx context.Context) ([]tgbotapi.SetMyCommandsConfig, error) {
	return s.h.CommandMenus(ctx)
}

// result is the bot's name for what became of an update.
func result(r chat.Result) bot.Result {
	switch r {
	case chat.Applied:
		return bot.Applied
	case chat.Seen:
		return bot.Seen
	case chat.Retry:
		return bot.Retry
	case chat.Panicked:
		return bot.Panicked
	}
	panic(fmt.Sprintf("wire: handlers.Result %d has no bot.Result", r))
}
