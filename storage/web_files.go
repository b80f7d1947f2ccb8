package storage

import (
	"context"
	"strings"
)

// The files of the web inbox live in the file store (storage/files.go):
// what the bot sends as bytes is kept there once by its SHA-256, and a
// file sent by its Telegram file_id is the stored file Telegram knows by
// it. Only a file_id whose bytes the store has not fetched yet (a row from
// before the store) is named by the file_id; the web handbook fetches it
// once through the bot's client and adopts it into the store.

// WebFile is a file of the web inbox: its name and type as the chat shows
// them, what Telegram holds it as (Kind), and where its bytes are (Ref):
// StoreRef(id) in the file store, or "tg:<file_id>" with Telegram alone.
type WebFile struct {
	Name string       `json:"name"`
	Mime string       `json:"mime"`
	Size int          `json:"size"`
	Ref  string       `json:"ref"`
	Kind TelegramKind `json:"kind,omitempty"`
}

// telegramRefPrefix marks a WebFile Ref that names a Telegram file_id.
const telegramRefPrefix = "tg:"

// WebFileOf is the web inbox's file for a stored file, shown as name (its
// stored name when empty).
func WebFileOf(f File, name string, kind TelegramKind) *WebFile {
	if name == "" {
		name = f.Name
	}
	return &WebFile{Name: name, Mime: f.Mime, Size: f.Size, Ref: StoreRef(f.ID), Kind: kind}
}

// TelegramWebFile is the web inbox's file for a Telegram file_id whose
// bytes the store does not have yet.
func TelegramWebFile(fileID, name string, kind TelegramKind) *WebFile {
	return &WebFile{Name: name, Ref: telegramRefPrefix + fileID, Kind: kind}
}

// TelegramFileID is the file_id a Ref names; false for a stored file.
func (f WebFile) TelegramFileID() (string, bool) {
	id, ok := strings.CutPrefix(f.Ref, telegramRefPrefix)
	return id, ok && id != ""
}

// WebFileStored returns the stored file a file of the web inbox is: by its
// store reference, or by the Telegram file_id it names once the store has
// its bytes (adopted since, or kept when it passed the other way).
// ErrNotFound when the store does not have it.
func (s *Storage) WebFileStored(ctx context.Context, f WebFile) (File, error) {
	if id, ok := StoreRefID(f.Ref); ok {
		return s.FileByID(ctx, id)
	}
	if fileID, ok := f.TelegramFileID(); ok {
		return s.FileByTelegramID(ctx, fileID)
	}
	return File{}, ErrNotFound
}
