package vn_test

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"sotay/storage/vn"
)

func TestSecrecyStamp(t *testing.T) {
	tests := []struct{ name, text, want string }{
		// Stamps.
		{"Caps", "MẬT", vn.Secret},
		{"Lower", "mật", vn.Secret},
		{"NoDiacritics", "MAT", vn.Secret},
		{"Decomposed", norm.NFD.String("Mật"), vn.Secret},
		{"TopSecret", "Tối mật", vn.TopSecret},
		{"UltraSecretNoDiacritics", "TUYET MAT", vn.UltraSecret},
		{"UltraSecret", "TUYỆT MẬT", vn.UltraSecret},
		{"InBrackets", "(MẬT)", vn.Secret},
		{"StampLineInText", "ĐẢNG BỘ XÃ BÌNH LƯ\nMẬT\nSố 01-NQ/ĐU", vn.Secret},
		{"StampLineWithCR", "Nghị quyết\r\n  TỐI MẬT  \r\n", vn.TopSecret},
		{"WithUrgency", "MẬT - HỎA TỐC", vn.Secret},
		{"UrgencyFirst", "THƯỢNG KHẨN, TỐI MẬT", vn.TopSecret},
		{"DoMat", "Độ mật: Mật", vn.Secret},
		{"DoMatCaps", "ĐỘ MẬT: TỐI MẬT", vn.TopSecret},
		{"DoMatNoDiacritics", "Do mat - tuyet mat", vn.UltraSecret},
		{"DoMatInLine", "Số: 12-NQ/ĐU    Độ mật: Mật", vn.Secret},
		{"DoMatInTitle", "Nghị quyết về quốc phòng (Độ mật: Tối mật)", vn.TopSecret},
		// Not stamps.
		{"Empty", "", ""},
		{"BiMat", "bí mật", ""},
		{"MatKhau", "mật khẩu", ""},
		{"MatThiet", "mật thiết", ""},
		{"QuanHe", "Tăng cường quan hệ mật thiết với nhân dân", ""},
		{"GiuBiMat", "Chi bộ giữ bí mật nhà nước theo quy định", ""},
		{"MatKhauSentence", "Đồng chí không chia sẻ mật khẩu cho người khác.", ""},
		{"Mat", "Mặt trận", ""},
		{"MatAlone", "Mặt", ""},
		{"MatLost", "mất", ""},
		{"UrgencyOnly", "HỎA TỐC", ""},
		{"DegreesListed", "Văn bản có độ mật: mật, tối mật hoặc tuyệt mật phải được quản lý chặt chẽ.", ""},
		{"DegreesListedAnd", "Quy định về độ mật tối mật và tuyệt mật", ""},
		{"DoMatThiet", "Mức độ mật thiết giữa Đảng và dân", ""},
		{"DoMatAlone", "Độ mật:", ""},
		{"LawTitle", "Luật Bảo vệ bí mật nhà nước 2018", ""},
		{"DanhMuc", "Danh mục bí mật nhà nước thuộc lĩnh vực quốc phòng", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vn.SecrecyStamp(tt.text); got != tt.want {
				t.Fatalf("SecrecyStamp(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestFileNameStamp(t *testing.T) {
	tests := []struct{ name, file, want string }{
		{"SuffixCaps", "NQ-01 MAT.pdf", vn.Secret},
		{"SuffixLower", "nq01_mat.pdf", vn.Secret},
		{"SuffixMarked", "nq01_mật.docx", vn.Secret},
		{"UltraSecretPrefix", "TUYET_MAT_NQ01.pdf", vn.UltraSecret},
		{"TopSecretInside", "NQ01-toi-mat-quoc-phong.pdf", vn.TopSecret},
		{"OnlyStamp", "MẬT.pdf", vn.Secret},
		{"DoMat", "NQ01 Do mat Mat.pdf", vn.Secret},
		{"Plain", "kl21.pdf", ""},
		{"MatTran", "Mat tran To quoc.pdf", ""},
		{"MatTranMarked", "Mặt trận Tổ quốc mặt.pdf", ""},
		{"BiMat", "Luat bao ve bi mat.pdf", ""},
		{"BiMatMarked", "Luật bảo vệ bí mật.pdf", ""},
		{"MatKhau", "huong-dan-doi-mat-khau.pdf", ""},
		{"Empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := vn.FileNameStamp(tt.file); got != tt.want {
				t.Fatalf("FileNameStamp(%q) = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
