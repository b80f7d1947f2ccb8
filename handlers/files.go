package handlers

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"path"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
)

// Files through the file store (storage/files.go). A file a user sends is
// kept in the store the first time it passes (keepReceived): fetched once
// through getFile, or, from a transport without Telegram, already there
// and named by a storage.StoreRef. A file the bot sends goes out from the
// store (queueStored): by the file_id Telegram gave it for that kind, else
// uploaded from its bytes, and the file_id Telegram returns is remembered
// for the next time. A generated file (a chart, a workbook, an invite
// sheet) is kept before it is sent (queueFile), so that a web client can
// fetch what the chat showed. Rows from before the store that keep only a
// Telegram file_id still work: they are sent by it, and their bytes are
// fetched after the send and kept (adoptAfterSend).
//
// A transport that does not go through Telegram finds the file of any
// request in the store: tgbotapi.FileBytes by its bytes
// (Storage.FileByContent), tgbotapi.FileID by the file_id
// (Storage.FileByTelegramID).

// received is a file a user sent.
type received struct {
	// Ref is its Telegram file_id, or a storage.StoreRef when the
	// transport put it in the store itself.
	Ref  string
	Kind storage.TelegramKind
	Name string
	Mime string
}

// receivedFile is the file a message carries: a document, a photo (its
// largest size), a voice note or an audio file.
func receivedFile(m *tgbotapi.Message) (received, bool) {
	switch {
	case m == nil:
	case m.Document != nil && m.Document.FileID != "":
		return received{m.Document.FileID, storage.AsDocument, m.Document.FileName, m.Document.MimeType}, true
	case len(m.Photo) > 0:
		return received{m.Photo[len(m.Photo)-1].FileID, storage.AsPhoto, "", "image/jpeg"}, true
	case m.Voice != nil:
		return received{m.Voice.FileID, storage.AsVoice, "", m.Voice.MimeType}, true
	case m.Audio != nil:
		return received{m.Audio.FileID, storage.AsAudio, m.Audio.FileName, m.Audio.MimeType}, true
	}
	return received{}, false
}

// storedName is the name a file is kept and uploaded under: its own, or
// one made from its kind and type ("anh.jpg" for a photo).
func (f received) storedName() string {
	if f.Name != "" {
		return f.Name
	}
	base := "tep"
	switch f.Kind {
	case storage.AsPhoto:
		base = "anh"
	case storage.AsVoice:
		base = "ghi-am"
	}
	if ext, ok := usualExt[f.Mime]; ok {
		return base + ext
	}
	if exts, _ := mime.ExtensionsByType(f.Mime); len(exts) > 0 {
		return base + exts[0]
	}
	if f.Kind == storage.AsPhoto {
		return base + ".jpg"
	}
	return base
}

// usualExt is the extension a file of these types usually has (the mime
// package lists several, in no useful order).
var usualExt = map[string]string{
	"image/jpeg": ".jpg", "image/png": ".png", "audio/ogg": ".ogg", "audio/mpeg": ".mp3", "application/pdf": ".pdf",
}

// errNotFetched is a received file whose bytes Telegram did not give
// (unreachable, over the 20 MB bots may download, no downloader).
var errNotFetched = errors.New("handlers: file not fetched from Telegram")

// fetchReceived returns the bytes of a received file, and the stored file
// when the store has them already; otherwise it downloads them through
// getFile without keeping them (keepFetched does, once they are checked).
func (h *Handlers) fetchReceived(ctx context.Context, r *chat.Request, f received) ([]byte, *storage.File, error) {
	var sf storage.File
	var err error
	if id, ok := storage.StoreRefID(f.Ref); ok {
		sf, err = r.Store.FileByID(ctx, id)
	} else {
		sf, err = r.Store.FileByTelegramID(ctx, f.Ref)
	}
	if err == nil {
		data, err := r.Store.FileBytes(ctx, sf.ID)
		return data, &sf, err
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return nil, nil, err
	}
	if storage.IsStoreRef(f.Ref) {
		return nil, nil, storage.Errorf(storage.CodeNotFound, "Tệp đồng chí gửi không còn trên máy chủ. Đồng chí hãy gửi lại.")
	}
	if h.deps.Files == nil {
		return nil, nil, errNotFetched
	}
	data, err := h.deps.Files.Download(ctx, f.Ref)
	if err != nil {
		h.deps.Log.Warn("file not fetched from Telegram", "user", r.UserID, "kind", f.Kind, "err", err)
		return nil, nil, fmt.Errorf("%w: %v", errNotFetched, err)
	}
	return data, nil, nil
}

// keepFetched puts the bytes of a received file in the store (if they are
// not there yet) with the file_id it came with.
func (h *Handlers) keepFetched(ctx context.Context, r *chat.Request, f received, data []byte, stored *storage.File) (storage.File, error) {
	if stored == nil {
		sf, err := r.Store.PutFile(ctx, storage.FileInput{Name: f.storedName(), Mime: f.Mime, Data: data})
		if err != nil {
			return sf, err
		}
		stored = &sf
	}
	if err := r.Store.RememberTelegramFileID(ctx, stored.ID, f.Kind, f.Ref); err != nil {
		return *stored, err
	}
	return *stored, nil
}

// keepReceived keeps a received file in the store and returns it with its
// bytes; errNotFetched when Telegram did not give them.
func (h *Handlers) keepReceived(ctx context.Context, r *chat.Request, f received) (storage.File, []byte, error) {
	data, stored, err := h.fetchReceived(ctx, r, f)
	if err != nil {
		return storage.File{}, nil, err
	}
	sf, err := h.keepFetched(ctx, r, f, data, stored)
	return sf, data, err
}

// storedRef resolves a file reference a draft kept (a Telegram file_id or
// a StoreRef) to the stored file; 0 when only the file_id is known.
func storedRef(ctx context.Context, r *chat.Request, ref string) (int64, error) {
	if id, ok := storage.StoreRefID(ref); ok {
		return id, nil
	}
	if ref == "" {
		return 0, nil
	}
	sf, err := r.Store.FileByTelegramID(ctx, ref)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, nil
	}
	return sf.ID, err
}

// telegramRef is ref when it is a Telegram file_id, "" for a StoreRef.
func telegramRef(ref string) string {
	if storage.IsStoreRef(ref) {
		return ""
	}
	return ref
}

// outFile is a file the bot sends: in the store (Store), or, for a row
// from before the store whose bytes have not been fetched yet, only by its
// Telegram file_id (FileID, with the Name and Mime it is kept under once
// fetched). Kind is what it is sent as; "" sends a stored file as what it
// was received as (receivedKind).
type outFile struct {
	Store  int64
	FileID string
	Kind   storage.TelegramKind
	Name   string
	Mime   string
}

// fileMessage is the request that sends file as kind, with an HTML caption.
func fileMessage(chatID int64, kind storage.TelegramKind, file tgbotapi.RequestFileData, caption string) tgbotapi.Chattable {
	switch kind {
	case storage.AsPhoto:
		c := tgbotapi.NewPhoto(chatID, file)
		c.Caption, c.ParseMode = caption, tgbotapi.ModeHTML
		return c
	case storage.AsVoice:
		c := tgbotapi.NewVoice(chatID, file)
		c.Caption, c.ParseMode = caption, tgbotapi.ModeHTML
		return c
	case storage.AsAudio:
		c := tgbotapi.NewAudio(chatID, file)
		c.Caption, c.ParseMode = caption, tgbotapi.ModeHTML
		return c
	}
	c := tgbotapi.NewDocument(chatID, file)
	c.Caption, c.ParseMode = caption, tgbotapi.ModeHTML
	return c
}

// sentFileID is the file_id of the file a sent message carries as kind.
func sentFileID(m tgbotapi.Message, kind storage.TelegramKind) string {
	switch {
	case kind == storage.AsPhoto && len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileID
	case kind == storage.AsDocument && m.Document != nil:
		return m.Document.FileID
	case kind == storage.AsVoice && m.Voice != nil:
		return m.Voice.FileID
	case kind == storage.AsAudio && m.Audio != nil:
		return m.Audio.FileID
	}
	return ""
}

// queueSend queues f to the asker's chat with an HTML caption: from the
// store when it is there, else by its Telegram file_id alone.
func (h *Handlers) queueSend(ctx context.Context, r *chat.Request, f outFile, caption string) error {
	if f.Store != 0 {
		sf, err := r.Store.FileByID(ctx, f.Store)
		if err != nil {
			return err
		}
		if f.Kind == "" {
			f.Kind = receivedKind(sf)
		}
		return h.queueStored(ctx, r, sf, f.Kind, caption)
	}
	if f.FileID == "" || f.Kind == "" {
		return storage.ErrNotFound
	}
	r.QueueThen(fileMessage(r.ChatID, f.Kind, tgbotapi.FileID(f.FileID), caption), h.adoptAfterSend(f))
	return nil
}

// receivedKind is what a stored file goes back as when nothing says
// otherwise: as Telegram holds it (a photo first), else a JPEG or PNG as a
// photo and anything else as a document.
func receivedKind(sf storage.File) storage.TelegramKind {
	for _, k := range []storage.TelegramKind{storage.AsPhoto, storage.AsDocument, storage.AsVoice, storage.AsAudio} {
		if sf.TelegramIDs[k] != "" {
			return k
		}
	}
	if sf.Mime == "image/jpeg" || sf.Mime == "image/png" {
		return storage.AsPhoto
	}
	return storage.AsDocument
}

// queueStored queues a stored file as kind: by the file_id Telegram gave
// it for that kind, else uploaded from its bytes, and the file_id of the
// upload remembered once it is sent.
func (h *Handlers) queueStored(ctx context.Context, r *chat.Request, sf storage.File, kind storage.TelegramKind, caption string) error {
	if id := sf.TelegramIDs[kind]; id != "" {
		r.Queue(fileMessage(r.ChatID, kind, tgbotapi.FileID(id), caption))
		return nil
	}
	data, err := r.Store.FileBytes(ctx, sf.ID)
	if err != nil {
		return err
	}
	c := fileMessage(r.ChatID, kind, tgbotapi.FileBytes{Name: sf.Name, Bytes: data}, caption)
	r.QueueThen(c, h.rememberAfterSend(sf.ID, kind))
	return nil
}

// rememberAfterSend keeps the file_id Telegram gave an uploaded file.
func (h *Handlers) rememberAfterSend(id int64, kind storage.TelegramKind) func(context.Context, tgbotapi.Message) error {
	return func(ctx context.Context, m tgbotapi.Message) error {
		return h.deps.Store.RememberTelegramFileID(ctx, id, kind, sentFileID(m, kind))
	}
}

// adoptAfterSend is the lazy migration of a row from before the store:
// once its file has gone out by file_id (Telegram is reachable), its bytes
// are fetched through getFile and kept, and every row that named only
// that file_id names the stored file from then on. A failure is tried
// again at the next send.
func (h *Handlers) adoptAfterSend(f outFile) func(context.Context, tgbotapi.Message) error {
	return func(ctx context.Context, _ tgbotapi.Message) error {
		_, err := h.adopt(ctx, f)
		return err
	}
}

// adopt fetches the bytes of a file kept only by its Telegram file_id and
// keeps them in the store (Storage.AdoptTelegramFile).
func (h *Handlers) adopt(ctx context.Context, f outFile) (storage.File, error) {
	if h.deps.Files == nil {
		return storage.File{}, errNotFetched
	}
	data, err := h.deps.Files.Download(ctx, f.FileID)
	if err != nil {
		return storage.File{}, fmt.Errorf("%w: %v", errNotFetched, err)
	}
	name := received{Kind: f.Kind, Name: f.Name, Mime: f.Mime}.storedName()
	var sf storage.File
	err = h.deps.Store.WithTx(ctx, func(s *storage.Storage) error {
		var err error
		if sf, err = s.PutFile(ctx, storage.FileInput{Name: name, Mime: f.Mime, Data: data}); err != nil {
			return err
		}
		return s.AdoptTelegramFile(ctx, f.FileID, f.Kind, sf.ID)
	})
	return sf, err
}

// queueFile queues a generated file (a chart, a workbook, a sheet): a
// document, photo, voice or audio request whose file is tgbotapi.FileBytes
// is kept in the store first (for keepFor, when not zero), then sent as
// queueStored does, the rest of the request as it is; any other request is
// queued unchanged.
func (h *Handlers) queueFile(ctx context.Context, r *chat.Request, c tgbotapi.Chattable, keepFor time.Duration) error {
	var fb tgbotapi.FileBytes
	var kind storage.TelegramKind
	var ok bool
	// with is the request with another file in its place.
	var with func(tgbotapi.RequestFileData) tgbotapi.Chattable
	switch v := c.(type) {
	case tgbotapi.DocumentConfig:
		fb, ok = v.File.(tgbotapi.FileBytes)
		kind, with = storage.AsDocument, func(f tgbotapi.RequestFileData) tgbotapi.Chattable { v.File = f; return v }
	case tgbotapi.PhotoConfig:
		fb, ok = v.File.(tgbotapi.FileBytes)
		kind, with = storage.AsPhoto, func(f tgbotapi.RequestFileData) tgbotapi.Chattable { v.File = f; return v }
	case tgbotapi.VoiceConfig:
		fb, ok = v.File.(tgbotapi.FileBytes)
		kind, with = storage.AsVoice, func(f tgbotapi.RequestFileData) tgbotapi.Chattable { v.File = f; return v }
	case tgbotapi.AudioConfig:
		fb, ok = v.File.(tgbotapi.FileBytes)
		kind, with = storage.AsAudio, func(f tgbotapi.RequestFileData) tgbotapi.Chattable { v.File = f; return v }
	}
	if !ok {
		r.Queue(c)
		return nil
	}
	sf, err := r.Store.PutFile(ctx, storage.FileInput{Name: fb.Name, Mime: mimeOf(fb.Name), Data: fb.Bytes, KeepFor: keepFor})
	if err != nil {
		return err
	}
	if id := sf.TelegramIDs[kind]; id != "" {
		r.Queue(with(tgbotapi.FileID(id)))
		return nil
	}
	r.QueueThen(c, h.rememberAfterSend(sf.ID, kind))
	return nil
}

// mimeOf is the type of a generated file, by its name.
func mimeOf(name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch ext {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".csv":
		return "text/csv"
	}
	t, _, _ := strings.Cut(mime.TypeByExtension(ext), ";")
	if t == "" {
		return "application/octet-stream"
	}
	return t
}

// keepMinutes keeps the minutes photo a message carries (a photo, or an
// image sent as a file) in the file store and returns its reference for
// the draft; "" when the message has none. A photo Telegram will not give
// is kept by its file_id alone.
func (h *Handlers) keepMinutes(ctx context.Context, r *chat.Request, m *tgbotapi.Message) (string, error) {
	ref := photoID(m)
	if ref == "" {
		return "", nil
	}
	f := received{Ref: ref, Kind: storage.AsPhoto, Mime: "image/jpeg"}
	if len(m.Photo) == 0 {
		f.Kind, f.Name, f.Mime = storage.AsDocument, m.Document.FileName, m.Document.MimeType
	}
	if _, _, err := h.keepReceived(ctx, r, f); err != nil && !errors.Is(err, errNotFetched) {
		return "", err
	}
	return ref, nil
}

// minutesRef is the reference a draft keeps for a report's minutes photo.
func minutesRef(m storage.MeetingReport) string {
	if m.MinutesFile == "" && m.MinutesStore != 0 {
		return storage.StoreRef(m.MinutesStore)
	}
	return m.MinutesFile
}
