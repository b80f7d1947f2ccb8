package roster_test

import (
	"archive/zip"
	"bytes"
	"io"
	"math/rand"
	"testing"
	"time"
)

func TestZZMutateXLSX(t *testing.T) {
	data := MustXLSX(t, [][]any{
		{"Mã đảng viên", "Họ và tên", "Mã chi bộ", "Năm sinh", "SĐT"},
		{"DV001", "Nguyễn Văn An", "CB01", 1985, 912000001},
		{"DV002", "Trần Bình", "CB01", 1990, "0912000002"},
	})
	zr, _ := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		files[f.Name] = b
		names = append(names, f.Name)
	}
	rng := rand.New(rand.NewSource(1))
	var slow time.Duration
	for i := 0; i < 3000; i++ {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		target := names[rng.Intn(len(names))]
		for _, n := range names {
			b := append([]byte(nil), files[n]...)
			if n == target && len(b) > 0 {
				for k := 0; k < 1+rng.Intn(4); k++ {
					p := rng.Intn(len(b))
					switch rng.Intn(3) {
					case 0:
						b[p] = byte(rng.Intn(256))
					case 1:
						b = append(b[:p], b[min(len(b), p+rng.Intn(20)):]...)
					case 2:
						b = append(b[:p], append([]byte(`r="1048577" t="s"<c>9999</c>`[rng.Intn(10):]), b[p:]...)...)
					}
					if len(b) == 0 {
						break
					}
				}
			}
			w, _ := zw.Create(n)
			w.Write(b)
		}
		zw.Close()
		start := time.Now()
		parser.ParseMembers(bytes.NewReader(buf.Bytes()), "m.xlsx")
		if d := time.Since(start); d > slow {
			slow = d
		}
	}
	t.Log("slowest", slow)
}
