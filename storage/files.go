package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The file store: every file the handbook receives or sends (a document's
// PDF, a minutes photo, a roster, a chart, a workbook, an invite sheet) is
// kept here once, the first time it passes, so that it can be served where
// Telegram is blocked and is in every backup. A file is named by the
// SHA-256 of its bytes: the same bytes are one file, whoever sends them.
// Telegram's file_ids for it are remembered by kind (TelegramKind), so that
// the bot sends it by file_id once Telegram has it, and uploads the bytes
// otherwise.

// TelegramKind is what Telegram holds a file as. A file_id Telegram gave
// for one kind is sent only as that kind: a document's file_id cannot be
// sent with sendPhoto.
type TelegramKind string

// The kinds of file Telegram distinguishes.
const (
	AsDocument TelegramKind = "document"
	AsPhoto    TelegramKind = "photo"
	AsVoice    TelegramKind = "voice"
	AsAudio    TelegramKind = "audio"
)

// MaxFileSize is the largest file the store keeps: the largest a bot may
// upload to Telegram (it may download only 20 MB).
const MaxFileSize = 50 << 20

// File is a stored file without its bytes (FileBytes reads them).
type File struct {
	ID        int64      `db:"id"`
	SHA256    []byte     `db:"sha256"`
	Name      string     `db:"name"`
	Mime      string     `db:"mime"`
	Size      int        `db:"size"`
	CreatedAt time.Time  `db:"created_at"`
	ExpiresAt *time.Time `db:"expires_at"`
	// TelegramIDs are the file_ids Telegram gave the file, by kind.
	TelegramIDs map[TelegramKind]string `db:"-"`
}

// Hash is the file's SHA-256 in hexadecimal, the name a web client caches
// it under.
func (f File) Hash() string { return hex.EncodeToString(f.SHA256) }

// FileInput is a file to keep.
type FileInput struct {
	Name string
	Mime string
	Data []byte
	// KeepFor, when not zero, makes the file go after that long (an
	// invite sheet, whose links must not outlive their use in a backup).
	// The same bytes kept again without it are kept for good.
	KeepFor time.Duration
}

const fileColumns = `f.id, f.sha256, f.name, f.mime, f.size, f.created_at, f.expires_at`

// fileLive is the condition on "f" of a file that has not expired, $1
// being now.
const fileLive = `(f.expires_at IS NULL OR f.expires_at > $1)`

// PutFile keeps a file and returns it: a new one, or the one already kept
// with the same bytes (its name and type stay the first ones). Files whose
// time is up go first.
func (s *Storage) PutFile(ctx context.Context, in FileInput) (File, error) {
	var f File
	switch {
	case len(in.Data) == 0:
		return f, FieldErrorf(FieldFile, "Tệp rỗng.")
	case len(in.Data) > MaxFileSize:
		return f, FieldErrorf(FieldFile, "Tệp lớn %.1f MB, sổ tay chỉ nhận tệp đến %d MB: hãy nén hoặc tách tệp.",
			float64(len(in.Data))/(1<<20), MaxFileSize>>20)
	}
	name, mime := strings.TrimSpace(in.Name), strings.TrimSpace(in.Mime)
	if mime == "" {
		mime = "application/octet-stream"
	}
	now := s.now()
	var expires any
	if in.KeepFor > 0 {
		expires = now.Add(in.KeepFor)
	}
	sum := sha256.Sum256(in.Data)
	err := s.WithTx(ctx, func(s *Storage) error {
		if err := s.purgeFiles(ctx, now); err != nil {
			return err
		}
		var id int64
		err := s.get(ctx, &id, `INSERT INTO files (sha256, name, mime, size, data, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (sha256) DO UPDATE SET expires_at = CASE
				WHEN files.expires_at IS NULL OR EXCLUDED.expires_at IS NULL THEN NULL
				ELSE greatest(files.expires_at, EXCLUDED.expires_at) END
			RETURNING id`, sum[:], name, mime, len(in.Data), in.Data, now, expires)
		if err != nil {
			return fmt.Errorf("storage: put file %q: %w", name, err)
		}
		f, err = s.FileByID(ctx, id)
		return err
	})
	return f, err
}

// purgeFiles deletes the files whose time is up and that nothing names.
func (s *Storage) purgeFiles(ctx context.Context, now time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM files f WHERE f.expires_at <= $1
		AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_store_id = f.id)
		AND NOT EXISTS (SELECT 1 FROM meeting_versions v WHERE v.minutes_store_id = f.id)`, now)
	if err != nil {
		return fmt.Errorf("storage: purge files: %w", err)
	}
	return nil
}

// FileByID returns a stored file without its bytes; ErrNotFound when there
// is none or its time is up.
func (s *Storage) FileByID(ctx context.Context, id int64) (File, error) {
	var f File
	if err := s.get(ctx, &f, `SELECT `+fileColumns+` FROM files f WHERE f.id = $2 AND `+fileLive, s.now(), id); err != nil {
		return f, fmt.Errorf("storage: file %d: %w", id, err)
	}
	return f, s.telegramIDs(ctx, &f)
}

// FileBySHA256 returns the stored file with these bytes' SHA-256.
func (s *Storage) FileBySHA256(ctx context.Context, sum []byte) (File, error) {
	var f File
	if err := s.get(ctx, &f, `SELECT `+fileColumns+` FROM files f WHERE f.sha256 = $2 AND `+fileLive, s.now(), sum); err != nil {
		return f, fmt.Errorf("storage: file %x: %w", sum, err)
	}
	return f, s.telegramIDs(ctx, &f)
}

// FileByContent returns the stored file with these bytes.
func (s *Storage) FileByContent(ctx context.Context, data []byte) (File, error) {
	sum := sha256.Sum256(data)
	return s.FileBySHA256(ctx, sum[:])
}

// FileByTelegramID returns the stored file Telegram knows by fileID, of
// any kind; ErrNotFound when the store does not have its bytes.
func (s *Storage) FileByTelegramID(ctx context.Context, fileID string) (File, error) {
	var f File
	err := s.get(ctx, &f, `SELECT `+fileColumns+` FROM files f JOIN telegram_files t ON t.store_id = f.id
		WHERE t.file_id = $2 AND `+fileLive+` ORDER BY f.id LIMIT 1`, s.now(), fileID)
	if err != nil {
		return f, fmt.Errorf("storage: file of telegram file_id: %w", err)
	}
	return f, s.telegramIDs(ctx, &f)
}

func (s *Storage) telegramIDs(ctx context.Context, f *File) error {
	var rows []struct {
		Kind   TelegramKind `db:"kind"`
		FileID string       `db:"file_id"`
	}
	if err := s.sel(ctx, &rows, `SELECT kind, file_id FROM telegram_files WHERE store_id = $1`, f.ID); err != nil {
		return fmt.Errorf("storage: telegram ids of file %d: %w", f.ID, err)
	}
	f.TelegramIDs = make(map[TelegramKind]string, len(rows))
	for _, r := range rows {
		f.TelegramIDs[r.Kind] = r.FileID
	}
	return nil
}

// FileBytes returns a stored file's bytes.
func (s *Storage) FileBytes(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	if err := s.get(ctx, &data, `SELECT f.data FROM files f WHERE f.id = $2 AND `+fileLive, s.now(), id); err != nil {
		return nil, fmt.Errorf("storage: bytes of file %d: %w", id, err)
	}
	return data, nil
}

// RememberTelegramFileID keeps the file_id Telegram gave a stored file as
// kind (after an upload, or on receiving it), the one later sends of that
// kind use.
func (s *Storage) RememberTelegramFileID(ctx context.Context, id int64, kind TelegramKind, fileID string) error {
	if fileID == "" || IsStoreRef(fileID) {
		return nil // not Telegram's: a web transport's answer, say
	}
	_, err := s.exec(ctx, `INSERT INTO telegram_files (store_id, kind, file_id) VALUES ($1, $2, $3)
		ON CONFLICT (store_id, kind) DO UPDATE SET file_id = EXCLUDED.file_id`, id, string(kind), fileID)
	if err != nil {
		return fmt.Errorf("storage: telegram id of file %d: %w", id, err)
	}
	return nil
}

// AdoptTelegramFile records that the store now has the bytes of the file
// Telegram knows as fileID (kind), fetched once through getFile: every row
// that kept only that file_id (a document published in chat, a minutes
// photo, from before the store) names the stored file from now on. A
// document's file_id moves to the store; a report's minutes_file stays
// what it was received as.
func (s *Storage) AdoptTelegramFile(ctx context.Context, fileID string, kind TelegramKind, id int64) error {
	return s.WithTx(ctx, func(s *Storage) error {
		if err := s.RememberTelegramFileID(ctx, id, kind, fileID); err != nil {
			return err
		}
		if _, err := s.exec(ctx, `UPDATE documents SET file_store_id = $2, file_id = '' WHERE file_id = $1 AND file_store_id IS NULL`, fileID, id); err != nil {
			return fmt.Errorf("storage: adopt file %d for documents: %w", id, err)
		}
		if _, err := s.exec(ctx, `UPDATE meeting_versions SET minutes_store_id = $2 WHERE minutes_file = $1 AND minutes_store_id IS NULL`, fileID, id); err != nil {
			return fmt.Errorf("storage: adopt file %d for minutes: %w", id, err)
		}
		return nil
	})
}

// FileOwners are the objects a stored file belongs to, whose access rules
// decide who may fetch it: the documents whose attached file it is
// (MayRead), the documents whose voice summary it is (Voices, MayRead
// too), and the meeting reports whose minutes it is at some version
// (the report's organisation in the asker's scope). A file with none (a
// chart, a workbook, an invite sheet, a roster) was made for or sent by one
// person: only a message that carried it to them opens it.
type FileOwners struct {
	Documents []int64
	Voices    []int64
	Reports   []int64
}

// FileOwners returns what a stored file belongs to.
func (s *Storage) FileOwners(ctx context.Context, id int64) (FileOwners, error) {
	var o FileOwners
	var err error
	if o.Documents, err = selectAll[int64](ctx, s, "documents of file", `SELECT id FROM documents WHERE file_store_id = $1 ORDER BY id`, id); err != nil {
		return o, err
	}
	if o.Voices, err = selectAll[int64](ctx, s, "voices of file", `SELECT DISTINCT document_id FROM voice_summaries WHERE store_id = $1 ORDER BY document_id`, id); err != nil {
		return o, err
	}
	o.Reports, err = selectAll[int64](ctx, s, "reports of file", `SELECT DISTINCT report_id FROM meeting_versions WHERE minutes_store_id = $1 ORDER BY report_id`, id)
	return o, err
}

// storeRefPrefix marks a file reference that names a stored file rather
// than a Telegram file_id.
const storeRefPrefix = "store:"

// StoreRef is the reference to a stored file that stands where a Telegram
// file_id would (in an update's Document or Photo, in a dialog's draft):
// a transport that receives files without Telegram (the web handbook)
// puts the file in the store and hands the handlers this reference, and
// they never call getFile for it.
func StoreRef(id int64) string { return storeRefPrefix + strconv.FormatInt(id, 10) }

// IsStoreRef reports whether ref is a StoreRef rather than a Telegram file_id.
func IsStoreRef(ref string) bool { return strings.HasPrefix(ref, storeRefPrefix) }

// StoreRefID is the stored file a StoreRef names; false for anything else.
func StoreRefID(ref string) (int64, bool) {
	if !IsStoreRef(ref) {
		return 0, false
	}
	id, err := strconv.ParseInt(ref[len(storeRefPrefix):], 10, 64)
	return id, err == nil && id > 0
}
