// The /thongke answer as files: "📊 Xuất Excel" (an XLSX) and "📈 Biểu đồ"
// (a PNG of the participation rates). Both are made anew each time and
// kept in the file store before they are sent (queueFile), so that a web
// client fetches exactly what the chat showed; the same chart drawn again
// is the same bytes, kept once and sent by its file_id.

package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/report"
	"sotay/storage"
)

func (h *Handlers) statsExcel(ctx context.Context, c *statsConv, _ chat.Args) error {
	ans, err := h.statsCompute(ctx, c, true)
	if err != nil {
		return err
	}
	data, err := ans.workbook.XLSX()
	if err != nil {
		statsToast(c, "Chưa có số liệu để xuất Excel.")
		return nil
	}
	doc := tgbotapi.NewDocument(c.ChatID, tgbotapi.FileBytes{Name: ans.file + ".xlsx", Bytes: data})
	doc.Caption = "📊 " + stripTags(ans.title)
	if err := h.queueFile(ctx, c.Request, doc, 0); err != nil {
		return err
	}
	statsToast(c, "Đang gửi tệp Excel…")
	return nil
}

func (h *Handlers) statsChart(ctx context.Context, c *statsConv, _ chat.Args) error {
	ans, err := h.statsCompute(ctx, c, false)
	if err != nil {
		return err
	}
	if ans.chart == nil {
		c.Keep()
		return nil
	}
	caption, pics, err := ans.chart()
	if err != nil || len(pics) == 0 {
		statsToast(c, "Chưa có số liệu để vẽ biểu đồ.")
		return nil
	}
	// A chart that needs several pictures to show every organisation it
	// speaks of is sent as several photos, numbered.
	for i, png := range pics {
		name, cap := ans.file+".png", "📈 "+caption
		if len(pics) > 1 {
			name = fmt.Sprintf("%s-%d.png", ans.file, i+1)
			cap += fmt.Sprintf(" (ảnh %d/%d)", i+1, len(pics))
		}
		photo := tgbotapi.NewPhoto(c.ChatID, tgbotapi.FileBytes{Name: name, Bytes: png})
		photo.Caption = cap
		if err := h.queueFile(ctx, c.Request, photo, 0); err != nil {
			return err
		}
	}
	statsToast(c, "Đang gửi biểu đồ…")
	return nil
}

// statsToast answers a press for a file with a toast, leaving the answer
// on screen as it is.
func statsToast(c *statsConv, toast string) {
	c.Toast = toast
	c.Keep()
}

func stripTags(s string) string {
	r := strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", "\"", "&#39;", "'")
	return r.Replace(s)
}

// fileCode is an organisation code safe in a file name.
func fileCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' || r == ':' {
			return '-'
		}
		return r
	}, s)
}

// rateBars are the cells under the first row (or the row itself for a
// cell), lowest first.
func rateBars(rows []storage.OrgStudy) []report.Bar {
	var bars []report.Bar
	for _, r := range rows[1:] {
		if r.Kind == string(storage.KindChiBo) && r.Total.Assigned > 0 {
			bars = append(bars, report.Bar{Label: r.Name, Value: r.Total.Rate()})
		}
	}
	if len(bars) == 0 && rows[0].Total.Assigned > 0 {
		bars = append(bars, report.Bar{Label: rows[0].Name, Value: rows[0].Total.Rate()})
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Value < bars[j].Value })
	return bars
}
