package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"sotay/storage"
	"strconv"
	"strings"
	"time"
)

// The files of the chat: served by the message that shows them, from the
// one file store.

// file serves a file of the member's chat, by the message that shows it:
// photos, voice and audio inline, anything else as a download. A session
// reads only the files of its own chat, and a document's file or voice
// summary only while the member may read the document.
func (s *Server) file(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	m, err := s.store.WebMessage(ctx, c.member.ID, id)
	f := m.File()
	if errors.Is(err, storage.ErrNotFound) || (err == nil && (f == nil || m.DeletedAt != nil)) {
		writeError(w, r, http.StatusNotFound, "Không có tệp này trong cuộc trò chuyện của đồng chí.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sf, data, err := s.fileData(ctx, m, *f)
	if errors.Is(err, storage.ErrNotFound) {
		writeError(w, r, http.StatusNotFound, "Tệp này không còn trên máy chủ.")
		return
	}
	if err != nil {
		s.log.Warn("web: file not fetched", "message", id, "err", err)
		writeError(w, r, http.StatusBadGateway, "Chưa tải được tệp này (tệp đang ở Telegram). Đồng chí vui lòng thử lại sau.")
		return
	}
	if ok, err := s.mayOpen(ctx, c.member, m, sf); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		writeError(w, r, http.StatusForbidden, "Đồng chí không còn quyền xem văn bản của tệp này.")
		return
	}
	ctype := f.Mime
	if ctype == "" {
		ctype = sf.Mime
	}
	if ctype == "" || ctype == "application/octet-stream" {
		ctype = http.DetectContentType(data)
	}
	disp := "attachment"
	if (m.Photo && strings.HasPrefix(ctype, "image/")) || isAudio(*f, ctype) {
		disp = "inline"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": f.Name}))
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("ETag", `"`+sf.Hash()+`"`)
	// ServeContent answers the range requests an <audio> element makes.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}

// isAudio reports whether a file of the chat is played in the page.
func isAudio(f storage.WebFile, ctype string) bool {
	return f.Kind == storage.AsVoice || f.Kind == storage.AsAudio || strings.HasPrefix(ctype, "audio/")
}

// fileData returns a file's bytes from the file store. A file the inbox
// names by a Telegram file_id is served from the store when the store has
// its bytes (so it works while Telegram is blocked); otherwise it is
// fetched once through the bot's client and adopted into the store.
func (s *Server) fileData(ctx context.Context, m storage.WebMessage, f storage.WebFile) (storage.File, []byte, error) {
	sf, err := s.store.WebFileStored(ctx, f)
	if err == nil {
		data, err := s.store.FileBytes(ctx, sf.ID)
		return sf, data, err
	}
	fileID, ok := f.TelegramFileID()
	if !errors.Is(err, storage.ErrNotFound) || !ok {
		return sf, nil, err
	}
	if s.cfg.Files == nil {
		return sf, nil, errors.New("web: no Telegram file downloader")
	}
	data, err := s.cfg.Files.Download(ctx, fileID)
	if err != nil {
		return sf, nil, err
	}
	kind := f.Kind
	if kind == "" {
		kind = storage.AsDocument
		if m.Photo {
			kind = storage.AsPhoto
		}
	}
	ctype := f.Mime
	if ctype == "" {
		ctype = fileType(f.Name, data)
	}
	err = s.store.WithTx(ctx, func(tx *storage.Storage) error {
		var err error
		if sf, err = tx.PutFile(ctx, storage.FileInput{Name: f.Name, Mime: ctype, Data: data}); err != nil {
			return err
		}
		return tx.AdoptTelegramFile(ctx, fileID, kind, sf.ID)
	})
	return sf, data, err
}

// mayOpen applies the owners' rules to a file the bot sent: a document's
// file or voice summary opens while the member may read the document (one
// of them, when the same bytes are several documents'). What the member
// sent, and files that belong to no document, open by the message alone.
func (s *Server) mayOpen(ctx context.Context, member storage.Member, m storage.WebMessage, sf storage.File) (bool, error) {
	if m.FromMember {
		return true, nil
	}
	o, err := s.store.FileOwners(ctx, sf.ID)
	if err != nil {
		return false, err
	}
	docs := append(o.Documents, o.Voices...)
	if len(docs) == 0 {
		return true, nil
	}
	for _, d := range docs {
		if ok, err := s.store.MayRead(ctx, member, d); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the HTML in it is safe, and "<" is one byte, not six
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error":"internal"}`)
	}
	b := buf.Bytes()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Add("Vary", "Accept-Encoding")
	if len(b) > 256 && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		_, _ = zw.Write(b)
		_ = zw.Close()
		b = z.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	writeJSON(w, r, status, map[string]string{"error": msg})
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
