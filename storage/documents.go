package storage

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"sotay/storage/pdftext"
	"sotay/storage/vn"
)

// Document kinds as stored, in the order members browse them.
var DocumentKinds = []struct{ Code, Name string }{
	{"nghi_quyet", "Nghị quyết"},
	{"chi_thi", "Chỉ thị"},
	{"ket_luan", "Kết luận"},
	{"quy_dinh", "Quy định"},
	{"quy_che", "Quy chế"},
	{"ke_hoach", "Kế hoạch"},
	{"huong_dan", "Hướng dẫn"},
	{"thong_bao", "Thông báo"},
	{"cong_van", "Công văn"},
	{"tai_lieu", "Tài liệu"},
}

// DocumentKindName is the Vietnamese name of a document kind.
func DocumentKindName(code string) string {
	for _, k := range DocumentKinds {
		if k.Code == code {
			return k.Name
		}
	}
	return code
}

// Document statuses.
const (
	DocDraft     = "draft"
	DocPublished = "published"
	DocWithdrawn = "withdrawn"
)

// Document is a resolution, directive, conclusion... of the handbook.
// Its attached file is in the file store (FileStore; DocumentFile reads its
// bytes), or, for one received in chat before the store whose bytes have
// not been fetched yet, only a Telegram file_id (FileID). A photo received
// in chat has no FileName: it is sent back with sendPhoto.
type Document struct {
	ID          int64      `db:"id"`
	Kind        string     `db:"kind"`
	Number      string     `db:"number"`
	Issuer      string     `db:"issuer"`
	IssuedOn    time.Time  `db:"issued_on"`
	Title       string     `db:"title"`
	Summary     string     `db:"summary"`
	Body        string     `db:"body"`
	FileName    string     `db:"file_name"`
	FileMime    string     `db:"file_mime"`
	FileID      string     `db:"file_id"`
	FileStore   int64      `db:"file_store_id"`
	Status      string     `db:"status"`
	CreatedBy   string     `db:"created_by"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
	PublishedAt *time.Time `db:"published_at"`
	WithdrawnAt *time.Time `db:"withdrawn_at"`
}

// HasFile reports whether the document has an attached file.
func (d Document) HasFile() bool { return d.FileName != "" || d.FileID != "" || d.FileStore != 0 }

// IsPhoto reports whether the attached file is a Telegram photo (sent with
// sendPhoto, not sendDocument).
func (d Document) IsPhoto() bool { return d.FileName == "" && d.HasFile() }

// KindName is the Vietnamese name of the document's kind.
func (d Document) KindName() string { return DocumentKindName(d.Kind) }

const documentColumns = `d.id, d.kind, d.number, d.issuer, d.issued_on, d.title, d.summary, d.body, d.file_name,
	d.file_mime, d.file_id, COALESCE(d.file_store_id, 0) AS file_store_id, d.status, d.created_by, d.created_at, d.updated_at, d.published_at, d.withdrawn_at`

// DocumentByID returns a document without its file bytes.
func (s *Storage) DocumentByID(ctx context.Context, id int64) (Document, error) {
	var d Document
	if err := s.get(ctx, &d, `SELECT `+documentColumns+` FROM documents d WHERE d.id = $1`, id); err != nil {
		return d, fmt.Errorf("storage: document %d: %w", id, err)
	}
	return d, nil
}

// documentListColumns are documentColumns without the body, for lists.
const documentListColumns = `d.id, d.kind, d.number, d.issuer, d.issued_on, d.title, d.summary, '' AS body, d.file_name,
	d.file_mime, d.file_id, COALESCE(d.file_store_id, 0) AS file_store_id, d.status, d.created_by, d.created_at, d.updated_at, d.published_at, d.withdrawn_at`

// Limits on what a document may hold, so that its header and summary fit
// in one Telegram message.
const (
	MaxNumberLen  = 64
	MaxIssuerLen  = 200
	MaxTitleLen   = 500
	MaxSummaryLen = 2000
)

// vietnam is the zone "today" is read in when a date of issue is checked.
// Vietnam has one zone and no daylight saving.
var vietnam = time.FixedZone("ICT", 7*3600)

// DocumentInput is a document to create or the new state of one to edit.
type DocumentInput struct {
	Kind     string
	Number   string
	Issuer   string
	IssuedOn time.Time
	Title    string
	Summary  string
	Body     string
	// The attached file: its bytes (FileData, from the command line), a
	// file already in the store (FileStore, received in chat), or, when
	// its bytes could not be fetched, only its Telegram file_id (FileID).
	// The bytes go to the file store. On edit, a file left empty keeps the
	// stored one.
	FileName  string
	FileMime  string
	FileData  []byte
	FileStore int64
	FileID    string
	// Draft keeps a new document unpublished.
	Draft bool
	// Audience lists organisation codes whose subtrees may read the
	// document; none means the whole commune. On edit it replaces the
	// stored audience only when SetAudience is true.
	Audience    []string
	SetAudience bool
	// Actor is who does it, for the audit log: "cli" or "tg:<user id>".
	Actor string
}

// Input returns the document's fields as an input to edit, file and
// audience unchanged.
func (d Document) Input() DocumentInput {
	return DocumentInput{Kind: d.Kind, Number: d.Number, Issuer: d.Issuer, IssuedOn: d.IssuedOn, Title: d.Title,
		Summary: d.Summary, Body: d.Body}
}

// clean trims the input (every text through vn.Clean, whatever its
// source: a flag, a file, a caption), reads a kind's name into its code,
// and checks it: Validate, the day of issue against now (CheckIssuedOn),
// and a secrecy stamp (Secrecy), which refuses the document: nothing
// stores one.
func (in *DocumentInput) clean(now time.Time) error {
	for _, f := range []*string{&in.Kind, &in.Number, &in.Issuer, &in.Title, &in.Summary, &in.Body, &in.FileName, &in.FileMime} {
		*f = vn.Clean(*f)
	}
	in.Kind = strings.TrimSpace(in.Kind)
	if code, ok := ParseDocumentKind(in.Kind); ok {
		in.Kind = code
	}
	in.Number = strings.Join(strings.Fields(in.Number), " ")
	in.Issuer = strings.Join(strings.Fields(in.Issuer), " ")
	in.Title = strings.Join(strings.Fields(in.Title), " ")
	in.Summary = strings.TrimSpace(in.Summary)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if !in.IssuedOn.IsZero() {
		y, m, d := in.IssuedOn.Date()
		in.IssuedOn = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	if err := in.Validate(); err != nil {
		return err
	}
	if err := CheckIssuedOn(in.IssuedOn, now); err != nil {
		return err
	}
	if sec, ok := in.Secrecy(); ok {
		return sec.Refusal()
	}
	if (in.FileData != nil || in.FileStore != 0 || in.FileID != "") && in.FileMime == "" {
		in.FileMime = "application/octet-stream"
	}
	return nil
}

// The fields of a document.
const (
	FieldDocKind  Field = "doc_kind"
	FieldNumber   Field = "number"
	FieldTitle    Field = "title"
	FieldIssuer   Field = "issuer"
	FieldSummary  Field = "summary"
	FieldIssuedOn Field = "issued_on"
	FieldFile     Field = "file"
)

// Validate checks a document by its fields' rules: its kind as stored,
// number, title, issuer, summary, a day of issue, and an attached file that
// is not empty. The day against today is CheckIssuedOn's.
func (in DocumentInput) Validate() error {
	if code, ok := ParseDocumentKind(in.Kind); !ok || code != in.Kind {
		names := make([]string, len(DocumentKinds))
		for i, k := range DocumentKinds {
			names[i] = k.Name
		}
		return FieldErrorf(FieldDocKind, "Loại văn bản %q không có. Hãy chọn một trong: %s.", in.Kind, strings.Join(names, ", "))
	}
	for _, err := range []error{CheckDocNumber(in.Number), CheckDocTitle(in.Title), CheckDocIssuer(in.Issuer), CheckDocSummary(in.Summary)} {
		if err != nil {
			return err
		}
	}
	if in.IssuedOn.IsZero() {
		return FieldErrorf(FieldIssuedOn, "Thiếu ngày ban hành. Hãy ghi ngày dạng 15/09/2025.")
	}
	if in.FileData != nil && len(in.FileData) == 0 {
		return FieldErrorf(FieldFile, "Tệp đính kèm rỗng.")
	}
	return nil
}

// CheckDocNumber is the rule of a document's number: given, with a letter
// or a digit (NumberKey), at most MaxNumberLen.
func CheckDocNumber(number string) error {
	switch {
	case strings.TrimSpace(number) == "":
		return FieldErrorf(FieldNumber, "Thiếu số hiệu văn bản. Hãy ghi số hiệu như trên văn bản, ví dụ 21-KL/TW.")
	case NumberKey(number) == "":
		return FieldErrorf(FieldNumber, "Số hiệu «%s» không có chữ hoặc số nào: hãy ghi như trên văn bản, ví dụ 21-KL/TW.", clip(number, 40))
	case utf8.RuneCountInString(number) > MaxNumberLen:
		return FieldErrorf(FieldNumber, "Số hiệu văn bản dài quá %d ký tự.", MaxNumberLen)
	}
	return nil
}

// CheckDocTitle is the rule of a document's title (trích yếu): given, in
// words or numbers, at most MaxTitleLen.
func CheckDocTitle(title string) error {
	switch {
	case strings.TrimSpace(title) == "":
		return FieldErrorf(FieldTitle, "Thiếu trích yếu (tên) văn bản, ví dụ «%s».", TitleExample)
	case !vn.HasLetterOrDigit(title):
		return FieldErrorf(FieldTitle, "Trích yếu «%s» không có chữ hoặc số nào: hãy ghi tên văn bản bằng chữ, ví dụ «%s».", clip(title, 40), TitleExample)
	case utf8.RuneCountInString(title) > MaxTitleLen:
		return FieldErrorf(FieldTitle, "Trích yếu văn bản dài quá %d ký tự: hãy rút gọn, phần còn lại đưa vào tóm tắt.", MaxTitleLen)
	}
	return nil
}

// CheckDocIssuer bounds the issuing body's name.
func CheckDocIssuer(issuer string) error {
	if utf8.RuneCountInString(issuer) > MaxIssuerLen {
		return FieldErrorf(FieldIssuer, "Tên cơ quan ban hành dài quá %d ký tự.", MaxIssuerLen)
	}
	return nil
}

// CheckDocSummary bounds a document's summary.
func CheckDocSummary(summary string) error {
	if n := utf8.RuneCountInString(summary); n > MaxSummaryLen {
		return FieldErrorf(FieldSummary, "Tóm tắt dài quá %d ký tự (đồng chí gửi %d): hãy rút gọn, nội dung đầy đủ đưa vào toàn văn.", MaxSummaryLen, n)
	}
	return nil
}

// CheckIssuedOn refuses a day of issue still to come, read in Vietnam's
// day of now.
func CheckIssuedOn(on, now time.Time) error {
	ty, tm, td := now.In(vietnam).Date()
	if on.After(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) {
		return FieldErrorf(FieldIssuedOn, "Ngày ban hành %s ở tương lai: hãy kiểm tra lại ngày.", on.Format("02/01/2006"))
	}
	return nil
}

// TitleExample is a document title, for the messages that ask for one.
const TitleExample = "Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng"

// Secrecy is a secrecy stamp found on a document: its degree (vn.Secret,
// vn.TopSecret or vn.UltraSecret) and where it was seen, in Vietnamese.
type Secrecy struct {
	Degree string
	Where  string
}

// Secrecy looks for a secrecy stamp (vn.SecrecyStamp) on a document: in
// its title, summary and text, in its file's name (vn.FileNameStamp), and
// on the first page of an attached PDF that has a text layer. State
// secrets never go online, so such a document is refused wherever it
// enters, with no way around it. A PDF that cannot be read (damaged, a
// scan) has no stamp that can be seen: its title and name still count.
func (in DocumentInput) Secrecy() (Secrecy, bool) {
	for _, f := range []struct{ text, where string }{
		{in.Title, "trích yếu"}, {in.Summary, "tóm tắt"}, {in.Body, "toàn văn"},
	} {
		if d := vn.SecrecyStamp(f.text); d != "" {
			return Secrecy{d, f.where}, true
		}
	}
	if d := vn.FileNameStamp(in.FileName); d != "" {
		return Secrecy{d, "tên tệp " + in.FileName}, true
	}
	if pdftext.IsPDF(in.FileData) {
		if text, err := pdftext.FirstPage(in.FileData); err == nil {
			if d := vn.SecrecyStamp(text); d != "" {
				return Secrecy{d, "trang đầu của tệp PDF"}, true
			}
		}
	}
	return Secrecy{}, false
}

// Refusal is the error that refuses a stamped document: what was found,
// where, and why there is no way to publish it.
func (sec Secrecy) Refusal() error {
	return Errorf(CodeForbidden, "Văn bản mang dấu độ mật «%s» (ở %s). Tài liệu bí mật nhà nước không được đưa lên mạng, nên sổ tay không nhận văn bản này. "+
		"Văn bản mật chỉ được phổ biến trực tiếp, theo quy định bảo vệ bí mật nhà nước.", sec.Degree, sec.Where)
}

// searchColumns returns the folded search keys of a document.
func (in DocumentInput) searchColumns() (numberKey, title, text string) {
	text = Fold(strings.Join([]string{DocumentKindName(in.Kind), in.Number, in.Issuer, in.Summary, in.Body}, " "))
	return NumberKey(in.Number), Fold(in.Title), text
}

// CreateDocument adds a document, published unless in.Draft. The same
// number from the same issuer twice is a conflict.
func (s *Storage) CreateDocument(ctx context.Context, in DocumentInput) (Document, error) {
	var d Document
	if err := s.loadStoredFile(ctx, &in); err != nil {
		return d, err
	}
	if err := in.clean(s.now()); err != nil {
		return d, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		now := s.now()
		status, published := DocPublished, &now
		if in.Draft {
			status, published = DocDraft, nil
		}
		key, title, text := in.searchColumns()
		store, fileID, err := s.keepDocumentFile(ctx, in)
		if err != nil {
			return err
		}
		var id int64
		err = s.get(ctx, &id, `INSERT INTO documents (kind, number, issuer, issued_on, title, summary, body, file_name, file_mime,
			file_store_id, file_id, status, number_key, search_title, search_text, created_by, created_at, updated_at, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18) RETURNING id`,
			in.Kind, in.Number, in.Issuer, in.IssuedOn, in.Title, in.Summary, in.Body, in.FileName, in.FileMime,
			nullID(store), fileID, status, key, title, text, in.Actor, now, published)
		if isUniqueViolation(err) {
			return Errorf(CodeConflict, "Văn bản số %s của %s đã có trong sổ tay. Nếu cần sửa, hãy dùng chức năng sửa văn bản.", in.Number, issuerName(in.Issuer))
		}
		if err != nil {
			return fmt.Errorf("storage: create document %q: %w", in.Number, err)
		}
		if err := s.setAudience(ctx, id, in.Audience); err != nil {
			return err
		}
		if err := s.Audit(ctx, in.Actor, "document.create", in.Number, map[string]any{"id": id, "status": status, "audience": in.Audience}); err != nil {
			return err
		}
		d, err = s.DocumentByID(ctx, id)
		return err
	})
	return d, err
}

// loadStoredFile reads the bytes of a file in.FileStore names into
// in.FileData, so that its first page is checked for a secrecy stamp like
// any file's.
func (s *Storage) loadStoredFile(ctx context.Context, in *DocumentInput) error {
	if in.FileStore == 0 || in.FileData != nil {
		return nil
	}
	data, err := s.FileBytes(ctx, in.FileStore)
	if err != nil {
		return err
	}
	in.FileData = data
	return nil
}

// keepDocumentFile puts a document's file in the store and returns the
// stored file's id, or, for a file known only by its Telegram file_id,
// that file_id. A file_id that came with bytes is remembered for them.
func (s *Storage) keepDocumentFile(ctx context.Context, in DocumentInput) (store int64, fileID string, err error) {
	if in.FileData == nil {
		return 0, in.FileID, nil
	}
	f, err := s.PutFile(ctx, FileInput{Name: in.FileName, Mime: in.FileMime, Data: in.FileData})
	if err != nil {
		return 0, "", err
	}
	if in.FileID != "" {
		kind := AsDocument
		if in.FileName == "" {
			kind = AsPhoto
		}
		if err := s.RememberTelegramFileID(ctx, f.ID, kind, in.FileID); err != nil {
			return 0, "", err
		}
	}
	return f.ID, "", nil
}

func issuerName(issuer string) string {
	if issuer == "" {
		return "cơ quan chưa ghi"
	}
	return issuer
}

// setAudience replaces the organisations a document is for.
func (s *Storage) setAudience(ctx context.Context, docID int64, codes []string) error {
	if _, err := s.exec(ctx, `DELETE FROM document_audiences WHERE document_id = $1`, docID); err != nil {
		return fmt.Errorf("storage: audience of %d: %w", docID, err)
	}
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		o, err := s.Organisation(ctx, code)
		if err != nil {
			return Errorf(CodeInvalid, "Không có tổ chức mã %s: hãy kiểm tra danh sách phạm vi (mã tổ chức, cách nhau bằng dấu phẩy).", code)
		}
		if o.DissolvedAt != nil {
			return Errorf(CodeInvalid, "Tổ chức %s đã giải thể.", code)
		}
		if _, err := s.exec(ctx, `INSERT INTO document_audiences (document_id, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, docID, o.ID); err != nil {
			return fmt.Errorf("storage: audience of %d: %w", docID, err)
		}
	}
	return nil
}

// DocumentAudience returns the codes of the organisations a document is
// for; none means the whole commune.
func (s *Storage) DocumentAudience(ctx context.Context, docID int64) ([]string, error) {
	return selectAll[string](ctx, s, fmt.Sprintf("audience of %d", docID), `SELECT o.code FROM document_audiences a JOIN organisations o ON o.id = a.org_id
		WHERE a.document_id = $1 ORDER BY o.code`, docID)
}

// UpdateDocument replaces a document's fields with in (start from
// Document.Input). A new file replaces the old one (which stays in the
// store: the same bytes may be another's).
func (s *Storage) UpdateDocument(ctx context.Context, id int64, in DocumentInput) (Document, error) {
	var d Document
	if err := s.loadStoredFile(ctx, &in); err != nil {
		return d, err
	}
	if err := in.clean(s.now()); err != nil {
		return d, err
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		old, err := s.DocumentByID(ctx, id)
		if err != nil {
			return err
		}
		key, title, text := in.searchColumns()
		_, err = s.exec(ctx, `UPDATE documents SET kind = $2, number = $3, issuer = $4, issued_on = $5, title = $6, summary = $7,
			body = $8, number_key = $9, search_title = $10, search_text = $11, updated_at = $12 WHERE id = $1`,
			id, in.Kind, in.Number, in.Issuer, in.IssuedOn, in.Title, in.Summary, in.Body, key, title, text, s.now())
		if isUniqueViolation(err) {
			return Errorf(CodeConflict, "Đã có văn bản khác số %s của %s.", in.Number, issuerName(in.Issuer))
		}
		if err != nil {
			return fmt.Errorf("storage: update document %d: %w", id, err)
		}
		if in.FileData != nil || (in.FileID != "" && in.FileID != old.FileID) {
			store, fileID, err := s.keepDocumentFile(ctx, in)
			if err != nil {
				return err
			}
			if _, err := s.exec(ctx, `UPDATE documents SET file_name = $2, file_mime = $3, file_store_id = $4, file_id = $5 WHERE id = $1`,
				id, in.FileName, in.FileMime, nullID(store), fileID); err != nil {
				return fmt.Errorf("storage: update file of document %d: %w", id, err)
			}
		}
		if in.SetAudience {
			if err := s.setAudience(ctx, id, in.Audience); err != nil {
				return err
			}
		}
		if err := s.Audit(ctx, in.Actor, "document.update", in.Number, map[string]any{"id": id}); err != nil {
			return err
		}
		d, err = s.DocumentByID(ctx, id)
		return err
	})
	return d, err
}

// PublishDocument publishes a draft. Publishing a published document
// changes nothing; a withdrawn one is published again.
func (s *Storage) PublishDocument(ctx context.Context, id int64, actor string) (bool, error) {
	return s.setStatus(ctx, id, DocPublished, actor)
}

// WithdrawDocumentByID withdraws a document: members no longer see it.
// Withdrawing twice changes nothing the second time (changed is false).
func (s *Storage) WithdrawDocumentByID(ctx context.Context, id int64, actor string) (changed bool, err error) {
	return s.setStatus(ctx, id, DocWithdrawn, actor)
}

// WithdrawDocument withdraws the document with this number (see DocumentByNumber).
func (s *Storage) WithdrawDocument(ctx context.Context, number, issuer, actor string) (Document, bool, error) {
	var d Document
	var changed bool
	err := s.WithTx(ctx, func(s *Storage) error {
		var err error
		if d, err = s.DocumentByNumber(ctx, number, issuer); err != nil {
			return err
		}
		if changed, err = s.WithdrawDocumentByID(ctx, d.ID, actor); err != nil {
			return err
		}
		d, err = s.DocumentByID(ctx, d.ID)
		return err
	})
	return d, changed, err
}

func (s *Storage) setStatus(ctx context.Context, id int64, status, actor string) (bool, error) {
	var changed bool
	err := s.WithTx(ctx, func(s *Storage) error {
		d, err := s.DocumentByID(ctx, id)
		if err != nil {
			return err
		}
		if d.Status == status {
			return nil
		}
		if status == DocPublished {
			// A draft stored before stamps were checked is looked at again.
			if err := s.refuseSecret(ctx, d); err != nil {
				return err
			}
		}
		now := s.now()
		q := `UPDATE documents SET status = 'withdrawn', withdrawn_at = $2, updated_at = $2 WHERE id = $1`
		action := "document.withdraw"
		if status == DocPublished {
			q = `UPDATE documents SET status = 'published', published_at = COALESCE(published_at, $2), withdrawn_at = NULL, updated_at = $2 WHERE id = $1`
			action = "document.publish"
		}
		if _, err := s.exec(ctx, q, id, now); err != nil {
			return fmt.Errorf("storage: %s %d: %w", action, id, err)
		}
		changed = true
		return s.Audit(ctx, actor, action, d.Number, map[string]any{"id": id, "issuer": d.Issuer})
	})
	return changed, err
}

// refuseSecret is the secrecy stamp's refusal for a stored document,
// its file's first page included; nil when it has none.
func (s *Storage) refuseSecret(ctx context.Context, d Document) error {
	in := d.Input()
	in.FileName = d.FileName
	data, err := s.DocumentFile(ctx, d.ID)
	switch {
	case err == nil:
		in.FileData = data
	case ErrorCode(err) != CodeNotFound:
		return err
	}
	if sec, ok := in.Secrecy(); ok {
		return sec.Refusal()
	}
	return nil
}

// DocumentByNumber finds a document by its number in any written form
// ("21-KL/TW", "21 kl/tw"). issuer narrows the search when the same number
// was issued by several bodies; "" takes the only one, and several is a
// conflict whose message asks for the issuer.
func (s *Storage) DocumentByNumber(ctx context.Context, number, issuer string) (Document, error) {
	var ds []Document
	key := NumberKey(number)
	err := s.sel(ctx, &ds, `SELECT `+documentColumns+` FROM documents d WHERE d.number_key = $1
		AND ($2 = '' OR lower(d.issuer) = lower($2)) ORDER BY d.id`, key, strings.Join(strings.Fields(issuer), " "))
	if err != nil {
		return Document{}, fmt.Errorf("storage: document %q: %w", number, err)
	}
	switch len(ds) {
	case 0:
		return Document{}, Errorf(CodeNotFound, "Không có văn bản số %s.", number)
	case 1:
		return ds[0], nil
	}
	issuers := make([]string, len(ds))
	for i, d := range ds {
		issuers[i] = issuerName(d.Issuer)
	}
	return Document{}, Errorf(CodeConflict, "Có %d văn bản cùng số %s (%s): hãy ghi rõ cơ quan ban hành.", len(ds), number, strings.Join(issuers, "; "))
}

// DocumentFile returns the bytes of a document's attached file from the
// file store; ErrNotFound when only a Telegram file_id is kept.
func (s *Storage) DocumentFile(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	if err := s.get(ctx, &data, `SELECT f.data FROM documents d JOIN files f ON f.id = d.file_store_id WHERE d.id = $1`, id); err != nil {
		return nil, fmt.Errorf("storage: file of document %d: %w", id, err)
	}
	return data, nil
}

// documentReadableSQL is the one rule of who may read a document, as a
// condition on "d" for the member whose id is parameter $1 and whose
// organisation and its ancestors are the array parameter $2: the document is
// published and has no audience (the whole commune) or an audience
// organisation above or at the member's.
//
// A member assigned the document in a campaign may read it even outside
// its audience.
//
// Every query that lists, searches or opens documents for a member goes
// through it (MayRead, Readable, DocumentsForMember, DocumentKindCounts,
// SearchDocuments), so that one change covers them all.
func documentReadableSQL() string {
	return `(d.status = 'published' AND ($1::bigint IS NOT NULL) AND (
		NOT EXISTS (SELECT 1 FROM document_audiences a WHERE a.document_id = d.id)
		OR EXISTS (SELECT 1 FROM document_audiences a WHERE a.document_id = d.id AND a.org_id = ANY($2::bigint[]))
		OR EXISTS (SELECT 1 FROM assignments x WHERE x.document_id = d.id AND x.member_id = $1)))`
}

// readerArgs are the $1 and $2 of documentReadableSQL for a member.
func (s *Storage) readerArgs(ctx context.Context, m Member) ([]any, error) {
	chain, err := s.orgChain(ctx, m.OrgID)
	if err != nil {
		return nil, err
	}
	return []any{m.ID, int64Array(chain)}, nil
}

// MayRead reports whether a member may read a document (see documentReadableSQL).
func (s *Storage) MayRead(ctx context.Context, m Member, docID int64) (bool, error) {
	args, err := s.readerArgs(ctx, m)
	if err != nil {
		return false, err
	}
	var ok bool
	err = s.get(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM documents d WHERE d.id = $3 AND `+documentReadableSQL()+`)`,
		append(args, docID)...)
	if err != nil {
		return false, fmt.Errorf("storage: may %d read %d: %w", m.ID, docID, err)
	}
	return ok, nil
}

// Readable returns those of ids the member may read (documentReadableSQL),
// or, with anyPublished (the commune's admin), those published, in one
// query: a list of documents shown to someone, or a button naming one, is
// checked with it.
func (s *Storage) Readable(ctx context.Context, m Member, anyPublished bool, ids []int64) ([]int64, error) {
	args, err := s.readerArgs(ctx, m)
	if err != nil {
		return nil, err
	}
	out := []int64{}
	err = s.sel(ctx, &out, `SELECT d.id FROM documents d WHERE d.id = ANY($3::bigint[])
		AND (($4::boolean AND d.status = 'published') OR `+documentReadableSQL()+`)`,
		append(args, int64Array(ids), anyPublished)...)
	if err != nil {
		return nil, fmt.Errorf("storage: documents %d may read: %w", m.ID, err)
	}
	return out, nil
}

// KindCount is how many documents of one kind a member may read.
type KindCount struct {
	Kind  string `db:"kind"`
	Count int    `db:"n"`
}

// Name is the kind's Vietnamese name.
func (k KindCount) Name() string { return DocumentKindName(k.Kind) }

// DocumentKindCounts returns, in browsing order, the kinds of which the
// member may read at least one document, with how many.
func (s *Storage) DocumentKindCounts(ctx context.Context, m Member) ([]KindCount, error) {
	args, err := s.readerArgs(ctx, m)
	if err != nil {
		return nil, err
	}
	var rows []KindCount
	if err := s.sel(ctx, &rows, `SELECT d.kind, count(*) AS n FROM documents d WHERE `+documentReadableSQL()+` GROUP BY d.kind`, args...); err != nil {
		return nil, fmt.Errorf("storage: document counts: %w", err)
	}
	var out []KindCount
	for _, k := range DocumentKinds {
		for _, r := range rows {
			if r.Kind == k.Code {
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// DocumentsForMember returns a page of the documents of one kind the member
// may read, newest first (bodies not loaded), and how many there are in all.
func (s *Storage) DocumentsForMember(ctx context.Context, m Member, kind string, offset, limit int) ([]Document, int, error) {
	args, err := s.readerArgs(ctx, m)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.get(ctx, &total, `SELECT count(*) FROM documents d WHERE d.kind = $3 AND `+documentReadableSQL(), append(args, kind)...); err != nil {
		return nil, 0, fmt.Errorf("storage: documents of %s: %w", kind, err)
	}
	var ds []Document
	err = s.sel(ctx, &ds, `SELECT `+documentListColumns+` FROM documents d WHERE d.kind = $3 AND `+documentReadableSQL()+`
		ORDER BY d.issued_on DESC, d.id DESC OFFSET $4 LIMIT $5`, append(args, kind, max(offset, 0), limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: documents of %s: %w", kind, err)
	}
	return ds, total, nil
}

// Documents lists every document for the command line, newest first,
// optionally of one status.
func (s *Storage) Documents(ctx context.Context, status string) ([]Document, error) {
	return selectAll[Document](ctx, s, "documents", `SELECT `+documentListColumns+` FROM documents d WHERE ($1 = '' OR d.status = $1)
		ORDER BY d.issued_on DESC, d.id DESC`, status)
}

// How a search result matched, best first.
const (
	MatchNumber = "number"
	MatchTitle  = "title"
	MatchText   = "text"
)

// SearchHit is one search result.
type SearchHit struct {
	Document
	Match string
}

// MaxSearchResults caps SearchDocuments.
const MaxSearchResults = 10

// SearchDocuments finds the documents a member may read that match a query:
// first those whose number the query names (in any written form, see
// numberCandidates), then those whose title has every word of the query,
// then those whose summary or text has them; newest first within each, at
// most MaxSearchResults. Diacritics, đ/d, Unicode composition and case do
// not matter: the stored columns and the query go through the same Fold.
// Each stage is answered from an index (migrations 0002 and 0003), so a
// search stays a few milliseconds on a library of 10,000 documents
// (BenchmarkSearchDocuments).
func (s *Storage) SearchDocuments(ctx context.Context, m Member, query string, limit int) ([]SearchHit, error) {
	if limit <= 0 || limit > MaxSearchResults {
		limit = MaxSearchResults
	}
	words := searchTokens(query)
	if len(words) == 0 {
		return nil, Errorf(CodeInvalid, "Đồng chí hãy gõ từ cần tìm, ví dụ: ket luan 21 hoặc 21-KL/TW.")
	}
	if len(words) > 12 {
		words = words[:12]
	}
	base, err := s.readerArgs(ctx, m)
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	seen := []int64{} // not nil: pq sends a nil slice as NULL
	stage := func(match string, conds []string, params []any) error {
		if len(conds) == 0 || len(hits) >= limit {
			return nil
		}
		args := append(append([]any{}, base...), int64Array(seen), limit-len(hits))
		var where []string
		for _, c := range conds {
			where = append(where, strings.ReplaceAll(c, "$?", fmt.Sprintf("$%d", len(args)+1)))
			if strings.Contains(c, "$?") {
				args = append(args, params[0])
				params = params[1:]
			}
		}
		join := " AND "
		if match == MatchNumber {
			join = " OR "
		}
		var ds []Document
		err := s.sel(ctx, &ds, `SELECT `+documentListColumns+` FROM documents d WHERE `+documentReadableSQL()+`
			AND NOT (d.id = ANY($3::bigint[])) AND (`+strings.Join(where, join)+`)
			ORDER BY d.issued_on DESC, d.id DESC LIMIT $4`, args...)
		if err != nil {
			return fmt.Errorf("storage: search %s: %w", match, err)
		}
		for _, d := range ds {
			hits = append(hits, SearchHit{Document: d, Match: match})
			seen = append(seen, d.ID)
		}
		return nil
	}
	numberConds := func(cands ...string) (conds []string, params []any) {
		for _, c := range cands {
			if c[len(c)-1] >= '0' && c[len(c)-1] <= '9' {
				// "21" must not find "210-QĐ/TW".
				conds, params = append(conds, "d.number_key ~ $?"), append(params, "^"+c+"([^0-9]|$)")
			} else {
				conds, params = append(conds, "d.number_key LIKE $?"), append(params, c+"%")
			}
		}
		return conds, params
	}
	cands, fallback := numberCandidates(query)
	conds, params := numberConds(cands...)
	if err := stage(MatchNumber, conds, params); err != nil {
		return nil, err
	}
	if len(hits) == 0 && fallback != "" {
		conds, params = numberConds(fallback)
		if err := stage(MatchNumber, conds, params); err != nil {
			return nil, err
		}
	}
	// The title matches when it holds every word of the query, inside a
	// word too ("hoc" in "hoc tap"); a number only as a whole number ("21"
	// not in "2021"). Titles are short, so trigrams serve them.
	conds, params = nil, nil
	for _, w := range words {
		if isDigits(w) {
			conds, params = append(conds, "d.title_words @@ to_tsquery('simple', $?)"), append(params, w)
		} else {
			conds, params = append(conds, "d.search_title LIKE $?"), append(params, "%"+w+"%")
		}
	}
	if err := stage(MatchTitle, conds, params); err != nil {
		return nil, err
	}
	// Summary and text match when they hold every word of the query as a
	// whole word (Vietnamese writes one syllable a word), through the word
	// index of migration 0003: trigrams over long texts read every row when
	// a word is common.
	conds, params = []string{"d.search_words @@ to_tsquery('simple', $?)"}, []any{strings.Join(words, " & ")}
	if err := stage(MatchText, conds, params); err != nil {
		return nil, err
	}
	return hits, nil
}

// AudienceCovers reports whether a document's audience includes the whole
// subtree of orgID: no audience means everyone; otherwise orgID must lie in
// the subtree of one of the audience organisations.
func (s *Storage) AudienceCovers(ctx context.Context, docID, orgID int64) (bool, error) {
	var ok bool
	err := s.get(ctx, &ok, `
		WITH RECURSIVE up AS (
			SELECT id, parent_id FROM organisations WHERE id = $2
			UNION ALL
			SELECT o.id, o.parent_id FROM organisations o JOIN up ON o.id = up.parent_id
		)
		SELECT NOT EXISTS (SELECT 1 FROM document_audiences WHERE document_id = $1)
		    OR EXISTS (SELECT 1 FROM document_audiences a JOIN up ON up.id = a.org_id WHERE a.document_id = $1)`, docID, orgID)
	if err != nil {
		return false, fmt.Errorf("storage: audience of %d covers %d: %w", docID, orgID, err)
	}
	return ok, nil
}
