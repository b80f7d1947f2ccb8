package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
)

// Listening to a document's voice summary (issue 21). The push and the
// card of a document with a summary in the member's language (else in
// Vietnamese) carry «🔊 Nghe tóm tắt (tiếng Mông, 2 phút)», ng:<doc>:<lang>;
// nothing is sent before the press. The press sends the recording from
// the file store (by the file_id Telegram gave it, uploaded the first
// time) as what it was recorded as, a voice note or an audio file, and
// records the listening: the member's open assignment of the document
// moves to read unless it is further (storage.ListenVoice). /ngonngu, and
// one question right after linking, set the member's language.

const (
	msgLanguageAsk = "🔊 Văn bản có thể có <b>bản tóm tắt giọng nói</b> do cán bộ, đảng viên trong xã đọc. " +
		"Đồng chí muốn nghe bằng tiếng gì?\n(Mọi nội dung khác vẫn bằng tiếng Việt. Văn bản chưa có bản bằng tiếng đồng chí chọn thì nghe bản tiếng Việt.)"
	labelSkip = "⏭ Bỏ qua"
)

// listenLabel is the button that sends a summary: «🔊 Nghe tóm tắt
// (tiếng Mông, 2 phút)».
func listenLabel(v storage.VoiceSummary) string {
	return fmt.Sprintf("🔊 Nghe tóm tắt (%s, %s)", v.Spoken(), v.Length())
}

// listenButton is the button of the summary offered with a document.
func listenButton(v storage.VoiceSummary) chat.Button {
	return chat.NewButton(listenLabel(v), cbListen, v.DocumentID, v.Lang)
}

// listenLine is what a pushed message says of the summary offered.
func listenLine(v storage.VoiceSummary) string {
	return fmt.Sprintf("\n🔊 Có bản tóm tắt bằng %s, dài %s: bấm «🔊 Nghe tóm tắt» để nghe.", esc(v.Spoken()), v.Length())
}

// PushVoiceMessage is PushMessage for a member offered a voice summary of
// the document (storage.CampaignInput.WithVoice).
func PushVoiceMessage(d storage.Document, c storage.Campaign, assignmentID int64, v storage.VoiceSummary) (string, any) {
	text, _ := PushMessage(d, c, assignmentID)
	return text + listenLine(v), pushKeyboard(d, c, assignmentID, false, &v)
}

// offeredVoice is the summary of a document the asker is offered, nil
// when it has none in their language nor in Vietnamese.
func offeredVoice(ctx context.Context, r *chat.Request, docID int64) (*storage.VoiceSummary, error) {
	if r.Member == nil {
		return nil, nil
	}
	v, err := r.Store.VoiceFor(ctx, docID, r.Member.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// cardVoiceRows are the document card's voice buttons: the summary the
// member is offered, and for those who record, the summaries' page.
func (h *Handlers) cardVoiceRows(ctx context.Context, r *chat.Request, d storage.Document) (chat.Keyboard, error) {
	var rows chat.Keyboard
	v, err := offeredVoice(ctx, r, d.ID)
	if err != nil {
		return nil, err
	}
	if v != nil {
		rows = append(rows, chat.NewRow(listenButton(*v)))
	}
	if r.Has(chat.Secretary) && d.Status == storage.DocPublished {
		rows = append(rows, chat.NewRow(chat.NewButton(labelVoices, cbVoices, d.ID)))
	}
	return rows, nil
}

// listen is ng:<doc>:<lang>: the summary sent, the listening recorded. A
// document the member may not read, or without a summary in that
// language, is answered and changes nothing.
func (h *Handlers) listen(ctx context.Context, r *chat.Request) error {
	d, err := h.readableArg(ctx, r)
	if err != nil {
		return err
	}
	l, err := r.Store.ListenVoice(ctx, r.Member.ID, d.ID, r.CB.Arg(1))
	if err != nil {
		return err
	}
	v := l.Summary
	caption := fmt.Sprintf("🔊 Tóm tắt %s (%s, %s)", esc(docHeading(d)), esc(v.Spoken()), v.Length())
	if err := h.queueVoice(ctx, r, v, caption); err != nil {
		return err
	}
	r.Toast = "Đang gửi bản tóm tắt…"
	if l.Read {
		r.Toast = "Đang gửi bản tóm tắt. Đã ghi nhận đồng chí đã đọc văn bản; nghe xong, đồng chí bấm «✅ Tôi đã học»."
	}
	return nil
}

// queueVoice sends a summary as what it was recorded as: by the file_id
// Telegram gave it for that kind, else uploaded from the file store, the
// file_id of the upload remembered for the next press.
func (h *Handlers) queueVoice(ctx context.Context, r *chat.Request, v storage.VoiceSummary, caption string) error {
	var file tgbotapi.RequestFileData = tgbotapi.FileID(v.FileID)
	if v.FileID == "" {
		sf, err := r.Store.FileByID(ctx, v.StoreID)
		if err != nil {
			return err
		}
		data, err := r.Store.FileBytes(ctx, v.StoreID)
		if err != nil {
			return err
		}
		file = tgbotapi.FileBytes{Name: sf.Name, Bytes: data}
	}
	var c tgbotapi.Chattable
	if v.Kind == storage.AsVoice {
		m := tgbotapi.NewVoice(r.ChatID, file)
		m.Caption, m.ParseMode, m.Duration = caption, tgbotapi.ModeHTML, v.Seconds
		c = m
	} else {
		m := tgbotapi.NewAudio(r.ChatID, file)
		m.Caption, m.ParseMode, m.Duration, m.Title = caption, tgbotapi.ModeHTML, v.Seconds, "Tóm tắt "+v.Spoken()
		c = m
	}
	if v.FileID != "" {
		r.Queue(c)
		return nil
	}
	r.QueueThen(c, h.rememberAfterSend(v.StoreID, v.Kind))
	return nil
}

// languageKeyboard offers every language, the member's marked, and "Bỏ
// qua" when asked right after linking.
func languageKeyboard(ls []storage.Language, current string, skip bool) chat.Markup {
	var rows chat.Keyboard
	var row chat.Row
	for _, l := range ls {
		label := l.Name
		if l.Code == current {
			label = "✅ " + label
		}
		row = append(row, chat.NewButton(label, cbLanguage, l.Code))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if skip {
		rows = append(rows, chat.NewRow(chat.NewButton(labelSkip, cbLanguage, "-")))
	}
	return chat.NewMarkup(rows...)
}

// languageCommand is /ngonngu: the member's language and the others.
func (h *Handlers) languageCommand(ctx context.Context, r *chat.Request) error {
	ls, err := r.Store.Languages(ctx)
	if err != nil {
		return err
	}
	cur, err := r.Store.VoiceLanguage(ctx, r.Member.ID)
	if err != nil {
		return err
	}
	kb := languageKeyboard(ls, cur.Code, false)
	r.Show(fmt.Sprintf("%s\n\nĐồng chí đang nghe bằng <b>%s</b>.", msgLanguageAsk, esc(cur.Spoken())), &kb)
	return nil
}

// askLanguage is the one question right after linking, which may be skipped.
func (h *Handlers) askLanguage(ctx context.Context, r *chat.Request) error {
	ls, err := r.Store.Languages(ctx)
	if err != nil || len(ls) < 2 {
		return err
	}
	r.Reply(msgLanguageAsk, languageKeyboard(ls, "", true))
	return nil
}

// languageChosen is lg:<code> (lg:- skips): the member's language set.
func (h *Handlers) languageChosen(ctx context.Context, r *chat.Request) error {
	code := r.CB.Arg(0)
	if code == "-" {
		cur, err := r.Store.VoiceLanguage(ctx, r.Member.ID)
		if err != nil {
			return err
		}
		r.Show(fmt.Sprintf("Đồng chí nghe tóm tắt bằng %s. Muốn đổi, đồng chí gõ /ngonngu.", esc(cur.Spoken())), nil)
		return nil
	}
	l, err := offeredLanguage(ctx, r, code)
	if errors.Is(err, chat.ErrNotOffered) {
		r.Toast = "Ngôn ngữ này không còn trong danh sách."
		return h.languageCommand(ctx, r)
	}
	if err != nil {
		return err
	}
	if err := r.Store.SetVoiceLanguage(ctx, r.Member.ID, l.Code); err != nil {
		return err
	}
	text := fmt.Sprintf("✅ Từ nay đồng chí nghe tóm tắt văn bản bằng <b>%s</b>.", esc(l.Spoken()))
	if l.Code != storage.DefaultLanguage {
		text += " Văn bản chưa có bản " + esc(l.Spoken()) + " thì đồng chí nghe bản tiếng Việt."
	}
	r.Toast = "Đã lưu ngôn ngữ."
	r.Show(strings.TrimSpace(text+"\nMuốn đổi, đồng chí gõ /ngonngu."), nil)
	return nil
}

// voices is gn:<doc>: a document's recordings by language, every version
// with who recorded it and when, how to add one, and a button to hear
// each current one.
func (h *Handlers) voices(ctx context.Context, r *chat.Request) error {
	d, err := h.readableArg(ctx, r)
	if err != nil {
		return err
	}
	vs, err := r.Store.VoiceVersions(ctx, d.ID)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "🎙 <b>Tóm tắt giọng nói</b> — %s", esc(docHeading(d)))
	if len(vs) == 0 {
		b.WriteString("\n\nVăn bản này chưa có bản tóm tắt giọng nói nào.")
	}
	var rows chat.Keyboard
	lang := ""
	for _, v := range vs {
		if v.Lang != lang {
			lang = v.Lang
			fmt.Fprintf(&b, "\n\n<b>%s</b>", esc(v.LangName))
			rows = append(rows, chat.NewRow(chat.NewButton(listenLabel(v), cbListen, d.ID, v.Lang)))
		}
		fmt.Fprintf(&b, "\n• Bản %d: %s, %s", v.Version, v.Length(), esc(recordedBy(v, h.deps.Location)))
	}
	b.WriteString("\n\nĐể thêm hoặc thay một bản, đồng chí gửi tin nhắn thoại <b>trả lời tin nhắn này</b>, kèm tên ngôn ngữ làm chú thích nếu muốn (ví dụ <i>Mông</i>).")
	rows = append(rows, chat.NewRow(chat.NewButton(labelBackToDoc, cbDocument, d.ID)))
	kb := chat.NewMarkup(rows...)
	r.Show(b.String(), &kb)
	return nil
}
