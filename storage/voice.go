package storage

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"sotay/storage/audio"
	"sotay/storage/vn"
)

// Voice summaries (issue 21): a short summary of a document, recorded by a
// person in one of the languages (languages.go), kept in the file store
// (bytes, so the web handbook can play it where Telegram is blocked) and
// sent in Telegram by the file_id it was given for its kind. Each
// document has at most one current summary a language; recording it again
// adds a version and keeps the earlier ones with who recorded them. A
// member who listens to it has read the document (ListenVoice).

// Limits on a recording.
const (
	MaxVoiceBytes  = 10 << 20
	MaxVoiceLength = 10 * time.Minute
)

// VoiceSummary is one recorded version of a document's summary in a
// language.
type VoiceSummary struct {
	ID         int64        `db:"id"`
	DocumentID int64        `db:"document_id"`
	Lang       string       `db:"lang"`
	LangName   string       `db:"lang_name"`
	Version    int          `db:"version"`
	StoreID    int64        `db:"store_id"`
	Kind       TelegramKind `db:"kind"`
	Format     audio.Format `db:"format"`
	Seconds    int          `db:"seconds"`
	// RecordedBy is the member who recorded it (RecorderName, RecorderCode),
	// nil for one added from the command line without --by.
	RecordedBy   *int64    `db:"recorded_by"`
	RecorderName string    `db:"recorder_name"`
	RecorderCode string    `db:"recorder_code"`
	Actor        string    `db:"actor"`
	CreatedAt    time.Time `db:"created_at"`
	// FileID is the file_id Telegram gave the recording as Kind, "" until
	// it was received from or uploaded to Telegram.
	FileID string `db:"file_id"`
}

// Spoken is how a sentence names the summary's language: "tiếng Mông".
func (v VoiceSummary) Spoken() string { return SpokenLanguage(v.LangName) }

const voiceColumns = `v.id, v.document_id, v.lang, l.name AS lang_name, v.version, v.store_id, v.kind, v.format, v.seconds,
	v.recorded_by, COALESCE(m.full_name, '') AS recorder_name, COALESCE(m.code, '') AS recorder_code, v.actor, v.created_at,
	COALESCE((SELECT t.file_id FROM telegram_files t WHERE t.store_id = v.store_id AND t.kind = v.kind), '') AS file_id`

const voiceFrom = ` FROM voice_summaries v JOIN languages l ON l.code = v.lang LEFT JOIN members m ON m.id = v.recorded_by `

// currentVoice is the condition on "v" of a document's current summary in
// its language: no later version.
const currentVoice = `NOT EXISTS (SELECT 1 FROM voice_summaries n WHERE n.document_id = v.document_id AND n.lang = v.lang AND n.version > v.version)`

// VoiceInput is a recording to add to a document.
type VoiceInput struct {
	DocumentID int64
	// Lang is the language's code.
	Lang string
	// Name is the file's name (kept with it); Data its bytes.
	Name string
	Data []byte
	// Kind is what Telegram holds it as: AsVoice for a voice note, AsAudio
	// for an audio file; empty, a voice note for OGG/Opus and an audio
	// file otherwise.
	Kind TelegramKind
	// FileID is the file_id Telegram gave it as Kind, when it came from
	// Telegram; TelegramSeconds the length Telegram said it has, used when
	// the file's own cannot be read.
	FileID          string
	TelegramSeconds int
	// Replace allows recording over a current summary in the language
	// (admins and officers); without it only a first one is added.
	Replace bool
	// RecordedBy is the member who recorded it; Actor who adds it, for
	// the audit log ("cli" or "tg:<user id>").
	RecordedBy *int64
	Actor      string
}

// CheckVoiceFile is the rule of a recording: OGG/Opus, MP3 or M4A, at most
// MaxVoiceBytes and MaxVoiceLength long, its length read from the file
// (or, when it cannot be, the one Telegram gave, telegramSeconds > 0).
// The error says which limit it breaks and what to do.
func CheckVoiceFile(data []byte, telegramSeconds int) (audio.Info, error) {
	switch {
	case len(data) == 0:
		return audio.Info{}, FieldErrorf(FieldFile, "Tệp ghi âm rỗng: hãy ghi âm lại.")
	case len(data) > MaxVoiceBytes:
		return audio.Info{}, FieldErrorf(FieldFile, "Tệp ghi âm lớn %s MB, tối đa %d MB: hãy ghi bản tóm tắt ngắn hơn (dưới 10 phút), hoặc lưu ở chất lượng thấp hơn (tin nhắn thoại Telegram chỉ khoảng 120 KB một phút).",
			vn.Decimal(float64(len(data))/(1<<20), 1), MaxVoiceBytes>>20)
	}
	info, err := audio.Probe(data)
	switch {
	case errors.Is(err, audio.ErrUnknownFormat):
		return info, FieldErrorf(FieldFile, "Tệp này không phải tệp ghi âm sổ tay nhận: chỉ nhận OGG/Opus (tin nhắn thoại Telegram), MP3 hoặc M4A.")
	case errors.Is(err, audio.ErrNotOpus):
		return info, FieldErrorf(FieldFile, "Tệp OGG này không mã hóa Opus: hãy gửi tin nhắn thoại Telegram, hoặc chuyển tệp sang MP3 hay M4A.")
	case err != nil && telegramSeconds > 0:
		info.Duration = time.Duration(telegramSeconds) * time.Second
	case err != nil:
		return info, FieldErrorf(FieldFile, "Không đọc được độ dài tệp %s này (tệp hỏng hoặc chưa ghi xong): hãy ghi âm hoặc xuất tệp lại.", info.Format.Name())
	}
	if info.Duration > MaxVoiceLength {
		return info, FieldErrorf(FieldFile, "Bản ghi dài %s, tối đa %d phút: hãy ghi bản tóm tắt ngắn hơn, chỉ những ý chính.",
			VoiceLength(info.Duration), int(MaxVoiceLength/time.Minute))
	}
	return info, nil
}

// VoiceLength says a length as a person says it: "45 giây", "2 phút",
// "2 phút 30 giây".
func VoiceLength(d time.Duration) string {
	s := int(math.Round(d.Seconds()))
	switch {
	case s < 60:
		return fmt.Sprintf("%d giây", max(s, 1))
	case s%60 == 0:
		return fmt.Sprintf("%d phút", s/60)
	}
	return fmt.Sprintf("%d phút %d giây", s/60, s%60)
}

// Length is the summary's length as a person says it.
func (v VoiceSummary) Length() string { return VoiceLength(time.Duration(v.Seconds) * time.Second) }

// AddVoiceSummary checks a recording (CheckVoiceFile), keeps its bytes in
// the file store and adds it as the document's newest summary in the
// language, in one transaction. Without in.Replace a language that has a
// summary already is refused, with who recorded it and when; a withdrawn
// document takes none.
func (s *Storage) AddVoiceSummary(ctx context.Context, in VoiceInput) (VoiceSummary, error) {
	var v VoiceSummary
	if err := CheckLanguageCode(in.Lang); err != nil {
		return v, err
	}
	info, err := CheckVoiceFile(in.Data, in.TelegramSeconds)
	if err != nil {
		return v, err
	}
	kind := in.Kind
	switch {
	case kind == "" && info.Format.IsVoice():
		kind = AsVoice
	case kind == "":
		kind = AsAudio
	case kind != AsVoice && kind != AsAudio:
		return v, fmt.Errorf("storage: voice summary kind %q", kind)
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = "tom-tat-" + in.Lang + info.Format.Ext()
	}
	err = s.WithTx(ctx, func(s *Storage) error {
		var d Document
		if err := s.get(ctx, &d, `SELECT `+documentListColumns+` FROM documents d WHERE d.id = $1 FOR UPDATE`, in.DocumentID); err != nil {
			return fmt.Errorf("storage: voice summary document %d: %w", in.DocumentID, err)
		}
		if d.Status == DocWithdrawn {
			return Errorf(CodeInvalid, "Văn bản %s đã thu hồi: không thêm bản tóm tắt giọng nói.", d.Number)
		}
		var lang Language
		if err := s.get(ctx, &lang, `SELECT code, name, created_at FROM languages WHERE code = $1`, in.Lang); err != nil {
			if errors.Is(err, ErrNotFound) {
				return s.noLanguage(ctx, in.Lang)
			}
			return fmt.Errorf("storage: language %s: %w", in.Lang, err)
		}
		cur, err := s.VoiceSummary(ctx, d.ID, in.Lang)
		switch {
		case err == nil && !in.Replace:
			by := "từ dòng lệnh"
			if cur.RecorderName != "" {
				by = "do đồng chí " + cur.RecorderName + " ghi"
			}
			return Errorf(CodeForbidden, "Văn bản %s đã có bản tóm tắt %s (%s, ngày %s). Chỉ quản trị viên hoặc cán bộ Đảng ủy mới được ghi đè; bản cũ vẫn được giữ lại.",
				d.Number, lang.Spoken(), by, cur.CreatedAt.In(s.location()).Format("02/01/2006"))
		case err != nil && !errors.Is(err, ErrNotFound):
			return err
		}
		f, err := s.PutFile(ctx, FileInput{Name: name, Mime: info.Format.Mime(), Data: in.Data})
		if err != nil {
			return err
		}
		if err := s.RememberTelegramFileID(ctx, f.ID, kind, in.FileID); err != nil {
			return err
		}
		seconds := min(max(int(math.Round(info.Duration.Seconds())), 1), int(MaxVoiceLength/time.Second))
		var id int64
		if err := s.get(ctx, &id, `INSERT INTO voice_summaries (document_id, lang, version, store_id, kind, format, seconds, recorded_by, actor, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			d.ID, lang.Code, cur.Version+1, f.ID, string(kind), string(info.Format), seconds, in.RecordedBy, in.Actor, s.now()); err != nil {
			return fmt.Errorf("storage: add voice summary of %d: %w", d.ID, err)
		}
		if err := s.get(ctx, &v, `SELECT `+voiceColumns+voiceFrom+`WHERE v.id = $1`, id); err != nil {
			return fmt.Errorf("storage: voice summary %d: %w", id, err)
		}
		return s.Audit(ctx, in.Actor, "voice.add", d.Number, map[string]any{"lang": lang.Code, "version": v.Version, "seconds": seconds, "file": f.ID})
	})
	return v, err
}

// noLanguage is the answer to a language code that is not on the list.
func (s *Storage) noLanguage(ctx context.Context, code string) error {
	_, err := s.FindLanguage(ctx, code)
	if err == nil {
		err = fmt.Errorf("storage: language %s: %w", code, ErrNotFound)
	}
	return err
}

// VoiceSummary returns a document's current summary in a language;
// ErrNotFound when it has none.
func (s *Storage) VoiceSummary(ctx context.Context, docID int64, lang string) (VoiceSummary, error) {
	var v VoiceSummary
	if err := s.get(ctx, &v, `SELECT `+voiceColumns+voiceFrom+`WHERE v.document_id = $1 AND v.lang = $2 AND `+currentVoice,
		docID, lang); err != nil {
		return v, fmt.Errorf("storage: voice summary of %d in %s: %w", docID, lang, err)
	}
	return v, nil
}

// VoiceSummaries returns a document's current summaries, one a language,
// Vietnamese first.
func (s *Storage) VoiceSummaries(ctx context.Context, docID int64) ([]VoiceSummary, error) {
	return selectAll[VoiceSummary](ctx, s, fmt.Sprintf("voice summaries of %d", docID), `SELECT `+voiceColumns+voiceFrom+`
		WHERE v.document_id = $1 AND `+currentVoice+` ORDER BY v.lang = $2 DESC, l.name COLLATE sotay_vi`, docID, DefaultLanguage)
}

// VoiceVersions returns every recording of a document's summaries, by
// language (Vietnamese first), newest version first.
func (s *Storage) VoiceVersions(ctx context.Context, docID int64) ([]VoiceSummary, error) {
	return selectAll[VoiceSummary](ctx, s, fmt.Sprintf("voice versions of %d", docID), `SELECT `+voiceColumns+voiceFrom+`
		WHERE v.document_id = $1 ORDER BY v.lang = $2 DESC, l.name COLLATE sotay_vi, v.version DESC`, docID, DefaultLanguage)
}

// VoiceFor returns the summary of a document a member is offered: in the
// language they chose, else in Vietnamese; ErrNotFound when there is none.
func (s *Storage) VoiceFor(ctx context.Context, docID, memberID int64) (VoiceSummary, error) {
	var v VoiceSummary
	err := s.get(ctx, &v, `SELECT `+voiceColumns+voiceFrom+`
		WHERE v.document_id = $1 AND `+currentVoice+` AND v.lang IN ((SELECT voice_lang FROM members WHERE id = $2), $3)
		ORDER BY v.lang = $3 LIMIT 1`, docID, memberID, DefaultLanguage)
	if err != nil {
		return v, fmt.Errorf("storage: voice summary of %d for %d: %w", docID, memberID, err)
	}
	return v, nil
}

// Listen is what ListenVoice recorded.
type Listen struct {
	Summary VoiceSummary
	// Assignment is the member's open assignment of the document the
	// listening counted for, 0 when they had none; Read reports whether it
	// moved to read now.
	Assignment int64
	Read       bool
}

// ListenVoice records that a member had a document's current summary in
// lang sent to them: listening is reading, so their open assignment of the
// document (that of the newest open campaign) moves to read unless it is
// further already, and it is marked listened. Pressing again changes
// nothing more. ErrNotFound (with a message) when the document has no
// summary in lang.
func (s *Storage) ListenVoice(ctx context.Context, memberID, docID int64, lang string) (Listen, error) {
	var l Listen
	err := s.WithTx(ctx, func(s *Storage) error {
		v, err := s.VoiceSummary(ctx, docID, lang)
		if errors.Is(err, ErrNotFound) {
			return Errorf(CodeNotFound, "Văn bản này không có bản tóm tắt giọng nói bằng ngôn ngữ đó.")
		}
		if err != nil {
			return err
		}
		l.Summary = v
		var open []struct {
			ID       int64      `db:"id"`
			State    string     `db:"state"`
			Listened *time.Time `db:"listened_at"`
		}
		if err := s.sel(ctx, &open, `SELECT a.id, a.state, a.listened_at FROM assignments a JOIN campaigns c ON c.id = a.campaign_id
			JOIN documents d ON d.id = a.document_id
			WHERE a.member_id = $1 AND a.document_id = $2 AND c.closed_at IS NULL AND d.status = 'published'
			ORDER BY c.created_at DESC, a.id DESC LIMIT 1 FOR UPDATE OF a`, memberID, docID); err != nil {
			return fmt.Errorf("storage: open assignment of %d by %d: %w", docID, memberID, err)
		}
		now := s.now()
		if len(open) > 0 {
			a := open[0]
			l.Assignment = a.ID
			switch a.State {
			case AssignPending, AssignDelivered, AssignUnreachable, AssignFailed:
				l.Read = true
				if _, err := s.exec(ctx, `UPDATE assignments SET state = 'read', read_at = COALESCE(read_at, $2),
					delivered_at = COALESCE(delivered_at, $2), reason = '', listened_at = COALESCE(listened_at, $2), updated_at = $2
					WHERE id = $1`, a.ID, now); err != nil {
					return fmt.Errorf("storage: listened %d: %w", a.ID, err)
				}
			default: // read or studied already: only the listening is new
				if a.Listened == nil {
					if _, err := s.exec(ctx, `UPDATE assignments SET listened_at = $2 WHERE id = $1`, a.ID, now); err != nil {
						return fmt.Errorf("storage: listened %d: %w", a.ID, err)
					}
				}
			}
		}
		var assignment any
		if l.Assignment != 0 {
			assignment = l.Assignment
		}
		if _, err := s.exec(ctx, `INSERT INTO voice_listens (summary_id, member_id, assignment_id, listened_at) VALUES ($1, $2, $3, $4)`,
			v.ID, memberID, assignment, now); err != nil {
			return fmt.Errorf("storage: listen %d by %d: %w", v.ID, memberID, err)
		}
		return nil
	})
	return l, err
}

// Listens counts how many times a member had a document's summaries sent,
// any language and version.
func (s *Storage) Listens(ctx context.Context, memberID, docID int64) (int, error) {
	var n int
	err := s.get(ctx, &n, `SELECT count(*) FROM voice_listens x JOIN voice_summaries v ON v.id = x.summary_id
		WHERE x.member_id = $1 AND v.document_id = $2`, memberID, docID)
	if err != nil {
		return 0, fmt.Errorf("storage: listens of %d by %d: %w", docID, memberID, err)
	}
	return n, nil
}
