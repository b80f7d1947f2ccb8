package pdftext_test

import (
	"strings"
	"testing"

	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

func TestFirstPage(t *testing.T) {
	t.Run("VietnameseLines", func(t *testing.T) {
		data := storagetest.PDF(t, "ĐẢNG BỘ XÃ BÌNH LƯ\nTỐI MẬT\nNghị quyết về giữ bí mật nhà nước", "Trang hai: TUYỆT MẬT")
		got, err := pdftext.FirstPage(data)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(got), "\n")
		want := []string{"ĐẢNG BỘ XÃ BÌNH LƯ", "TỐI MẬT", "Nghị quyết về giữ bí mật nhà nước"}
		if strings.Join(lines, "|") != strings.Join(want, "|") {
			t.Fatalf("FirstPage = %q, want the lines %q", got, want)
		}
	})
	t.Run("OnlyTheFirstPage", func(t *testing.T) {
		got, err := pdftext.FirstPage(storagetest.PDF(t, "Trang một", "MẬT"))
		if err != nil || strings.Contains(got, "MẬT") || !strings.Contains(got, "Trang một") {
			t.Fatalf("FirstPage = %q, %v", got, err)
		}
	})
	bad := []struct {
		name string
		data []byte
	}{
		{"NoTextLayer", storagetest.PDF(t, "", "MẬT")},
		{"Truncated", storagetest.PDF(t, "MẬT")[:400]},
		{"NotAPDF", []byte("MẬT")},
		{"Empty", nil},
		{"HeaderOnly", []byte("%PDF-1.4\n%%EOF\n")},
		{"GarbageBody", []byte("%PDF-1.4\n" + strings.Repeat("<< /Type /Page >> [ ( ", 50) + "\nstartxref\n9\n%%EOF\n")},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			got, err := pdftext.FirstPage(tt.data)
			if err == nil || got != "" {
				t.Fatalf("FirstPage = %q, %v; want no text and an error", got, err)
			}
		})
	}
}

func TestIsPDF(t *testing.T) {
	if !pdftext.IsPDF(storagetest.PDF(t, "a")) || pdftext.IsPDF([]byte("PK\x03\x04")) || pdftext.IsPDF(nil) {
		t.Fatal("IsPDF is wrong")
	}
}

// FuzzFirstPage feeds damaged PDFs: FirstPage never panics, and gives
// either text or an error.
func FuzzFirstPage(f *testing.F) {
	good := storagetest.PDF(f, "ĐỘ MẬT: TỐI MẬT\nNghị quyết", "")
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\nstartxref\n9\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := pdftext.FirstPage(data)
		if err != nil && text != "" {
			t.Fatalf("text %q with error %v", text, err)
		}
		if len(text) > pdftext.MaxText+4096 {
			t.Fatalf("text of %d bytes", len(text))
		}
	})
}
