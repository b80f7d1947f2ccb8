package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/vn"
)

// /thongke: the officers' and secretaries' figures in a few taps. A dialog
// ("tk") picks the topic, the organisation (drilling down the tree with
// buttons, within the asker's scope: a secretary their organisation, an
// officer their subtree), then the document, month or period; the answer
// is a short text (paged under 1,000 characters) with "📈 Biểu đồ" (a PNG)
// and "📊 Xuất Excel" (an XLSX). Every organisation a button names is
// checked against the scope again, and every answer is computed for the
// organisation in the draft after checking it once more.

// Topics.
const (
	topicStudy       = "h"
	topicMeetings    = "s"
	topicSupervision = "k"
	topicSummary     = "t"
)

// StudyTarget is the participation rate the charts draw a line at.
const StudyTarget = 95.0

// statsPageChars keeps one page of an answer short on a phone.
const statsPageChars = 1000

const (
	msgStatsNoScope = "Đồng chí chưa được phân quyền bí thư hoặc cán bộ Đảng ủy nên chưa xem được thống kê."
	msgStatsPeriod  = "Đồng chí chọn khoảng thời gian, hoặc gõ ngày: «01/07/2026 - 30/11/2026» (hoặc chỉ «01/07/2026»: đến hôm nay)."
)

// statsDraft is the /thongke dialog's state.
type statsDraft struct {
	Topic string `json:"t,omitempty"`
	Org   int64  `json:"o,omitempty"` // the organisation looked at, or the cursor while picking
	Doc   int64  `json:"d,omitempty"` // study: one document, or 0 for a period
	Month string `json:"m,omitempty"` // meetings: YYYY-MM
	From  string `json:"f,omitempty"` // YYYY-MM-DD
	To    string `json:"to,omitempty"`
	Page  int    `json:"p,omitempty"`
}

type statsConv = Conv[statsDraft]

type statsAction = func(context.Context, *statsConv, Args) error

func (h *Handlers) statsDialog() *Dialog[statsDraft] {
	return &Dialog[statsDraft]{
		Name:      "tk",
		Title:     "thống kê",
		Cancelled: "Đã đóng thống kê. Đồng chí gõ /thongke để xem lại.",
		Stale:     "Bảng thống kê này đã đóng. Đồng chí gõ /thongke để xem lại.",
		Steps: []*Step[statsDraft]{
			{ID: "topic", View: h.statsTopics, Actions: map[string]statsAction{"t": h.statsPickTopic}},
			{ID: "scope", View: h.statsScope, Actions: map[string]statsAction{"o": h.statsMove, "ok": h.statsScopeChosen}},
			{ID: "doc", View: h.statsDocs, Actions: map[string]statsAction{"d": h.statsPickDoc, "per": func(_ context.Context, c *statsConv, _ Args) error {
				c.Draft.Doc = 0
				c.Goto("period")
				return nil
			}}},
			{ID: "month", View: h.statsMonths, Actions: map[string]statsAction{"m": h.statsPickMonth}},
			{ID: "period", View: h.statsPeriods, Text: h.statsTypedPeriod, Actions: map[string]statsAction{"p": h.statsPickPeriod}},
			{ID: "result", View: h.statsResult, Actions: map[string]statsAction{
				"n": func(_ context.Context, c *statsConv, a Args) error {
					c.Draft.Page = a.Offset(0)
					return nil
				},
				"xl": h.statsExcel,
				"c":  h.statsChart,
				"new": func(_ context.Context, c *statsConv, _ Args) error {
					c.Draft = statsDraft{}
					c.Goto("topic")
					c.Reset() // ◀ does not lead back to the old answer
					return nil
				},
			}},
		},
	}
}

// statsScopeOf is who may see what: every role of secretary level or
// above (a secretary's organisation, an officer's or admin's subtree).
func statsScopeOf(r *Request) *Scope { return r.Scope(Secretary) }

// statsCommand is /thongke.
func (h *Handlers) statsCommand(ctx context.Context, r *Request) error {
	if statsScopeOf(r).Empty() {
		r.Show(msgStatsNoScope, nil)
		return nil
	}
	return h.stats.Start(ctx, r, "topic", statsDraft{})
}

func (h *Handlers) statsTopics(_ context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	kb := [][]tgbotapi.InlineKeyboardButton{
		{c.Button("📚 Học tập", "t", topicStudy), c.Button("🏠 Sinh hoạt", "t", topicMeetings)},
		{c.Button("🔍 Kiểm tra, giám sát", "t", topicSupervision), c.Button("📋 Tổng hợp", "t", topicSummary)},
		c.CancelRow(),
	}
	return "<b>Thống kê</b>\nĐồng chí muốn xem số liệu nào?", kb, nil
}

func (h *Handlers) statsPickTopic(ctx context.Context, c *statsConv, a Args) error {
	switch t := a.Arg(0); t {
	case topicStudy, topicMeetings, topicSupervision, topicSummary:
		c.Draft = statsDraft{Topic: t}
	default:
		return storage.ErrNotFound
	}
	roots := statsScopeOf(c.Request).Roots()
	if len(roots) == 1 {
		c.Draft.Org = roots[0]
		o, err := c.Store.OrganisationByID(ctx, roots[0])
		if err != nil {
			return err
		}
		if o.Kind == storage.KindChiBo {
			// A cell's secretary has nothing to drill into.
			c.Goto(statsNextStep(c.Draft.Topic))
			return nil
		}
	}
	c.Goto("scope")
	return nil
}

func statsNextStep(topic string) string {
	switch topic {
	case topicStudy:
		return "doc"
	case topicMeetings:
		return "month"
	}
	return "period"
}

// statsOrg loads the organisation of the draft after checking the scope.
func statsOrg(ctx context.Context, c *statsConv, id int64) (storage.Organisation, error) {
	if err := statsScopeOf(c.Request).Check(ctx, id); err != nil {
		return storage.Organisation{}, err
	}
	return c.Store.OrganisationByID(ctx, id)
}

func (h *Handlers) statsScope(ctx context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	scope := statsScopeOf(c.Request)
	var kb [][]tgbotapi.InlineKeyboardButton
	if c.Draft.Org == 0 {
		// Several roles: start from the organisations they are on.
		var items []Item
		for _, id := range scope.Roots() {
			o, err := c.Store.OrganisationByID(ctx, id)
			if err != nil {
				return "", nil, err
			}
			items = append(items, Item{ID: o.ID, Label: o.Name})
		}
		kb = append(Select(c, "roots", items, "o"), c.CancelRow())
		return "Đồng chí chọn tổ chức cần xem:", kb, nil
	}
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return "", nil, err
	}
	kb = append(kb, tgbotapi.NewInlineKeyboardRow(c.Button("✅ Xem "+cut(o.Name, 40), "ok")))
	sub, err := c.Store.Subtree(ctx, o.ID)
	if err != nil {
		return "", nil, err
	}
	var items []Item
	for _, x := range sub {
		if x.ParentID != nil && *x.ParentID == o.ID {
			label := x.Name
			if x.Kind == storage.KindDangBo {
				label += " ▸"
			}
			items = append(items, Item{ID: x.ID, Label: label})
		}
	}
	kb = append(kb, Select(c, fmt.Sprintf("orgs%d", o.ID), items, "o")...)
	if o.ParentID != nil {
		if ok, err := scope.Covers(ctx, *o.ParentID); err != nil {
			return "", nil, err
		} else if ok {
			p, err := c.Store.OrganisationByID(ctx, *o.ParentID)
			if err != nil {
				return "", nil, err
			}
			kb = append(kb, tgbotapi.NewInlineKeyboardRow(c.Button("⬆ "+cut(p.Name, 40), "o", p.ID)))
		}
	}
	kb = append(kb, c.CancelRow())
	text := fmt.Sprintf("Phạm vi thống kê: <b>%s</b>\nBấm «Xem» để xem tổ chức này (gồm mọi cấp dưới), hoặc chọn một tổ chức cấp dưới.", esc(o.Name))
	return text, kb, nil
}

// statsMove moves the cursor to the organisation a button names, if the
// asker may see it (a forged button may name any).
func (h *Handlers) statsMove(ctx context.Context, c *statsConv, a Args) error {
	id, err := a.ID(0)
	if err != nil {
		return err
	}
	o, err := statsOrg(ctx, c, id)
	if err != nil {
		return err
	}
	c.Draft.Org = o.ID
	return nil
}

func (h *Handlers) statsScopeChosen(ctx context.Context, c *statsConv, _ Args) error {
	if _, err := statsOrg(ctx, c, c.Draft.Org); err != nil {
		return err
	}
	c.Goto(statsNextStep(c.Draft.Topic))
	return nil
}

func (h *Handlers) statsDocs(ctx context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return "", nil, err
	}
	ds, err := c.Store.StudiedDocuments(ctx, o.ID, 40)
	if err != nil {
		return "", nil, err
	}
	var items []Item
	for _, d := range ds {
		items = append(items, Item{ID: d.ID, Label: d.Number + " — " + d.Title})
	}
	kb := Select(c, "docs", items, "d")
	kb = append(kb, tgbotapi.NewInlineKeyboardRow(c.Button("🗓 Theo thời gian (mọi đợt gửi)", "per")), c.CancelRow())
	text := fmt.Sprintf("Học tập — <b>%s</b>\nĐồng chí chọn văn bản, hoặc xem mọi đợt gửi trong một khoảng thời gian.", esc(o.Name))
	if len(items) == 0 {
		text = fmt.Sprintf("Học tập — <b>%s</b>\nChưa có văn bản nào được gửi cho đảng viên ở đây. Đồng chí có thể xem theo thời gian.", esc(o.Name))
	}
	return text, kb, nil
}

func (h *Handlers) statsPickDoc(ctx context.Context, c *statsConv, a Args) error {
	id, err := a.ID(0)
	if err != nil {
		return err
	}
	if _, err := c.Store.DocumentByID(ctx, id); err != nil {
		return err
	}
	// The figures are computed inside the scope: a forged document id
	// shows nothing outside it.
	c.Draft.Doc, c.Draft.Page = id, 0
	c.Goto("result")
	return nil
}

func (h *Handlers) statsMonths(_ context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	now := c.Now()
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	label := func(m time.Time) string { return fmt.Sprintf("%d/%d", m.Month(), m.Year()) }
	kb := [][]tgbotapi.InlineKeyboardButton{
		{c.Button("Tháng này ("+label(this)+")", "m", this.Format("200601")), c.Button("Tháng trước ("+label(this.AddDate(0, -1, 0))+")", "m", this.AddDate(0, -1, 0).Format("200601"))},
	}
	var row []tgbotapi.InlineKeyboardButton
	for i := 2; i < 8; i++ {
		m := this.AddDate(0, -i, 0)
		row = append(row, c.Button(label(m), "m", m.Format("200601")))
		if len(row) == 3 {
			kb, row = append(kb, row), nil
		}
	}
	kb = append(kb, c.CancelRow())
	return "Sinh hoạt chi bộ — đồng chí chọn tháng:", kb, nil
}

func (h *Handlers) statsPickMonth(_ context.Context, c *statsConv, a Args) error {
	m, err := time.Parse("200601", a.Arg(0))
	if err != nil || m.After(c.Now()) || m.Year() < 2000 {
		return storage.ErrNotFound
	}
	c.Draft.Month, c.Draft.Page = m.Format("2006-01"), 0
	c.Goto("result")
	return nil
}

// Period shortcuts.
var statsPeriodNames = []struct{ code, label string }{
	{"m0", "Tháng này"}, {"m1", "Tháng trước"}, {"q", "Quý này"}, {"y", "Năm nay"}, {"t", "Từ 01/7"},
}

// statsPeriod is the days a shortcut means on today.
func statsPeriod(code string, today time.Time) (from, to time.Time, ok bool) {
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch code {
	case "m0":
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC), d, true
	case "m1":
		first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	case "q":
		q := (int(d.Month()) - 1) / 3 * 3
		return time.Date(d.Year(), time.Month(q+1), 1, 0, 0, 0, 0, time.UTC), d, true
	case "y":
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC), d, true
	case "t":
		// The report year of a term runs from 1 July.
		y := d.Year()
		if d.Month() < time.July {
			y--
		}
		return time.Date(y, 7, 1, 0, 0, 0, 0, time.UTC), d, true
	}
	return from, to, false
}

func (h *Handlers) statsPeriods(_ context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	today := c.Now()
	var kb [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, p := range statsPeriodNames {
		label := p.label
		if p.code == "t" {
			from, _, _ := statsPeriod("t", today)
			label = "Từ " + vn.FormatDate(from)
		}
		row = append(row, c.Button(label, "p", p.code))
		if len(row) == 2 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, c.CancelRow())
	return msgStatsPeriod, kb, nil
}

func (h *Handlers) statsPickPeriod(_ context.Context, c *statsConv, a Args) error {
	from, to, ok := statsPeriod(a.Arg(0), c.Now())
	if !ok {
		return storage.ErrNotFound
	}
	c.Draft.From, c.Draft.To, c.Draft.Page = from.Format("2006-01-02"), to.Format("2006-01-02"), 0
	c.Goto("result")
	return nil
}

// statsTypedPeriod reads a typed period (parsePeriod).
func (h *Handlers) statsTypedPeriod(_ context.Context, c *statsConv, text string) error {
	from, to, err := parsePeriod(text, c.Now())
	if err != nil {
		return err
	}
	c.Draft.From, c.Draft.To, c.Draft.Page = from.Format("2006-01-02"), to.Format("2006-01-02"), 0
	c.Goto("result")
	return nil
}

// parsePeriod reads "01/07/2026 - 30/11/2026", "01/07/2026 đến 30/11/2026"
// or one day (to today), in any form vn.ParseDate takes; an expected error
// says what is wrong.
func parsePeriod(text string, now time.Time) (from, to time.Time, err error) {
	text = strings.TrimSpace(text)
	var parts []string
	switch {
	case strings.Contains(text, " đến "):
		parts = strings.SplitN(text, " đến ", 2)
	case strings.Contains(text, " - "), strings.Contains(text, "–"), strings.Contains(text, "—"):
		parts = strings.FieldsFunc(text, func(r rune) bool { return r == '–' || r == '—' })
		if len(parts) == 1 {
			parts = strings.SplitN(text, " - ", 2)
		}
	default:
		parts = []string{text}
	}
	if len(parts) == 0 || len(parts) > 2 {
		return from, to, storage.Errorf(storage.CodeInvalid, "Chưa đọc được khoảng thời gian. %s", msgStatsPeriod)
	}
	day := func(s string) (time.Time, error) {
		s = strings.TrimSpace(s)
		t, err := vn.ParseDate(s, now)
		if err != nil {
			return t, storage.Errorf(storage.CodeInvalid, "«%s» không phải ngày. %s", cut(s, 30), msgStatsPeriod)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	if from, err = day(parts[0]); err != nil {
		return
	}
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if len(parts) == 2 {
		if to, err = day(parts[1]); err != nil {
			return
		}
	}
	if to.Before(from) {
		return from, to, storage.Errorf(storage.CodeInvalid, "Ngày kết thúc %s trước ngày bắt đầu %s.", vn.FormatDate(to), vn.FormatDate(from))
	}
	return from, to, nil
}

// statsAnswer is what a result shows and exports.
type statsAnswer struct {
	org      storage.Organisation
	title    string
	lines    []string // HTML lines, paged
	workbook report.Workbook
	file     string
	chart    func() ([]byte, error) // nil: no chart for this topic
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

func (h *Handlers) statsResult(ctx context.Context, c *statsConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	ans, err := h.statsCompute(ctx, c, false)
	if err != nil {
		return "", nil, err
	}
	pages := pageLines(ans.lines, statsPageChars-utf8.RuneCountInString(ans.title)-40)
	page := min(max(c.Draft.Page, 0), len(pages)-1)
	text := ans.title + "\n" + pages[page]
	var kb [][]tgbotapi.InlineKeyboardButton
	if len(pages) > 1 {
		text += fmt.Sprintf("\n<i>Trang %d/%d</i>", page+1, len(pages))
		var nav []tgbotapi.InlineKeyboardButton
		if page > 0 {
			nav = append(nav, c.Button(labelPrev, "n", page-1))
		}
		if page < len(pages)-1 {
			nav = append(nav, c.Button(labelNext, "n", page+1))
		}
		kb = append(kb, nav)
	}
	row := []tgbotapi.InlineKeyboardButton{c.Button("📊 Xuất Excel", "xl")}
	if ans.chart != nil {
		row = append(row, c.Button("📈 Biểu đồ", "c"))
	}
	kb = append(kb, row, tgbotapi.NewInlineKeyboardRow(c.Button("🔁 Thống kê khác", "new")), c.CancelRow())
	return text, kb, nil
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

func (h *Handlers) statsExcel(ctx context.Context, c *statsConv, _ Args) error {
	ans, err := h.statsCompute(ctx, c, true)
	if err != nil {
		return err
	}
	data, err := ans.workbook.XLSX()
	if err != nil {
		c.Toast = "Chưa có số liệu để xuất Excel."
		c.Keep()
		return nil
	}
	doc := tgbotapi.NewDocument(c.ChatID, tgbotapi.FileBytes{Name: ans.file + ".xlsx", Bytes: data})
	doc.Caption = "📊 " + stripTags(ans.title)
	c.Queue(doc)
	c.Toast = "Đang gửi tệp Excel…"
	c.Keep()
	return nil
}

func (h *Handlers) statsChart(ctx context.Context, c *statsConv, _ Args) error {
	ans, err := h.statsCompute(ctx, c, false)
	if err != nil {
		return err
	}
	if ans.chart == nil {
		c.Keep()
		return nil
	}
	png, err := ans.chart()
	if err != nil {
		c.Toast = "Chưa có số liệu để vẽ biểu đồ."
		c.Keep()
		return nil
	}
	photo := tgbotapi.NewPhoto(c.ChatID, tgbotapi.FileBytes{Name: ans.file + ".png", Bytes: png})
	photo.Caption = "📈 " + stripTags(ans.title)
	c.Queue(photo)
	c.Toast = "Đang gửi biểu đồ…"
	c.Keep()
	return nil
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

func (h *Handlers) statsStudy(ctx context.Context, c *statsConv, o storage.Organisation) (statsAnswer, error) {
	var f storage.StudyFilter
	ans := statsAnswer{org: o}
	if c.Draft.Doc != 0 {
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
		fmt.Sprintf("Đã học trực tuyến %d · tại chi bộ %d · đã đọc %d · đã nhận %d · chưa gửi %d · không liên lạc được %d.",
			t.Studied, t.StudiedOffline, t.Read, t.Delivered, t.Pending, t.Unreachable+t.Failed))
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
			if r.Dissolved {
				line += " (đã giải thể)"
			}
			if n := left[r.Code]; n > 0 && r.Kind == string(storage.KindChiBo) {
				line += fmt.Sprintf(" — còn %d đồng chí chưa học", n)
			}
			ans.lines = append(ans.lines, line)
		}
	}
	title := stripTags(ans.title)
	ans.chart = func() ([]byte, error) { return report.RatesChart(title, rateBars(rows), StudyTarget) }
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
	title := stripTags(ans.title)
	ans.chart = func() ([]byte, error) {
		var months []time.Time
		var held, cells []int
		for i := 5; i >= 0; i-- {
			m := month.AddDate(0, -i, 0)
			rs, err := c.Store.MeetingStats(ctx, m, o.ID)
			if err != nil {
				return nil, err
			}
			months, held, cells = append(months, m), append(held, rs[0].Total.CellsHeldRegular), append(cells, rs[0].Total.Cells)
		}
		return report.MonthsChart("Sinh hoạt thường kỳ — "+strings.TrimPrefix(title, "🏠 "), months, held, cells)
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
	ans.chart = func() ([]byte, error) {
		rows, err := c.Store.StudyFigures(ctx, report.PeriodFilter(from, to, h.deps.Location), o.ID)
		if err != nil {
			return nil, err
		}
		return report.RatesChart("Tỷ lệ học tập — "+o.Name, rateBars(rows), StudyTarget)
	}
	return ans, nil
}
