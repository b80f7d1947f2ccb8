// The /thongke answers: what each topic computes for the organisation and
// period in the draft (study, meetings, supervision, the summary) and how
// the result is paged.

package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"sotay/handlers/chat"
	"sotay/handlers/report"
	"sotay/storage"
)

// statsAnswer is what a result shows and exports.
type statsAnswer struct {
	org      storage.Organisation
	title    string
	lines    []string // HTML lines, paged
	workbook report.Workbook
	file     string
	// chart draws the topic's chart: its caption and its pictures (nil:
	// no chart for this topic).
	chart func() (string, [][]byte, error)
}

func (d statsDraft) period() (from, to time.Time, err error) {
	if from, err = time.Parse("2006-01-02", d.From); err != nil {
		return
	}
	to, err = time.Parse("2006-01-02", d.To)
	return
}

// statsCompute loads the figures the draft asks for.
func (h *Handlers) statsCompute(ctx context.Context, c *statsConv, all bool) (statsAnswer, error) {
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return statsAnswer{}, err
	}
	switch c.Draft.Topic {
	case topicStudy:
		return h.statsStudy(ctx, c, o)
	case topicMeetings:
		return h.statsMeetings(ctx, c, o)
	case topicSupervision:
		return h.statsSupervision(ctx, c, o)
	case topicSummary:
		return h.statsSummary(ctx, c, o, all)
	}
	return statsAnswer{}, storage.ErrNotFound
}

// statsResult draws the answer statsCompute loads, a page at a time.
func (h *Handlers) statsResult() func(context.Context, *statsConv) (string, chat.Keyboard, error) {
	return chat.Window(func(ctx context.Context, c *statsConv) (statsAnswer, error) {
		return h.statsCompute(ctx, c, false)
	}, drawStatsResult)
}

func drawStatsResult(c *statsConv, ans statsAnswer) (string, chat.Keyboard) {
	pages := pageLines(ans.lines, statsPageChars-utf8.RuneCountInString(ans.title)-40)
	page := min(max(c.Draft.Page, 0), len(pages)-1)
	text := ans.title + "\n" + pages[page]
	var kb chat.Keyboard
	if len(pages) > 1 {
		text += fmt.Sprintf("\n<i>Trang %d/%d</i>", page+1, len(pages))
		var nav chat.Row
		if page > 0 {
			nav = append(nav, c.Button(chat.LabelPrev, "n", page-1))
		}
		if page < len(pages)-1 {
			nav = append(nav, c.Button(chat.LabelNext, "n", page+1))
		}
		kb = append(kb, nav)
	}
	row := chat.Row{c.Button("📊 Xuất Excel", "xl")}
	if ans.chart != nil {
		row = append(row, c.Button("📈 Biểu đồ", "c"))
	}
	kb = append(kb, row, chat.NewRow(c.Button("🔁 Thống kê khác", "new")), c.CancelRow())
	return text, kb
}

// pageLines joins lines into pages of at most n characters, never
// splitting a line.
func pageLines(lines []string, n int) []string {
	var pages []string
	cur := ""
	for _, l := range lines {
		if cur != "" && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(l) > n {
			pages, cur = append(pages, cur), ""
		}
		if cur != "" {
			cur += "\n"
		}
		cur += l
	}
	return append(pages, cur)
}

func (h *Handlers) statsStudy(ctx context.Context, c *statsConv, o storage.Organisation) (statsAnswer, error) {
	var f storage.StudyFilter
	ans := statsAnswer{org: o}
	if c.Draft.Doc != 0 {
		// Still one the study step offers (withdrawn since, say, it is not).
		items, err := statsDocuments(ctx, c, o.ID)
		if err != nil {
			return ans, err
		}
		if !chat.Offered(items, c.Draft.Doc) {
			return ans, chat.ErrNotOffered
		}
		d, err := c.Store.DocumentByID(ctx, c.Draft.Doc)
		if err != nil {
			return ans, err
		}
		f.DocumentID = d.ID
		ans.title = fmt.Sprintf("📚 <b>Học tập %s số %s</b> — %s", esc(storage.DocumentKindName(d.Kind)), esc(d.Number), esc(o.Name))
		ans.file = "hoc-tap-" + fileCode(d.Number) + "-" + fileCode(o.Code)
	} else {
		from, to, err := c.Draft.period()
		if err != nil {
			return ans, storage.ErrNotFound
		}
		f = report.PeriodFilter(from, to, h.deps.Location)
		ans.title = fmt.Sprintf("📚 <b>Học tập, các đợt gửi %s</b> — %s", esc(lowerFirst(report.Period(from, to, c.Now()))), esc(o.Name))
		ans.file = "hoc-tap-" + from.Format("20060102") + "-" + to.Format("20060102") + "-" + fileCode(o.Code)
	}
	rows, err := c.Store.StudyFigures(ctx, f, o.ID)
	if err != nil {
		return ans, err
	}
	lag, err := c.Store.Laggards(ctx, f, o.ID)
	if err != nil {
		return ans, err
	}
	t := rows[0].Total
	if t.Assigned == 0 {
		ans.lines = []string{"Chưa có đảng viên nào ở đây được giao học tập trong phạm vi này."}
		return ans, nil
	}
	ans.workbook = report.Workbook{Study: rows, Laggards: lag}
	ans.lines = append(ans.lines,
		fmt.Sprintf("Tỷ lệ học tập: <b>%s</b> (%d/%d đảng viên), trực tuyến %s.", report.Percent(t.Rate()), t.Studied+t.StudiedOffline, t.Assigned, report.Percent(t.OnlineRate())),
		fmt.Sprintf("Đã học trực tuyến %d · tại chi bộ %d · đã đọc %d · đã nghe tóm tắt %d · đã nhận %d · chưa gửi %d · không liên lạc được %d.",
			t.Studied, t.StudiedOffline, t.Read, t.Listened, t.Delivered, t.Pending, t.Unreachable+t.Failed))
	if o.Kind == storage.KindChiBo {
		// The secretary acts on members: name them.
		if len(lag) > 0 {
			ans.lines = append(ans.lines, fmt.Sprintf("<b>Chưa học (%d):</b>", len(lag)))
			for _, l := range lag {
				ans.lines = append(ans.lines, fmt.Sprintf("• %s (%s) — %s", esc(l.FullName), esc(l.Code), esc(strings.ToLower(storage.AssignmentStateName(l.State)))))
			}
		}
	} else {
		// An officer acts on organisations: the lowest first, with who is left.
		left := map[string]int{}
		for _, l := range lag {
			left[l.OrgCode]++
		}
		sorted := append([]storage.OrgStudy(nil), rows[1:]...)
		sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Total.Rate() < sorted[j].Total.Rate() })
		ans.lines = append(ans.lines, "<b>Theo tổ chức, thấp nhất trước:</b>")
		for _, r := range sorted {
			line := fmt.Sprintf("• %s: %s (%d/%d), trực tuyến %s", esc(r.Name), report.Percent(r.Total.Rate()),
				r.Total.Studied+r.Total.StudiedOffline, r.Total.Assigned, report.Percent(r.Total.OnlineRate()))
			if r.Total.Listened > 0 {
				line += fmt.Sprintf(", nghe tóm tắt %d", r.Total.Listened)
			}
			if r.Dissolved {
				line += " (đã giải thể)"
			}
			if n := left[r.Code]; n > 0 && r.Kind == string(storage.KindChiBo) {
				line += fmt.Sprintf(" — còn %d đồng chí chưa học", n)
			}
			ans.lines = append(ans.lines, line)
		}
	}
	title := strings.TrimPrefix(stripTags(ans.title), "📚 ")
	ans.chart = func() (string, [][]byte, error) {
		pics, err := report.RatesCharts(title, rateBars(rows), StudyTarget)
		return title, pics, err
	}
	return ans, nil
}

func (h *Handlers) statsMeetings(ctx context.Context, c *statsConv, o storage.Organisation) (statsAnswer, error) {
	month, err := time.Parse("2006-01", c.Draft.Month)
	if err != nil {
		return statsAnswer{}, storage.ErrNotFound
	}
	rows, err := c.Store.MeetingStats(ctx, month, o.ID)
	if err != nil {
		return statsAnswer{}, err
	}
	ans := statsAnswer{org: o, file: "sinh-hoat-" + month.Format("2006-01") + "-" + fileCode(o.Code),
		title:    fmt.Sprintf("🏠 <b>Sinh hoạt chi bộ tháng %d/%d</b> — %s", month.Month(), month.Year(), esc(rows[0].Name)),
		workbook: report.Workbook{Meetings: []report.MonthMeetings{{Month: month, Rows: rows}}}}
	t := rows[0].Total
	ans.lines = append(ans.lines, fmt.Sprintf("Đã sinh hoạt thường kỳ: <b>%d/%d</b> chi bộ; chuyên đề: %s buổi.", t.CellsHeldRegular, t.Cells, report.Count(t.Thematic)))
	if p, ok := t.Attendance(); ok {
		ans.lines = append(ans.lines, fmt.Sprintf("Tỷ lệ đảng viên dự họp: <b>%s</b> (%d/%d lượt).", report.Percent(p), t.Present, t.Expected))
	} else {
		ans.lines = append(ans.lines, "Chưa có báo cáo sinh hoạt nào trong tháng.")
	}
	var missed []string
	for _, r := range rows {
		if r.IsCell() && r.Total.CellsHeldRegular == 0 {
			missed = append(missed, "• "+esc(r.Name))
		}
	}
	if len(missed) > 0 {
		ans.lines = append(ans.lines, fmt.Sprintf("<b>Chưa báo cáo sinh hoạt thường kỳ (%d):</b>", len(missed)))
		ans.lines = append(ans.lines, missed...)
	}
	if len(rows) > 1 && o.Kind == storage.KindDangBo {
		ans.lines = append(ans.lines, "<b>Theo tổ chức:</b>")
		for _, r := range rows[1:] {
			if r.Depth != 1 {
				continue
			}
			att := "chưa có báo cáo"
			if p, ok := r.Total.Attendance(); ok {
				att = "dự họp " + report.Percent(p)
			}
			ans.lines = append(ans.lines, fmt.Sprintf("• %s: %d/%d chi bộ, %s", esc(r.Name), r.Total.CellsHeldRegular, r.Total.Cells, att))
		}
	}
	ans.chart = func() (string, [][]byte, error) {
		var months []time.Time
		var held, cells []int
		for i := 5; i >= 0; i-- {
			m := month.AddDate(0, -i, 0)
			rs, err := c.Store.MeetingStats(ctx, m, o.ID)
			if err != nil {
				return "", nil, err
			}
			months, held, cells = append(months, m), append(held, rs[0].Total.CellsHeldRegular), append(cells, rs[0].Total.Cells)
		}
		title := fmt.Sprintf("Sinh hoạt thường kỳ %d/%d – %d/%d — %s", months[0].Month(), months[0].Year(), month.Month(), month.Year(), rows[0].Name)
		png, err := report.MonthsChart(title, months, held, cells)
		return title, [][]byte{png}, err
	}
	return ans, nil
}

func (h *Handlers) statsSupervision(ctx context.Context, c *statsConv, o storage.Organisation) (statsAnswer, error) {
	from, to, err := c.Draft.period()
	if err != nil {
		return statsAnswer{}, storage.ErrNotFound
	}
	rows, err := c.Store.SupervisionStats(ctx, from, to, o.ID)
	if err != nil {
		return statsAnswer{}, err
	}
	ans := statsAnswer{org: o, file: "kiem-tra-giam-sat-" + from.Format("20060102") + "-" + to.Format("20060102") + "-" + fileCode(o.Code),
		title:    fmt.Sprintf("🔍 <b>Kiểm tra, giám sát %s</b> — %s", esc(lowerFirst(report.Period(from, to, c.Now()))), esc(rows[0].Name)),
		workbook: report.Workbook{Supervision: rows}}
	figures := func(s storage.SupervisionCounts) string {
		if s.Reports() == 0 {
			return "chưa có cuộc nào"
		}
		return fmt.Sprintf("%s kiểm tra, %s giám sát; %s tổ chức đảng, %s đảng viên; %s vi phạm", report.Count(s.Inspections), report.Count(s.Supervisions),
			report.Count(s.OrgsExamined), report.Count(s.MembersExamined), report.Count(s.Violations))
	}
	total := rows[0].Total.Sum()
	ans.lines = append(ans.lines, "Tổng: <b>"+figures(total)+"</b>.")
	committee := report.Committee(rows[0].Name, o.Kind, o.ParentID == nil)
	ans.lines = append(ans.lines, "• "+esc(committee)+": "+figures(rows[0].Own.Committee)+".")
	if o.Kind == storage.KindDangBo || rows[0].Own.Commission.Reports() > 0 {
		ans.lines = append(ans.lines, "• Ủy ban Kiểm tra "+esc(committee)+": "+figures(rows[0].Own.Commission)+".")
	}
	var none int
	var below []string
	for _, r := range rows[1:] {
		if r.Depth != 1 {
			continue
		}
		if r.Total.Sum().Reports() == 0 {
			none++
			continue
		}
		below = append(below, "• "+esc(r.Name)+": "+figures(r.Total.Sum())+".")
	}
	if len(below) > 0 {
		ans.lines = append(ans.lines, "<b>Các tổ chức trực thuộc:</b>")
		ans.lines = append(ans.lines, below...)
	}
	if none > 0 {
		ans.lines = append(ans.lines, fmt.Sprintf("%d tổ chức trực thuộc chưa báo cáo cuộc kiểm tra, giám sát nào.", none))
	}
	return ans, nil
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToLower(string(r)) + s[n:]
}

func (h *Handlers) statsSummary(ctx context.Context, c *statsConv, o storage.Organisation, all bool) (statsAnswer, error) {
	from, to, err := c.Draft.period()
	if err != nil {
		return statsAnswer{}, storage.ErrNotFound
	}
	w, err := report.Gather(ctx, c.Store, o, from, to, c.Now(), all)
	if err != nil {
		return statsAnswer{}, err
	}
	ans := statsAnswer{org: o, workbook: w, file: "tong-hop-" + from.Format("20060102") + "-" + to.Format("20060102") + "-" + fileCode(o.Code),
		title: fmt.Sprintf("📋 <b>Tổng hợp</b> — %s", esc(o.Name))}
	for _, p := range w.Summary {
		ans.lines = append(ans.lines, esc(p))
	}
	ans.chart = func() (string, [][]byte, error) {
		rows, err := c.Store.StudyFigures(ctx, report.PeriodFilter(from, to, h.deps.Location), o.ID)
		if err != nil {
			return "", nil, err
		}
		title := "Tỷ lệ học tập — " + o.Name
		pics, err := report.RatesCharts(title, rateBars(rows), StudyTarget)
		return title, pics, err
	}
	return ans, nil
}
