package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Uploads from the browser (issue 19 item 6): an officer or an admin sends
// a file from the page (📎), with a caption as in Telegram (/dang, /nhap,
// /cauhoi…). The file goes into the file store, and enters the dispatcher
// as a message of the member's web chat whose Document names it by
// storage.StoreRef: the handlers take it from the store, never through
// getFile.

// maxCaption is Telegram's limit on a caption.
const maxCaption = 1024

// upload takes a file from the page: multipart form fields file, caption,
// clientId and age (as api/send's).
func (s *Server) upload(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	if ok, err := s.mayUpload(r, c); err != nil {
		s.fail(w, r, err)
		return
	} else if !ok {
		writeError(w, r, http.StatusForbidden, "Chỉ cán bộ và quản trị viên gửi được tệp từ trang web.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, storage.MaxFileSize+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("Tệp quá lớn: sổ tay chỉ nhận tệp đến %d MB. Đồng chí hãy nén hoặc tách tệp.", storage.MaxFileSize>>20))
			return
		}
		writeError(w, r, http.StatusBadRequest, "Yêu cầu không đọc được: đồng chí hãy chọn lại tệp rồi gửi.")
		return
	}
	defer func() { _ = r.MultipartForm.RemoveAll() }()
	clientID := r.FormValue("clientId")
	if !clientIDShape.MatchString(clientID) {
		writeError(w, r, http.StatusBadRequest, "Yêu cầu thiếu mã thao tác (clientId): đồng chí hãy tải lại trang.")
		return
	}
	caption := strings.TrimSpace(r.FormValue("caption"))
	if n := utf8.RuneCountInString(caption); n > maxCaption {
		writeError(w, r, http.StatusBadRequest, fmt.Sprintf("Chú thích dài %d ký tự, quá giới hạn %d ký tự: hãy rút gọn.", n, maxCaption))
		return
	}
	age, _ := strconv.ParseInt(r.FormValue("age"), 10, 64)
	if age < 0 || time.Duration(age)*time.Millisecond > maxAge {
		age = 0
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		writeError(w, r, http.StatusBadRequest, "Chưa có tệp: đồng chí bấm 📎, chọn tệp rồi gửi.")
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.limits.actions.allow(strconv.FormatInt(c.member.ID, 10)) {
		s.metrics.refused.WithLabelValues("limited").Inc()
		writeError(w, r, http.StatusTooManyRequests, "Đồng chí thao tác nhanh quá: xin chờ một chút rồi thử lại.")
		return
	}
	name := path.Base(strings.ReplaceAll(hdr.Filename, "\\", "/"))
	if name == "." || name == "/" {
		name = "tep"
	}
	ctype := fileType(name, data)
	sf, err := s.store.PutFile(ctx, storage.FileInput{Name: name, Mime: ctype, Data: data})
	if storage.ErrorCode(err) == storage.CodeInvalid {
		writeError(w, r, http.StatusBadRequest, storage.ErrorMessage(err))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wf := storage.WebFileOf(sf, name, storage.AsDocument)
	wf.Mime = ctype
	rec, err := s.store.RecordWebAction(ctx, c.member.ID, clientID, time.Duration(age)*time.Millisecond,
		&storage.WebMessageInput{Text: caption, File: wf})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.waiters.wake(c.member.ID)
	chatID := storage.WebChatID(c.member.ID)
	u := tgbotapi.Update{UpdateID: int(rec.UpdateID), Message: &tgbotapi.Message{
		MessageID: int(rec.MessageID), From: c.user(), Chat: &tgbotapi.Chat{ID: chatID, Type: "private"},
		Date: int(s.store.Now().Unix()), Caption: caption,
		Document: &tgbotapi.Document{FileID: storage.StoreRef(sf.ID), FileUniqueID: sf.Hash(), FileName: name, MimeType: ctype, FileSize: len(data)},
	}}
	if !s.apply(w, r, "upload", u) {
		return
	}
	writeJSON(w, r, http.StatusOK, map[string]int64{"id": rec.MessageID})
}

// mayUpload reports whether the member is an officer or an admin somewhere:
// the handlers check the command's own rights all the same.
func (s *Server) mayUpload(r *http.Request, c *caller) (bool, error) {
	roles, err := s.store.RolesOf(r.Context(), c.member.ID)
	if err != nil {
		return false, err
	}
	for _, role := range roles {
		if role.Role == storage.RoleOfficer || role.Role == storage.RoleAdmin {
			return true, nil
		}
	}
	return false, nil
}
