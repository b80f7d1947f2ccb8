package report_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/handlers/report"
	"sotay/storage"
)

func TestDeliveryXLSXReadsBack(t *testing.T) {
	at := time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC) // 01/12 00:05 in Hà Nội
	rows := []storage.DeliveryRow{
		{MemberCode: "DV1", FullName: "Lò Văn Minh", OrgName: "Chi bộ bản Nà Hiên", State: "studied", At: &at},
		{MemberCode: "DV3", FullName: "Giàng A Páo", OrgName: "Chi bộ bản Pà Pao", State: "unreachable", Reason: "chưa liên kết Telegram"},
	}
	loc, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	data, err := report.DeliveryXLSX(rows, loc)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.GetRows("Báo cáo gửi")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"STT", "Họ và tên", "Mã đảng viên", "Tổ chức", "Trạng thái", "Thời gian", "Lý do"},
		{"1", "Lò Văn Minh", "DV1", "Chi bộ bản Nà Hiên", storage.AssignmentStateName("studied"), "01/12/2026 00:05"},
		{"2", "Giàng A Páo", "DV3", "Chi bộ bản Pà Pao", storage.AssignmentStateName("unreachable"), "", "chưa liên kết Telegram"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows %q", got)
	}
	for i := range want {
		for j := range want[i] {
			if j >= len(got[i]) || got[i][j] != want[i][j] {
				t.Fatalf("row %d: got %q, want %q", i, got[i], want[i])
			}
		}
	}
}

func TestDeliveryFileName(t *testing.T) {
	c := storage.Campaign{ID: 7, DocNumber: "21-KL/TW"}
	if got := report.DeliveryFileName(c); got != "bao-cao-gui-21-KL-TW-7.xlsx" {
		t.Fatalf("got %q", got)
	}
}
