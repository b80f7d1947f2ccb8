package web

import (
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Route is the one sender the handlers use: what is for a web chat goes to
// the web inbox, everything else to Telegram. No feature knows which a
// chat is.
func Route(telegram Sender, inbox *Inbox) Sender { return router{tg: telegram, web: inbox} }

type router struct {
	tg  Sender
	web *Inbox
}

func (r router) Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	if forWeb(c) {
		return r.web.Send(ctx, c)
	}
	return r.tg.Send(ctx, c)
}

func (r router) Request(ctx context.Context, c tgbotapi.Chattable) error {
	if forWeb(c) {
		return r.web.Request(ctx, c)
	}
	return r.tg.Request(ctx, c)
}

// callbackPrefix starts the callback query id of a press in a web chat.
const callbackPrefix = "web:"

// forWeb reports whether a request is for a web chat: by its chat id, or,
// for the answer to a press, by the press's id.
func forWeb(c tgbotapi.Chattable) bool {
	switch v := c.(type) {
	case tgbotapi.MessageConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.EditMessageTextConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.EditMessageReplyMarkupConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.DeleteMessageConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.DocumentConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.PhotoConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.VoiceConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.AudioConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.ChatActionConfig:
		return storage.IsWebChat(v.ChatID)
	case tgbotapi.CallbackConfig:
		return strings.HasPrefix(v.CallbackQueryID, callbackPrefix)
	case tgbotapi.SetMyCommandsConfig:
		return v.Scope != nil && v.Scope.Type == "chat" && storage.IsWebChat(v.Scope.ChatID)
	}
	return false
}
