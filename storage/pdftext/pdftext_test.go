package pdftext_test

import (
	"fmt"
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

// rawPDF is a PDF file of the objects given (numbered from 1, the first
// the catalog), with its cross-reference table.
func rawPDF(objects ...string) []byte {
	var b strings.Builder
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return []byte(b.String())
}

func stream(dict, data string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

// TestFirstPageBoundsWork: a form that draws itself a thousand times over
// is read within bounds, and the text before it is kept.
func TestFirstPageBoundsWork(t *testing.T) {
	data := rawPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 6 0 R >> /XObject << /X 4 0 R >> >> /Contents 5 0 R >>",
		stream("/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 4 0 R >> >>", strings.Repeat("/X Do\n", 1000)),
		stream("", "BT /F1 12 Tf 72 720 Td (MAT) Tj ET\n/X Do"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	)
	got, err := pdftext.FirstPage(data)
	if err != nil || strings.TrimSpace(got) != "MAT" {
		t.Fatalf("FirstPage = %q, %v", got, err)
	}
}
