package web

import (
	"encoding/json"
	"html"
	"regexp"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/microcosm-cc/bluemonday"

	"sotay/storage"
)

// The chat as the page draws it, one model for the web handbook and the
// demo's sandbox: a message with its buttons, keyboard and file, whose HTML
// is safe to insert (Telegram's subset, nothing else).

// Message is one message of a chat as the page shows it.
type Message struct {
	ID             int64      `json:"id"`
	From           string     `json:"from"` // "bot" or "user"
	HTML           string     `json:"html"`
	Edited         bool       `json:"edited,omitempty"`
	Deleted        bool       `json:"deleted,omitempty"`
	Inline         [][]Button `json:"inline,omitempty"`
	Reply          *Keyboard  `json:"reply,omitempty"`
	RemoveKeyboard bool       `json:"removeKeyboard,omitempty"`
	Document       *File      `json:"document,omitempty"`
	Photo          *File      `json:"photo,omitempty"`
	// Audio is a voice note or an audio file, played in the page.
	Audio *File `json:"audio,omitempty"`
	Time  int64 `json:"time"` // Unix milliseconds
	Rev   int64 `json:"rev"`
}

// Button is an inline or reply keyboard button.
type Button struct {
	Text    string `json:"text"`
	Data    string `json:"data,omitempty"`
	URL     string `json:"url,omitempty"`
	Contact bool   `json:"contact,omitempty"`
}

// Keyboard is a reply keyboard shown above the input.
type Keyboard struct {
	Rows        [][]Button `json:"rows"`
	OneTime     bool       `json:"oneTime,omitempty"`
	Placeholder string     `json:"placeholder,omitempty"`
}

// File is a file in the chat, downloadable from URL.
type File struct {
	Name string `json:"name"`
	Mime string `json:"mime"`
	Size int    `json:"size"`
	URL  string `json:"url"`
}

// Policy keeps the HTML subset Telegram renders and nothing else.
func Policy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "blockquote", "tg-spoiler")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https")
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(tg-spoiler|language-[A-Za-z0-9_+#-]{1,32})$`)).OnElements("span", "code")
	return p
}

// BodyHTML is a message's text as the page inserts it: the bot's HTML
// reduced to Telegram's subset, anything else escaped.
func BodyHTML(p *bluemonday.Policy, text, parseMode string) string {
	if strings.EqualFold(parseMode, tgbotapi.ModeHTML) {
		return p.Sanitize(text)
	}
	return html.EscapeString(text)
}

// InlineButtons draws an inline keyboard.
func InlineButtons(rows [][]tgbotapi.InlineKeyboardButton) [][]Button {
	var out [][]Button
	for _, row := range rows {
		var r []Button
		for _, b := range row {
			btn := Button{Text: b.Text}
			switch {
			case b.CallbackData != nil:
				btn.Data = *b.CallbackData
			case b.URL != nil:
				btn.URL = *b.URL
			}
			r = append(r, btn)
		}
		out = append(out, r)
	}
	return out
}

// ReplyKeyboard draws a reply keyboard.
func ReplyKeyboard(rk tgbotapi.ReplyKeyboardMarkup) *Keyboard {
	kb := &Keyboard{OneTime: rk.OneTimeKeyboard, Placeholder: rk.InputFieldPlaceholder}
	for _, row := range rk.Keyboard {
		var r []Button
		for _, b := range row {
			r = append(r, Button{Text: b.Text, Contact: b.RequestContact})
		}
		kb.Rows = append(kb.Rows, r)
	}
	return kb
}

// markup is any reply markup as Telegram takes it in JSON: an inline
// keyboard, a reply keyboard, or its removal.
type markup struct {
	Inline [][]tgbotapi.InlineKeyboardButton `json:"inline_keyboard"`
	tgbotapi.ReplyKeyboardMarkup
	Remove bool `json:"remove_keyboard"`
}

// decodeMarkup reads a stored reply markup; what it cannot read draws no
// keyboard.
func decodeMarkup(b []byte) markup {
	var mk markup
	if len(b) > 0 {
		_ = json.Unmarshal(b, &mk)
	}
	return mk
}

// pageMessage draws a message of the web inbox; files are downloaded from
// base + "api/file/<message id>".
func pageMessage(p *bluemonday.Policy, base string, m storage.WebMessage) Message {
	out := Message{ID: m.ID, From: "bot", Edited: m.EditedAt != nil, Deleted: m.DeletedAt != nil, Time: m.CreatedAt.UnixMilli(), Rev: m.Rev}
	if m.FromMember {
		out.From = "user"
	}
	if out.Deleted {
		return out
	}
	out.HTML = BodyHTML(p, m.Text, m.ParseMode)
	mk := decodeMarkup(m.ReplyMarkup)
	out.Inline = InlineButtons(mk.Inline)
	if len(mk.Keyboard) > 0 {
		out.Reply = ReplyKeyboard(mk.ReplyKeyboardMarkup)
	}
	out.RemoveKeyboard = mk.Remove
	if f := m.File(); f != nil {
		pf := &File{Name: f.Name, Mime: f.Mime, Size: f.Size, URL: base + "api/file/" + strconv.FormatInt(m.ID, 10)}
		switch {
		case m.Photo:
			out.Photo = pf
		case f.Kind == storage.AsVoice || f.Kind == storage.AsAudio:
			out.Audio = pf
		default:
			out.Document = pf
		}
	}
	return out
}

// hasButton reports whether a message of the inbox carries an inline
// button with this data: a press names a button the member was shown.
func hasButton(m storage.WebMessage, data string) bool {
	if m.DeletedAt != nil || m.FromMember {
		return false
	}
	for _, row := range decodeMarkup(m.ReplyMarkup).Inline {
		for _, b := range row {
			if b.CallbackData != nil && *b.CallbackData == data {
				return true
			}
		}
	}
	return false
}
