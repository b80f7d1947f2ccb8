package handlers

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// Recording a document's voice summary (issue 21). A secretary, officer or
// admin sends a voice message or an audio file as a reply to a document
// card (or a pushed message, or the summaries' page), or with the caption
// "/giongnoi <số hiệu> <ngôn ngữ>"; the "giongnoi" dialog asks the language
// when the caption does not say it, then shows what will be kept to
// confirm. A secretary may add the first summary of a language; replacing
// one needs an officer or admin, and keeps the earlier versions. The
// recording is checked (format, 10 MB, 10 minutes) before anything is
// kept; it waits in the file store for a day until confirmed.
// Listening, and «🎙 Tóm tắt giọng nói» on a card (gn:<doc>), which lists a
// document's recordings with their versions, are in listen.go.

const (
	msgVoiceExample = "/giongnoi 21-KL/TW Mông"
	msgVoiceHowTo   = "🎙 Để ghi bản tóm tắt giọng nói cho văn bản, đồng chí gửi <b>tin nhắn thoại</b> (hoặc tệp ghi âm MP3, M4A, dưới 10 phút) " +
		"<b>trả lời</b> thẻ văn bản trong /vanban, hoặc kèm chú thích theo mẫu:\n<code>" + msgVoiceExample + "</code>\n" +
		"(số hiệu văn bản, rồi ngôn ngữ: Tiếng Việt, Thái, Mông, Dao… hoặc mã vi, blt, hmn, ium)."
	msgVoiceNotAllowed = "Chỉ bí thư chi bộ, cán bộ Đảng ủy và quản trị viên mới ghi bản tóm tắt giọng nói cho văn bản. " +
		"Đồng chí muốn nghe tóm tắt thì bấm «🔊 Nghe tóm tắt» trên văn bản; chọn ngôn ngữ nghe bằng /ngonngu."
	labelVoices = "🎙 Tóm tắt giọng nói"
	// voicePending is how long a recording waits in the file store for
	// its confirmation.
	voicePending = 24 * time.Hour
)

// voiceDraft is the "giongnoi" dialog's state: the document, the language,
// and the recording kept in the file store until confirmed.
type voiceDraft struct {
	DocID int64  `json:"doc"`
	Lang  string `json:"lang,omitempty"`
	File  int64  `json:"file"`
	// FileID is the recording's Telegram file_id as Kind ("" from a
	// transport without Telegram, or for a file sent as a document); an
	// empty Kind is what its format says (storage.VoiceInput).
	FileID  string               `json:"file_id,omitempty"`
	Kind    storage.TelegramKind `json:"kind,omitempty"`
	Seconds int                  `json:"seconds"`
	// TgSeconds is the length Telegram said the recording has.
	TgSeconds int `json:"tg_seconds,omitempty"`
}

type voiceConv = chat.Conv[voiceDraft]

// The "giongnoi" dialog's steps, in the order they are asked.
const (
	stepVoiceLang    chat.StepID[voiceDraft] = "lang"
	stepVoiceConfirm chat.StepID[voiceDraft] = "confirm"
)

func (h *Handlers) voiceDialog() *chat.Dialog[voiceDraft] {
	return &chat.Dialog[voiceDraft]{
		Name:      "giongnoi",
		Title:     "ghi tóm tắt giọng nói",
		Cancelled: "Đã hủy, bản ghi chưa được lưu.",
		Stale:     "Thao tác ghi tóm tắt này đã xong hoặc đã hủy. Đồng chí gửi lại tin nhắn thoại nếu cần.",
		Steps: []*chat.Step[voiceDraft]{
			{ID: stepVoiceLang, Needed: func(d voiceDraft) bool { return d.Lang == "" },
				Hint: "Đồng chí chọn ngôn ngữ của bản ghi bằng nút bên dưới.",
				View: chat.Window(voiceLoad, voiceLangView),
				Actions: map[string]func(context.Context, *voiceConv, chat.Args) error{
					"l": func(ctx context.Context, c *voiceConv, a chat.Args) error {
						l, err := offeredLanguage(ctx, c.Request, a.Arg(0))
						if err != nil {
							return err
						}
						if err := mayRecord(ctx, c.Request, c.Draft.DocID, l); err != nil {
							return err
						}
						c.Draft.Lang = l.Code
						c.Next()
						return nil
					},
				}},
			{ID: stepVoiceConfirm, View: chat.Window(voiceLoad, voiceConfirmView),
				Actions: map[string]func(context.Context, *voiceConv, chat.Args) error{
					"ok": h.voiceSave,
					"lang": func(_ context.Context, c *voiceConv, _ chat.Args) error {
						c.Draft.Lang = ""
						c.BackTo(stepVoiceLang)
						return nil
					},
				}},
		},
	}
}

// isVoiceUpload takes a voice note, an audio file, or a file whose name or
// type says it is a recording.
func isVoiceUpload(r *chat.Request) bool {
	m := r.Update.Message
	if m == nil {
		return false
	}
	if m.Voice != nil || m.Audio != nil {
		return true
	}
	return m.Document != nil && isAudioFile(m.Document.FileName, m.Document.MimeType)
}

// isAudioFile reports whether a file sent as a document is a recording.
func isAudioFile(name, mime string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".ogg", ".oga", ".opus", ".mp3", ".m4a":
		return true
	}
	return strings.HasPrefix(mime, "audio/")
}

// voiceUpload takes a recording sent in chat (isVoiceUpload, or
// /giongnoi as a caption): it finds the document and language, checks the
// recording and opens the dialog.
func (h *Handlers) voiceUpload(ctx context.Context, r *chat.Request) error {
	m := r.Update.Message
	f, ok := receivedFile(m)
	// A recording sent as a file is kept as what its format is (a voice
	// note for OGG/Opus), and uploaded once: a document's file_id cannot
	// be sent as a voice or an audio file.
	asFile := ok && f.Kind == storage.AsDocument
	if asFile && !isAudioFile(f.Name, f.Mime) {
		ok = false
	}
	if !r.Has(chat.Secretary) {
		r.Reply(msgVoiceNotAllowed, nil)
		return nil
	}
	if !ok || (f.Kind != storage.AsVoice && f.Kind != storage.AsAudio && !asFile) {
		r.Reply(msgVoiceHowTo, nil)
		return nil
	}
	d, langText, err := h.voiceTarget(ctx, r)
	if err != nil {
		return err
	}
	if d == nil {
		r.Reply(msgVoiceHowTo, nil)
		return nil
	}
	draft := voiceDraft{DocID: d.ID, Kind: f.Kind, FileID: telegramRef(f.Ref)}
	if asFile {
		draft.Kind, draft.FileID = "", ""
	}
	if langText != "" {
		l, err := r.Store.FindLanguage(ctx, langText)
		if err != nil {
			return storage.WithExample(err, msgVoiceExample)
		}
		if err := mayRecord(ctx, r, d.ID, l); err != nil {
			return err
		}
		draft.Lang = l.Code
	}
	if m.Voice != nil {
		draft.TgSeconds = m.Voice.Duration
	} else if m.Audio != nil {
		draft.TgSeconds = m.Audio.Duration
	}
	data, stored, err := h.fetchReceived(ctx, r, f)
	if errors.Is(err, errNotFetched) {
		return storage.Errorf(storage.CodeInvalid, "Chưa tải được bản ghi từ Telegram (tệp quá 20 MB, hoặc Telegram chưa trả lời). Đồng chí gửi lại sau ít phút; bản ghi không được quá 10 MB.")
	}
	if err != nil {
		return err
	}
	info, err := storage.CheckVoiceFile(data, draft.TgSeconds)
	if err != nil {
		return err
	}
	draft.Seconds = int(info.Duration.Round(time.Second) / time.Second)
	if stored == nil {
		name := f.Name
		if name == "" {
			name = "tom-tat" + info.Format.Ext()
		}
		sf, err := r.Store.PutFile(ctx, storage.FileInput{Name: name, Mime: info.Format.Mime(), Data: data, KeepFor: voicePending})
		if err != nil {
			return err
		}
		stored = &sf
	}
	draft.File = stored.ID
	return h.recording.Start(ctx, r, h.recording.Next(draft), draft)
}

// voiceTarget is the document a recording is for, and the language its
// caption names ("" for none): "/giongnoi <số hiệu> <ngôn ngữ>", or the
// document of the message it replies to (then the caption, if any, is the
// language). nil when neither says.
func (h *Handlers) voiceTarget(ctx context.Context, r *chat.Request) (*storage.Document, string, error) {
	args := strings.Join(strings.Fields(r.Args), " ")
	if r.Command == "" {
		args = ""
	}
	if id := repliedDocument(r.Update.Message.ReplyToMessage); id != 0 {
		d, err := h.readable(ctx, r, id)
		if err != nil {
			return nil, "", err
		}
		if args != "" {
			// A caption that names the document again is taken whole.
			if number, lang, _ := strings.Cut(args, " "); storage.NumberKey(number) == storage.NumberKey(d.Number) {
				args = lang
			}
		}
		return &d, args, nil
	}
	if args == "" {
		return nil, "", nil
	}
	number, lang, _ := strings.Cut(args, " ")
	ds, err := r.Store.DocumentsNumbered(ctx, number)
	if err != nil {
		return nil, "", err
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	visible, err := visibleDocuments(ctx, r, ids)
	if err != nil {
		return nil, "", err
	}
	var found []storage.Document
	for _, d := range ds {
		if visible[d.ID] && d.Status == storage.DocPublished {
			found = append(found, d)
		}
	}
	switch len(found) {
	case 0:
		return nil, "", storage.WithExample(storage.Errorf(storage.CodeNotFound,
			"Không có văn bản số %s đang công bố mà đồng chí xem được. Đồng chí kiểm tra lại số hiệu, hoặc mở văn bản trong /vanban rồi gửi tin nhắn thoại trả lời thẻ văn bản.", number), msgVoiceExample)
	case 1:
		return &found[0], lang, nil
	}
	return nil, "", storage.Errorf(storage.CodeConflict, "Có %d văn bản cùng số %s: đồng chí mở đúng văn bản trong /vanban rồi gửi tin nhắn thoại trả lời thẻ văn bản đó.", len(found), number)
}

// repliedDocument is the document a message the user replied to is about:
// the first of its buttons that names one (a card, a text page, a pushed
// message, the summaries' page); 0 for none.
func repliedDocument(m *tgbotapi.Message) int64 {
	if m == nil || m.ReplyMarkup == nil || m.From == nil || !m.From.IsBot {
		return 0
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData == nil {
				continue
			}
			p, args := chat.SplitCallback(*b.CallbackData)
			switch p {
			case cbDocument, cbText, cbFile, cbWithdraw, cbListen, cbVoices:
				if id, err := args.ID(0); err == nil {
					return id
				}
			}
		}
	}
	return 0
}

// mayRecord checks that the asker may record the document's summary in l:
// anyone who records may add a first one; replacing one needs an officer
// or admin.
func mayRecord(ctx context.Context, r *chat.Request, docID int64, l storage.Language) error {
	cur, err := r.Store.VoiceSummary(ctx, docID, l.Code)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && r.Has(chat.Officer)) {
		return nil
	}
	if err != nil {
		return err
	}
	return storage.Errorf(storage.CodeForbidden, "Văn bản này đã có bản tóm tắt %s (%s). Bí thư chi bộ ghi được bản tóm tắt cho ngôn ngữ chưa có; muốn thay bản đã có, đồng chí đề nghị cán bộ Đảng ủy hoặc quản trị viên.",
		l.Spoken(), recordedBy(cur, r.Now().Location()))
}

// recordedBy says who recorded a summary and when: "đồng chí Lò Văn A ghi
// ngày 05/11/2026".
func recordedBy(v storage.VoiceSummary, loc *time.Location) string {
	who := "ghi từ máy tính văn phòng"
	if v.RecorderName != "" {
		who = "đồng chí " + v.RecorderName + " ghi"
	}
	return who + " ngày " + dateVN(v.CreatedAt.In(loc))
}

// offeredLanguage is the language a button names, if it is on the list.
func offeredLanguage(ctx context.Context, r *chat.Request, code string) (storage.Language, error) {
	ls, err := r.Store.Languages(ctx)
	if err != nil {
		return storage.Language{}, err
	}
	for _, l := range ls {
		if l.Code == code {
			return l, nil
		}
	}
	return storage.Language{}, chat.ErrNotOffered
}

// voiceView is what the dialog's steps draw from.
type voiceView struct {
	Doc       storage.Document
	Languages []storage.Language
	Current   map[string]storage.VoiceSummary
}

func voiceLoad(ctx context.Context, c *voiceConv) (voiceView, error) {
	var v voiceView
	var err error
	if v.Doc, err = c.Store.DocumentByID(ctx, c.Draft.DocID); err != nil {
		return v, err
	}
	if v.Languages, err = c.Store.Languages(ctx); err != nil {
		return v, err
	}
	cur, err := c.Store.VoiceSummaries(ctx, c.Draft.DocID)
	v.Current = map[string]storage.VoiceSummary{}
	for _, s := range cur {
		v.Current[s.Lang] = s
	}
	return v, err
}

// voiceHead names the document and the recording.
func voiceHead(c *voiceConv, v voiceView) string {
	return fmt.Sprintf("🎙 <b>Tóm tắt giọng nói</b> — %s\n%s\nBản ghi dài %s.", esc(docHeading(v.Doc)), esc(vn.Cut(v.Doc.Title, 200)),
		storage.VoiceLength(time.Duration(c.Draft.Seconds)*time.Second))
}

func voiceLangView(c *voiceConv, v voiceView) (string, chat.Keyboard) {
	var rows chat.Keyboard
	var row chat.Row
	for _, l := range v.Languages {
		label := l.Name
		if _, ok := v.Current[l.Code]; ok {
			label += " (đã có)"
		}
		row = append(row, c.Button(label, "l", l.Code))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, c.CancelRow())
	return voiceHead(c, v) + "\n\nBản ghi này bằng tiếng gì? Đồng chí chọn ngôn ngữ:", rows
}

func voiceConfirmView(c *voiceConv, v voiceView) (string, chat.Keyboard) {
	lang := c.Draft.Lang
	for _, l := range v.Languages {
		if l.Code == c.Draft.Lang {
			lang = l.Spoken()
		}
	}
	var b strings.Builder
	b.WriteString(voiceHead(c, v))
	fmt.Fprintf(&b, "\nNgôn ngữ: <b>%s</b>", esc(lang))
	if cur, ok := v.Current[c.Draft.Lang]; ok {
		fmt.Fprintf(&b, "\n\n⚠️ Bản này sẽ thay bản %s đang có (bản %d, %s, %s); bản cũ vẫn được lưu lại.",
			esc(lang), cur.Version, cur.Length(), esc(recordedBy(cur, c.Now().Location())))
	}
	b.WriteString("\n\nĐảng viên chọn nghe " + esc(lang) + " sẽ thấy nút «🔊 Nghe tóm tắt» trên văn bản. Lưu bản ghi?")
	return b.String(), chat.Keyboard{
		chat.NewRow(c.Button("✅ Lưu bản ghi", "ok"), c.Button("🔤 Đổi ngôn ngữ", "lang")),
		c.CancelRow(),
	}
}

// voiceSave adds the recording as the document's summary in the language.
func (h *Handlers) voiceSave(ctx context.Context, c *voiceConv, _ chat.Args) error {
	d := c.Draft
	if d.Lang == "" {
		c.BackTo(stepVoiceLang)
		return nil
	}
	l, err := offeredLanguage(ctx, c.Request, d.Lang)
	if err != nil {
		return err
	}
	if err := mayRecord(ctx, c.Request, d.DocID, l); err != nil {
		return err
	}
	data, err := c.Store.FileBytes(ctx, d.File)
	if errors.Is(err, storage.ErrNotFound) {
		c.End("Bản ghi đã chờ quá lâu và không còn trên máy chủ. Đồng chí gửi lại tin nhắn thoại.", nil)
		return nil
	}
	if err != nil {
		return err
	}
	sf, err := c.Store.FileByID(ctx, d.File)
	if err != nil {
		return err
	}
	v, err := c.Store.AddVoiceSummary(ctx, storage.VoiceInput{
		DocumentID: d.DocID, Lang: d.Lang, Name: sf.Name, Data: data, Kind: d.Kind, FileID: d.FileID,
		TelegramSeconds: d.TgSeconds, Replace: c.Has(chat.Officer), RecordedBy: &c.Member.ID, Actor: c.Actor(),
	})
	if err != nil {
		return err
	}
	doc, err := c.Store.DocumentByID(ctx, d.DocID)
	if err != nil {
		return err
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton("📄 Xem văn bản", cbDocument, doc.ID), chat.NewButton(labelVoices, cbVoices, doc.ID)))
	who := "Đảng viên chọn nghe " + v.Spoken()
	if v.Lang == storage.DefaultLanguage {
		who += " (và đảng viên mà văn bản chưa có bản bằng ngôn ngữ mình chọn)"
	}
	c.End(fmt.Sprintf("✅ Đã lưu bản tóm tắt %s (%s, bản %d) của <b>%s</b>. %s sẽ thấy nút «🔊 Nghe tóm tắt» trên văn bản.",
		esc(v.Spoken()), v.Length(), v.Version, esc(docHeading(doc)), esc(who)), &kb)
	c.Toast = "Đã lưu bản ghi."
	return nil
}
