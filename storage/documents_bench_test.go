package storage_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"sotay/storage"
)

var benchWords = strings.Fields(`đảng viên chi bộ sinh hoạt học tập quán triệt nghị quyết kết luận chỉ thị
	công tác xây dựng chỉnh đốn tổ chức cơ sở kiểm tra giám sát kỷ luật tư tưởng chính trị đạo đức lối sống
	phát triển kinh tế xã hội nông thôn mới giảm nghèo bền vững dân tộc thiểu số miền núi biên giới an ninh
	quốc phòng văn hóa giáo dục y tế môi trường rừng đất đai cán bộ đào tạo bồi dưỡng thi đua khen thưởng
	tuyên truyền vận động nhân dân mặt trận đoàn thể thanh niên phụ nữ nông dân cựu chiến binh bản làng`)

var benchIssuers = []string{"Ban Chấp hành Trung ương", "Bộ Chính trị", "Ban Bí thư", "Tỉnh ủy", "Huyện ủy", "Đảng ủy xã"}

func benchSentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[r.IntN(len(benchWords))]
	}
	return strings.Join(w, " ") + "."
}

// BenchmarkSearchDocuments searches a library of 10,000 documents (titles,
// summaries and 2–4 KB texts) with a mix of number, title, text and
// fruitless queries, and reports the p50 and p95 latency of one search.
func BenchmarkSearchDocuments(b *testing.B) {
	ctx := context.Background()
	b.StopTimer()
	s, member := benchLibrary(b, 10000)
	queries := []string{
		"21-KL/TW", "21 kl tw", "ket luan 21", "nghị quyết số 1234", "62kh", "quy dinh 987",
		"chỉnh đốn đảng", "sinh hoat chi bo", "dan toc thieu so", "nông thôn mới",
		"giam sat ky luat", "bien gioi an ninh quoc phong", "khong co tu nay", "xyz",
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	b.StartTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		start := time.Now()
		if _, err := s.SearchDocuments(ctx, member, q, 10); err != nil {
			b.Fatal(err)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	pct := func(p float64) float64 {
		return float64(durations[min(len(durations)-1, int(float64(len(durations))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

// benchLibrary builds a database with n published documents and returns a
// member of CB1 to search as. A fifth of the documents have an audience.
func benchLibrary(b *testing.B, n int) (*storage.Storage, storage.Member) {
	b.Helper()
	ctx := context.Background()
	e := newDocEnv(b)
	r := rand.New(rand.NewPCG(4, 21))
	start := time.Now()
	err := e.s.WithTx(ctx, func(tx *storage.Storage) error {
		for i := 0; i < n; i++ {
			k := storage.DocumentKinds[r.IntN(len(storage.DocumentKinds)-1)]
			abbrev := strings.ToUpper(strings.NewReplacer("nghi_quyet", "NQ", "chi_thi", "CT", "ket_luan", "KL", "quy_dinh", "QĐ",
				"quy_che", "QC", "ke_hoach", "KH", "huong_dan", "HD", "thong_bao", "TB", "cong_van", "CV").Replace(k.Code))
			var body strings.Builder
			for p := 0; p < 8+r.IntN(8); p++ {
				for j := 0; j < 3; j++ {
					body.WriteString(benchSentence(r, 8+r.IntN(10)))
					body.WriteString(" ")
				}
				body.WriteString("\n\n")
			}
			in := storage.DocumentInput{
				Kind: k.Code, Number: fmt.Sprintf("%d-%s/%s", i+1, abbrev, []string{"TW", "TU", "HU", "ĐU"}[r.IntN(4)]),
				Issuer: benchIssuers[r.IntN(len(benchIssuers))], IssuedOn: date(2010, 1, 1).AddDate(0, 0, r.IntN(5000)),
				Title: k.Name + " về " + strings.TrimSuffix(benchSentence(r, 6+r.IntN(8)), "."), Summary: benchSentence(r, 25),
				Body: body.String(), Actor: "bench",
			}
			if i%5 == 0 {
				in.Audience = []string{[]string{"CB1", "CB2", "DBCS"}[r.IntN(3)]}
			}
			if _, err := tx.CreateDocument(ctx, in); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.s.DB().ExecContext(ctx, `ANALYZE documents; ANALYZE document_audiences`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d documents created in %s", n, time.Since(start).Round(time.Millisecond))
	return e.s, e.cb1
}
