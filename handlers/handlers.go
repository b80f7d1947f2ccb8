// Package handlers holds what the bot does: one ordered list of handlers
// (commands, buttons, dialogs), the one place that turns errors into
// Vietnamese replies, and one file per feature. Handlers talk to Telegram
// only through the small Sender interface, so the bot package decides how
// messages travel (directly, with flood control, or through the outbox).
package handlers

import (
	"context"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// Deps is what the handlers are built with.
type Deps struct {
	Store       *storage.Storage
	Sender      Sender
	Log         *slog.Logger
	Now         func() time.Time
	BotUsername string
	// Location is the time zone dates are shown and read in.
	Location *time.Location
	// Files downloads files users send (roster imports).
	Files Files
}

// Handlers routes updates to the handler list.
type Handlers struct {
	deps   Deps
	router *Router

	// The dialogs, each written in its feature's file.
	search    *Dialog[searchDraft]
	publish   *Dialog[publishDraft]
	pushing   *Dialog[pushDraft]
	roster    *Dialog[importDraft]
	offline   *Dialog[offlineDraft]
	reminding *Dialog[remindDraft]

	// reports.go, meetings.go, supervision.go.
	meetings     *Dialog[meetingDraft]
	supervisions *Dialog[supervisionDraft]
	// notices.go.
	notices *Dialog[noticeDraft]
	absence *Dialog[absenceDraft]
	// review.go.
	returning *Dialog[returnDraft]

	stats *Dialog[statsDraft] // stats.go
}

// New builds the handler list.
func New(deps Deps) *Handlers {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	if deps.Log == nil {
		deps.Log = slog.Default()
	}
	if deps.Location == nil {
		deps.Location = time.UTC
	}
	h := &Handlers{deps: deps}
	h.search, h.publish, h.pushing, h.roster = h.searchDialog(), h.publishDialog(), h.pushDialog(), h.importDialog()
	h.offline, h.reminding = h.offlineDialog(), h.remindDialog()
	h.meetings, h.supervisions = h.meetingDialog(), h.supervisionDialog()
	h.notices, h.absence = h.noticeDialog(), h.absenceDialog()
	h.returning = h.returnDialog()
	h.stats = h.statsDialog()
	h.router = &Router{
		Store: deps.Store, Sender: deps.Sender, Log: deps.Log, Now: deps.Now, Location: deps.Location,
		List:    h.handlerList(),
		Unknown: h.unknown, NotLinked: h.notLinked, ChatMember: h.chatMember,
	}
	return h
}

// Handle applies one update (Router.Handle).
func (h *Handlers) Handle(ctx context.Context, u tgbotapi.Update, a Attempt) Outcome {
	return h.router.Handle(ctx, u, a)
}

// HandleUpdate is Handle for a caller that needs only the error of a
// failure (tests, tools): the attempt is the one WithAttempt put in ctx,
// or none.
func (h *Handlers) HandleUpdate(ctx context.Context, u tgbotapi.Update) error {
	return h.router.HandleUpdate(ctx, u)
}

// handlerList is the one ordered list of everything the bot answers, one
// trigger an entry. The command menus registered with Telegram, /menu,
// /trogiup and the sandbox's persona hints are generated from it.
func (h *Handlers) handlerList() []Handler {
	return []Handler{
		// start.go: linking, the menu, help, cancel.
		{Command: "start", Access: Public, Handle: h.start},
		{Match: isContact, Access: Public, Handle: h.contact},
		{Command: "menu", Access: Member, Description: "Mở danh mục chức năng", Handle: h.menu},
		// library.go and search.go: the handbook.
		{Command: "vanban", Access: Member, Description: "Xem văn bản theo loại", MenuLabel: "📄 Văn bản", Handle: h.documentKinds},
		{Callback: cbLibrary, Access: Member, Handle: h.browseDocuments},
		{Callback: cbDocument, Access: Member, Handle: h.viewDocument},
		{Callback: cbText, Access: Member, Handle: h.documentText},
		{Callback: cbFile, Access: Member, Handle: h.documentFile},
		{Callback: cbWithdraw, Access: Admin, Handle: h.withdrawDocument},
		{Command: "tim", Access: Member, Description: "Tìm văn bản theo số hiệu hoặc nội dung", MenuLabel: "🔎 Tìm kiếm", Handle: h.searchCommand},
		{Dialog: h.search, Access: Member},
		// publish.go: publishing a file sent in chat.
		{Command: "dang", Access: Admin, Description: "Đăng văn bản: gửi tệp kèm chú thích /dang", MenuLabel: "📝 Đăng văn bản", Handle: h.publishCommand},
		{Dialog: h.publish, Access: Admin},
		// push.go: campaigns; study.go: the member's side of them.
		{Command: "gui", Access: Officer, Description: "Gửi văn bản cho đảng viên học tập", MenuLabel: "📤 Gửi văn bản", Handle: h.pushCommand},
		{Dialog: h.pushing, Access: Officer},
		{Callback: cbDeliveryReport, Access: Officer, Handle: h.deliveryReport},
		{Callback: cbStudied, Access: Member, Handle: h.studied},
		{Callback: cbPushAgain, Access: Member, Handle: h.pushAgain},
		{Command: "hoctap", Access: Member, Description: "Văn bản cần học và hạn học tập", MenuLabel: "📚 Học tập", Handle: h.studyCommand},
		{Callback: cbOfflineStart, Access: Secretary, Handle: h.offlineStart},
		{Dialog: h.offline, Access: Secretary},
		{Command: "nhacnho", Access: Secretary, Description: "Nhắc đảng viên chưa học văn bản", MenuLabel: "🔔 Nhắc học tập", Handle: h.remindCommand},
		{Dialog: h.reminding, Access: Secretary},
		{Callback: cbRemindLater, Access: Member, Handle: h.remindLater},
		{Callback: cbQuiz, Access: Member, Handle: h.quiz},
		{Command: "cauhoi", Access: Admin, Description: "Gắn bài kiểm tra: gửi tệp kèm chú thích /cauhoi SỐ_HIỆU", Handle: h.quizImport},
		{Command: "cuatoi", Access: Member, Description: "Kết quả học tập của tôi", MenuLabel: "📒 Của tôi", Handle: h.myRecord},
		// invites.go.
		{Command: "moi", Access: Secretary, Description: "Tạo mã mời liên kết cho đảng viên", MenuLabel: "✉️ Mã mời", Handle: h.inviteCommand},
		{Callback: cbInvite, Access: Secretary, Handle: h.invites},
		// roster_import.go.
		{Command: "nhap", Access: Admin, Description: "Nhập danh sách đảng viên hoặc tổ chức từ tệp Excel/CSV", MenuLabel: "📥 Nhập danh sách", Handle: h.rosterImport},
		{Dialog: h.roster, Access: Admin},
		// meeting*.go, supervision*.go, reports.go, report_steps.go: reports by message.
		{Command: "sinhhoat", Access: Secretary, Description: "Báo cáo buổi sinh hoạt chi bộ", MenuLabel: "📝 Báo cáo sinh hoạt", Handle: h.meetingCommand},
		{Dialog: h.meetings, Access: Secretary},
		{Command: "kiemtra", Access: Secretary, Description: "Báo cáo cuộc kiểm tra, giám sát", MenuLabel: "🔍 Báo cáo kiểm tra", Handle: h.supervisionCommand},
		{Dialog: h.supervisions, Access: Secretary},
		{Callback: cbReportEdit, Access: Secretary, Handle: h.reportEdit},
		// notices.go, notice_*.go: meeting notices and answers.
		{Command: "lichhop", Access: Secretary, Description: "Thông báo lịch họp chi bộ", MenuLabel: "📅 Lịch họp", Handle: h.noticeCommand},
		{Dialog: h.notices, Access: Secretary},
		{Callback: cbMeetingTally, Access: Secretary, Handle: h.meetingTally},
		{Callback: cbMeetingAnswer, Access: Member, Handle: h.meetingAnswer},
		{Dialog: h.absence, Access: Member},
		// review.go: reading reports back, officers' review.
		{Command: "baocao", Access: Secretary, Description: "Xem, sửa và duyệt các báo cáo đã gửi", MenuLabel: "🗂 Báo cáo đã gửi", Handle: h.reportList},
		{Callback: cbReview, Access: Secretary, Handle: h.reviewButton},
		{Dialog: h.returning, Access: Officer},
		// stats*.go: figures for officers and secretaries.
		{Command: "thongke", Access: Secretary, Description: "Thống kê học tập, sinh hoạt, kiểm tra giám sát", MenuLabel: "📊 Thống kê", Handle: h.statsCommand},
		{Dialog: h.stats, Access: Secretary},
		{Command: "trogiup", Access: Public, Description: "Hướng dẫn sử dụng", MenuLabel: "❓ Trợ giúp", Handle: h.help},
		{Command: "huy", Access: Public, Description: "Hủy thao tác đang làm", Handle: h.cancel},
	}
}
