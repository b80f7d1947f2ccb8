// Package telegramtest is a fake Telegram Bot API server over real HTTP, for
// the bot's end-to-end tests and for the in-process demo chat.
//
// It answers /bot<token>/<method> (query string, urlencoded, multipart and
// JSON bodies, as Telegram does) and /file/bot<token>/<file_path> with the
// real API's JSON shapes and error descriptions, built from tgbotapi's own
// types so the bot decodes exactly what it would from Telegram.
//
// A test starts a server, points the bot at it and plays users:
//
//	srv := telegramtest.NewServer()
//	defer srv.Close()
//	bot, _ := tgbotapi.NewBotAPIWithClient(srv.Token(), srv.URL()+"/bot%s/%s", client)
//	// ... start the bot's getUpdates loop or set its webhook ...
//	u := srv.User(42, "Lan")
//	u.SendText("/start")
//	msg, err := u.WaitMessage(5*time.Second, func(m telegramtest.Message) bool {
//		return strings.Contains(m.Plain, "Chào")
//	})
//	_, err = u.PressButton("Tài liệu")
//
// Users' messages and button presses become updates, served by getUpdates
// (long polling, offsets, one poller at a time) or posted to the webhook set
// with setWebhook. What the bot sends is recorded per chat with edits and
// deletions applied (User.Messages, Server.Sent), can be awaited without
// sleeping (User.WaitMessage), and is streamed to the demo page (Subscribe).
//
// Failures are injected per method with InjectFault (429 with retry_after,
// 403, 5xx, slow answers, dropped connections), BlockBy makes a user block
// the bot, and WithFloodLimit enforces Telegram-like flood control. A call
// that fails records nothing.
//
// Telegram's checks the bot is likely to trip are enforced: unknown chats,
// empty or over-long texts, malformed HTML with parse_mode=HTML, callback
// data over 64 bytes, "message is not modified" edits, stale callback query
// ids, unknown file ids. Markdown parse modes are accepted without checking.
//
// The demo mounts the server with NewHandler (at the root of a mux or behind
// http.StripPrefix) and calls SetURL with its address.
package telegramtest
