package handlers

import (
	"context"

	"sotay/handlers/chat"
	"sotay/storage"
)

// /thongke: the officers' and secretaries' figures in a few taps. A dialog
// ("tk") picks the topic, the organisation (drilling down the tree with
// buttons, within the asker's scope: a secretary their organisation, an
// officer their subtree), then the document, month or period; the answer
// is a short text (paged under 1,000 characters) with "📈 Biểu đồ" (a PNG)
// and "📊 Xuất Excel" (an XLSX). Every organisation or document a button
// names is taken only if the step offers it (statsOrgChoices,
// statsDocuments), and every answer is computed for the organisation and
// document in the draft after checking them once more.

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

type statsConv = chat.Conv[statsDraft]

// The /thongke dialog's steps, in the order they are asked: the topic, the
// organisation, then the document, the month or the period the topic
// needs, and the answer.
const (
	stepStatsTopic  chat.StepID[statsDraft] = "topic"
	stepStatsScope  chat.StepID[statsDraft] = "scope"
	stepStatsDoc    chat.StepID[statsDraft] = "doc"
	stepStatsMonth  chat.StepID[statsDraft] = "month"
	stepStatsPeriod chat.StepID[statsDraft] = "period"
	stepStatsResult chat.StepID[statsDraft] = "result"
)

type statsAction = func(context.Context, *statsConv, chat.Args) error

func (h *Handlers) statsDialog() *chat.Dialog[statsDraft] {
	return &chat.Dialog[statsDraft]{
		Name:      "tk",
		Title:     "thống kê",
		Cancelled: "Đã đóng thống kê. Đồng chí gõ /thongke để xem lại.",
		Stale:     "Bảng thống kê này đã đóng. Đồng chí gõ /thongke để xem lại.",
		Steps: []*chat.Step[statsDraft]{
			{ID: stepStatsTopic, View: h.statsTopics, Actions: map[string]statsAction{"t": h.statsPickTopic}},
			{ID: stepStatsScope, View: statsScopeView, Actions: map[string]statsAction{"o": h.statsMove, "ok": h.statsScopeChosen}},
			{ID: stepStatsDoc, View: statsDocsView, Actions: map[string]statsAction{"d": h.statsPickDoc, "per": func(_ context.Context, c *statsConv, _ chat.Args) error {
				c.Draft.Doc = 0
				c.Goto(stepStatsPeriod)
				return nil
			}}},
			{ID: stepStatsMonth, View: h.statsMonths, Actions: map[string]statsAction{"m": h.statsPickMonth}},
			{ID: stepStatsPeriod, View: h.statsPeriods, Text: h.statsTypedPeriod, Actions: map[string]statsAction{"p": h.statsPickPeriod}},
			{ID: stepStatsResult, View: h.statsResult(), Actions: map[string]statsAction{
				"n": func(_ context.Context, c *statsConv, a chat.Args) error {
					c.Draft.Page = a.Offset(0)
					return nil
				},
				"xl": h.statsExcel,
				"c":  h.statsChart,
				"new": func(_ context.Context, c *statsConv, _ chat.Args) error {
					c.Draft = statsDraft{}
					c.Goto(stepStatsTopic)
					c.Reset() // ◀ does not lead back to the old answer
					return nil
				},
			}},
		},
	}
}

// statsScopeOf is who may see what: every role of secretary level or
// above (a secretary's organisation, an officer's or admin's subtree).
func statsScopeOf(r *chat.Request) *chat.Scope { return r.Scope(chat.Secretary) }

// statsCommand is /thongke.
func (h *Handlers) statsCommand(ctx context.Context, r *chat.Request) error {
	if statsScopeOf(r).Empty() {
		r.Show(msgStatsNoScope, nil)
		return nil
	}
	return h.stats.Start(ctx, r, stepStatsTopic, statsDraft{})
}

func (h *Handlers) statsTopics(_ context.Context, c *statsConv) (string, chat.Keyboard, error) {
	kb := chat.Keyboard{
		{c.Button("📚 Học tập", "t", topicStudy), c.Button("🏠 Sinh hoạt", "t", topicMeetings)},
		{c.Button("🔍 Kiểm tra, giám sát", "t", topicSupervision), c.Button("📋 Tổng hợp", "t", topicSummary)},
		c.CancelRow(),
	}
	return "<b>Thống kê</b>\nĐồng chí muốn xem số liệu nào?", kb, nil
}

func (h *Handlers) statsPickTopic(ctx context.Context, c *statsConv, a chat.Args) error {
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
	c.Goto(stepStatsScope)
	return nil
}

// statsNextStep is the step after the organisation: what the topic needs.
func statsNextStep(topic string) chat.StepID[statsDraft] {
	switch topic {
	case topicStudy:
		return stepStatsDoc
	case topicMeetings:
		return stepStatsMonth
	}
	return stepStatsPeriod
}
