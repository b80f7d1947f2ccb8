package storage

import (
	"context"
	"fmt"
	"time"
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
// FileData is loaded only by DocumentFile.
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
	Status      string     `db:"status"`
	CreatedBy   string     `db:"created_by"`
	CreatedAt   time.Time  `db:"created_at"`
	UpdatedAt   time.Time  `db:"updated_at"`
	PublishedAt *time.Time `db:"published_at"`
	WithdrawnAt *time.Time `db:"withdrawn_at"`
}

// HasFile reports whether the document has an attached file.
func (d Document) HasFile() bool { return d.FileName != "" }

const documentColumns = `d.id, d.kind, d.number, d.issuer, d.issued_on, d.title, d.summary, d.body, d.file_name,
	d.file_mime, d.file_id, d.status, d.created_by, d.created_at, d.updated_at, d.published_at, d.withdrawn_at`

// DocumentByID returns a document without its file bytes.
func (s *Storage) DocumentByID(ctx context.Context, id int64) (Document, error) {
	var d Document
	if err := s.get(ctx, &d, `SELECT `+documentColumns+` FROM documents d WHERE d.id = $1`, id); err != nil {
		return d, fmt.Errorf("storage: document %d: %w", id, err)
	}
	return d, nil
}
