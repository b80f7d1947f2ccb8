// The windows of the /kiemtra dialog: the head every step starts with, one
// view per step and the summary, each drawn from the draft and its
// organisation (draftOrg).

package handlers

import (
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// supervisionHead is the first lines of every step: the report and what
// is filled (o: the draft's organisation, draftOrg).
func supervisionHead(c *supervisionConv, o storage.Organisation) string {
	d := c.Draft
	var body, kind, orgs, members string
	if d.BodyAsked && d.Body == storage.BodyCommission {
		body = "UBKT"
	}
	if d.Kind != "" {
		kind = storage.SupervisionKindName(d.Kind)
	}
	if d.HasOrgs {
		orgs = fmt.Sprintf("%d tổ chức", d.Orgs)
	}
	if d.HasMembers {
		members = fmt.Sprintf("%d đảng viên", d.Members)
	}
	return reportHead(supervisionTitle, d.ReportID != 0, o.Name, d.Date, body, kind, orgs, members)
}

var supervisionDateView = chat.Window(draftOrg[supervisionDraft], func(c *supervisionConv, o storage.Organisation) (string, chat.Keyboard) {
	rows := chat.DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
	return supervisionHead(c, o) + "Ngày thực hiện (hoặc ngày kết thúc)? Bấm nút, hoặc gõ ngày (ví dụ 20/11/2026).", append(rows, c.CancelRow())
})

var supervisionBodyView = askView(supervisionHead, "Ai thực hiện?", func(c *supervisionConv) chat.Row {
	return chat.NewRow(c.Button("Cấp ủy", "bd", storage.BodyCommittee), c.Button("Ủy ban Kiểm tra", "bd", storage.BodyCommission))
})

var supervisionKindView = askView(supervisionHead, "Kiểm tra hay giám sát?", func(c *supervisionConv) chat.Row {
	return chat.NewRow(c.Button("Kiểm tra", "k", storage.SupervisionInspection), c.Button("Giám sát", "k", storage.SupervisionMonitoring))
})

func supervisionCountView(question string) reportView[supervisionDraft] {
	return askView(supervisionHead, question, func(c *supervisionConv) chat.Row {
		return chat.NewRow(c.Button("0", "n", 0), c.Button("1", "n", 1), c.Button("2", "n", 2), c.Button("3", "n", 3))
	})
}

func supervisionTextView(question string, skip bool) reportView[supervisionDraft] {
	if !skip {
		return askView(supervisionHead, question, nil)
	}
	return askView(supervisionHead, question, func(c *supervisionConv) chat.Row {
		return chat.NewRow(c.Button("Bỏ qua", "skip"))
	})
}

var supervisionConclusionView = askView(supervisionHead, "Kết luận? Bấm «Không vi phạm», hoặc gõ số vi phạm, ví dụ «có 2 vi phạm».", func(c *supervisionConv) chat.Row {
	return chat.NewRow(c.Button("Không vi phạm", "v", 0), c.Button("Có 1 vi phạm", "v", 1))
})

// supervisionLines describes a supervision report's figures.
func supervisionLines(orgName, body, kind string, day time.Time, orgs, members, violations int, content, measures string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s", esc(orgName))
	if body == storage.BodyCommission {
		b.WriteString(" (Ủy ban Kiểm tra)")
	}
	fmt.Fprintf(&b, "\nNgày: %s · %s\nĐối tượng: %d tổ chức đảng, %d đảng viên\nNội dung: %s\nKết luận: ",
		vn.FormatDate(day), storage.SupervisionKindName(kind), orgs, members, esc(vn.Cut(content, 500)))
	if violations == 0 {
		b.WriteString("không vi phạm")
	} else {
		fmt.Fprintf(&b, "có %d vi phạm", violations)
	}
	if measures != "" {
		fmt.Fprintf(&b, "\nBiện pháp: %s", esc(vn.Cut(measures, 300)))
	}
	return b.String()
}

var supervisionSummaryView = chat.Window(draftOrg[supervisionDraft], func(c *supervisionConv, o storage.Organisation) (string, chat.Keyboard) {
	d := c.Draft
	return reportSummary(c, supervisionTitle, "🔍 <b>Sửa báo cáo kiểm tra, giám sát</b>", d.ReportID != 0, o.Name, d.Date, func(org string, day time.Time) string {
		return supervisionLines(org, d.Body, d.Kind, day, d.Orgs, d.Members, d.Violations, d.Content, d.Measures)
	})
})
