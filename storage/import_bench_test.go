package storage_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"sotay/handlers/roster"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// BenchmarkImportMembers100k parses and imports a province-sized roster of
// 100,000 members into 1,000 cells, first into an empty database and then
// again with every row changed (the upsert path).
func BenchmarkImportMembers100k(b *testing.B) {
	ctx := context.Background()
	const members, cells = 100_000, 1_000
	orgs := []storage.OrgInput{{Line: 2, Code: "ROOT", Name: "Đảng bộ tỉnh", Kind: storage.KindDangBo}}
	for i := 0; i < cells; i++ {
		orgs = append(orgs, storage.OrgInput{Line: i + 3, Code: fmt.Sprintf("CB%04d", i), Name: fmt.Sprintf("Chi bộ số %d", i), Kind: storage.KindChiBo, ParentCode: "ROOT"})
	}
	csv := func(suffix string) []byte {
		var buf bytes.Buffer
		buf.WriteString("Mã đảng viên,Họ và tên,Mã chi bộ,Giới tính,Năm sinh,Dân tộc,Trạng thái,Số điện thoại\n")
		for i := 0; i < members; i++ {
			fmt.Fprintf(&buf, "DV%06d,Nguyễn Văn Thành%s,CB%04d,Nam,%d,Kinh,Chính thức,09%08d\n", i, suffix, i%cells, 1950+i%50, i)
		}
		return buf.Bytes()
	}
	first, second := csv(""), csv(" Mới")
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		s := storagetest.New(b)
		if _, err := s.ImportOrgs(ctx, orgs, nil, storage.ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i, file := range [][]byte{first, second} {
			start := time.Now()
			rows, rejected, err := roster.ParseMembers(bytes.NewReader(file), "members.csv")
			if err != nil || len(rejected) > 0 {
				b.Fatalf("parse: %v %v", err, rejected[:min(len(rejected), 3)])
			}
			rep, err := s.ImportMembers(ctx, rows, nil, storage.ImportOptions{})
			if err != nil || !rep.Written || (i == 0 && rep.Created != members) || (i == 1 && rep.Updated != members) {
				b.Fatalf("import %d: %+v %v", i, rep.Created, err)
			}
			b.ReportMetric(time.Since(start).Seconds(), []string{"create-s", "update-s"}[i])
		}
	}
}
