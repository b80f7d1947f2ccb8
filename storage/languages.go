package storage

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"sotay/storage/vn"
)

// Languages of the voice summaries (issue 21): the list lives in the
// database, Vietnamese, Thái, Mông and Dao to begin with, and `sotay lang
// add` extends it. A member chooses the language of the summaries they are
// offered (everything else stays Vietnamese); Vietnamese is the default
// and the fallback.

// DefaultLanguage is Vietnamese: what a member hears until they choose,
// and when a document has no summary in their language.
const DefaultLanguage = "vi"

// FieldLanguage is the field of a language code or name.
const FieldLanguage Field = "lang"

// MaxLanguageName bounds a language's name.
const MaxLanguageName = 40

// Language is one language summaries are recorded in.
type Language struct {
	Code      string    `db:"code"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
}

// Spoken is how a sentence names the language: "tiếng Mông", "tiếng Việt".
func (l Language) Spoken() string { return SpokenLanguage(l.Name) }

// SpokenLanguage is a language's name as a sentence says it: "tiếng"
// before it, unless the name has it already ("Tiếng Việt").
func SpokenLanguage(name string) string {
	if f := vn.Fold(name); f == "tieng" || strings.HasPrefix(f, "tieng ") {
		_, rest, _ := strings.Cut(name, " ")
		return "tiếng " + rest
	}
	return "tiếng " + name
}

var languageCode = regexp.MustCompile(`^[a-z]{2,3}$`)

// CheckLanguageCode is the rule of a language's code: ISO 639, two or
// three lower-case letters.
func CheckLanguageCode(code string) error {
	if !languageCode.MatchString(code) {
		return FieldErrorf(FieldLanguage, "Mã ngôn ngữ «%s» không đúng: mã theo ISO 639, gồm 2 hoặc 3 chữ cái thường, ví dụ hmn (tiếng Mông), blt (tiếng Thái).", code)
	}
	return nil
}

// CheckLanguageName is the rule of a language's name: a word or two,
// without "tiếng" (added where a sentence needs it), up to
// MaxLanguageName characters.
func CheckLanguageName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case !vn.HasLetterOrDigit(name):
		return FieldErrorf(FieldName, "Tên ngôn ngữ đang trống: hãy ghi tên, ví dụ Giáy.")
	case n > MaxLanguageName:
		return FieldErrorf(FieldName, "Tên ngôn ngữ dài %d ký tự, tối đa %d: hãy ghi ngắn, ví dụ Giáy.", n, MaxLanguageName)
	}
	return nil
}

// Languages lists the languages, Vietnamese first, then by name.
func (s *Storage) Languages(ctx context.Context) ([]Language, error) {
	return selectAll[Language](ctx, s, "languages", `SELECT code, name, created_at FROM languages
		ORDER BY code = $1 DESC, name COLLATE sotay_vi, code`, DefaultLanguage)
}

// FindLanguage is the language a person names by its code ("hmn") or its
// name ("Mông", "mong", "tiếng Mông"); the error lists the languages there
// are.
func (s *Storage) FindLanguage(ctx context.Context, text string) (Language, error) {
	ls, err := s.Languages(ctx)
	if err != nil {
		return Language{}, err
	}
	want := vn.Fold(text)
	if rest, ok := strings.CutPrefix(want, "tieng "); ok {
		want = rest
	}
	for _, l := range ls {
		name := vn.Fold(l.Name)
		if rest, ok := strings.CutPrefix(name, "tieng "); ok {
			name = rest
		}
		if want != "" && (want == l.Code || want == name || want == vn.Fold(l.Name)) {
			return l, nil
		}
	}
	var names []string
	for _, l := range ls {
		names = append(names, fmt.Sprintf("%s (%s)", l.Code, l.Name))
	}
	return Language{}, &Error{Code: CodeNotFound, Field: FieldLanguage,
		Message: fmt.Sprintf("Không có ngôn ngữ «%s». Các ngôn ngữ đang có: %s.", text, strings.Join(names, ", "))}
}

// AddLanguage adds a language to the list; a code or name already there is
// a conflict.
func (s *Storage) AddLanguage(ctx context.Context, code, name, actor string) (Language, error) {
	code, name = strings.ToLower(strings.TrimSpace(code)), strings.Join(strings.Fields(vn.Clean(name)), " ")
	if err := CheckLanguageCode(code); err != nil {
		return Language{}, err
	}
	if err := CheckLanguageName(name); err != nil {
		return Language{}, err
	}
	var l Language
	err := s.WithTx(ctx, func(s *Storage) error {
		if err := s.get(ctx, &l, `INSERT INTO languages (code, name, created_at) VALUES ($1, $2, $3)
			RETURNING code, name, created_at`, code, name, s.now()); err != nil {
			if isUniqueViolation(err) {
				return Errorf(CodeConflict, "Đã có ngôn ngữ mã %s hoặc tên %s: xem danh sách bằng sotay lang list.", code, name)
			}
			return fmt.Errorf("storage: add language %s: %w", code, err)
		}
		return s.Audit(ctx, actor, "language.add", code, map[string]string{"name": name})
	})
	return l, err
}

// VoiceLanguage is the language a member chose for voice summaries
// (Vietnamese until they choose).
func (s *Storage) VoiceLanguage(ctx context.Context, memberID int64) (Language, error) {
	var l Language
	if err := s.get(ctx, &l, `SELECT l.code, l.name, l.created_at FROM members m JOIN languages l ON l.code = m.voice_lang
		WHERE m.id = $1`, memberID); err != nil {
		return l, fmt.Errorf("storage: voice language of %d: %w", memberID, err)
	}
	return l, nil
}

// SetVoiceLanguage sets the language of the voice summaries a member is
// offered.
func (s *Storage) SetVoiceLanguage(ctx context.Context, memberID int64, code string) error {
	res, err := s.exec(ctx, `UPDATE members SET voice_lang = $2 WHERE id = $1 AND EXISTS (SELECT 1 FROM languages WHERE code = $2)`, memberID, code)
	if err != nil {
		return fmt.Errorf("storage: voice language of %d: %w", memberID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("storage: voice language %q of %d: %w", code, memberID, ErrNotFound)
	}
	return nil
}
