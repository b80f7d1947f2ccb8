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

	"sotay/handlers/chat"
	"sotay/storage"
)

// Deps is what the handlers are built with.
type Deps struct {
	Store       *storage.Storage
	Sender      chat.Sender
	Log         *slog.Logger
	Now         func() time.Time
	BotUsername string
	// Location is the time zone dates are shown and read in.
	Location *time.Location
	// Files downloads files users send (roster imports).
	Files Files
	// SupervisionTarget is the yearly supervision coverage target in
	// percent that /canhbao warns against (SUPERVISION_TARGET, which serve
	// and demo read; zero: no warning about supervision).
	SupervisionTarget int
	// WebURL is the web handbook's public address (WEB_URL), where /web
	// and /moi's sign-in links point; "" when it is off.
	WebURL string
}

// Handlers routes updates to the handler list.
type Handlers struct {
	deps   Deps
	router *chat.Router

	// The dialogs, each written in its feature's file.
	search    *chat.Dialog[searchDraft]
	publish   *chat.Dialog[publishDraft]
	pushing   *chat.Dialog[pushDraft]
	roster    *chat.Dialog[importDraft]
	offline   *chat.Dialog[offlineDraft]
	reminding *chat.Dialog[remindDraft]

	// reports.go, meetings.go, supervision.go.
	meetings     *chat.Dialog[meetingDraft]
	supervisions *chat.Dialog[supervisionDraft]
	// notices.go.
	notices *chat.Dialog[noticeDraft]
	absence *chat.Dialog[absenceDraft]
	// review.go.
	returning *chat.Dialog[returnDraft]

	stats *chat.Dialog[statsDraft] // stats.go
	paper *chat.Dialog[paperDraft] // papers.go
	// voice.go.
	recording *chat.Dialog[voiceDraft]
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
	h.paper = h.paperDialog()
	h.recording = h.voiceDialog()
	h.router = &chat.Router{
		Store: deps.Store, Sender: deps.Sender, Log: deps.Log, Now: deps.Now, Location: deps.Location,
		List:    h.handlerList(),
		Unknown: h.unknown, NotLinked: h.notLinked, ChatMember: h.chatMember,
	}
	if err := h.router.Check(); err != nil {
		panic(err) // a programming error, caught by every test
	}
	return h
}

// Handle applies one update (Router.Handle).
func (h *Handlers) Handle(ctx context.Context, u tgbotapi.Update, a chat.Attempt) chat.Outcome {
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
func (h *Handlers) handlerList() []chat.Handler {
	return []chat.Handler{
		// start.go: linking, the menu, help, cancel.
		{Command: "start", Access: chat.Public, Handle: h.start},
		{Match: isContact, Access: chat.Public, Handle: h.contact},
		{Command: "menu", Access: chat.Member, Description: "Mở danh mục chức năng", Handle: h.menu},
		// library.go and search.go: the handbook.
		{Command: "vanban", Access: chat.Member, Description: "Xem văn bản theo loại", MenuLabel: "📄 Văn bản", Handle: h.documentKinds},
		{Callback: cbLibrary, Access: chat.Member, Handle: h.browseDocuments},
		{Callback: cbDocument, Access: chat.Member, Handle: h.viewDocument},
		{Callback: cbText, Access: chat.Member, Handle: h.documentText},
		{Callback: cbFile, Access: chat.Member, Handle: h.documentFile},
		{Callback: cbWithdraw, Access: chat.Admin, Handle: h.withdrawDocument},
		{Command: "tim", Access: chat.Member, Description: "Tìm văn bản theo số hiệu hoặc nội dung", MenuLabel: "🔎 Tìm kiếm", Handle: h.searchCommand},
		{Dialog: h.search, Access: chat.Member},
		// publish.go: publishing a file sent in chat.
		{Command: "dang", Access: chat.Admin, Description: "Đăng văn bản: gửi tệp kèm chú thích /dang", MenuLabel: "📢 Đăng văn bản", Handle: h.publishCommand},
		{Dialog: h.publish, Access: chat.Admin},
		// voice.go and listen.go: voice summaries, recorded and listened to.
		{Command: "giongnoi", Access: chat.Secretary, Description: "Ghi tóm tắt giọng nói: gửi tin nhắn thoại kèm chú thích /giongnoi SỐ_HIỆU NGÔN_NGỮ", Handle: h.voiceUpload},
		{Match: isVoiceUpload, Access: chat.Member, Handle: h.voiceUpload},
		{Dialog: h.recording, Access: chat.Secretary},
		{Callback: cbVoices, Access: chat.Secretary, Handle: h.voices},
		{Callback: cbListen, Access: chat.Member, Handle: h.listen},
		{Command: "ngonngu", Access: chat.Member, Description: "Chọn ngôn ngữ nghe tóm tắt văn bản", MenuLabel: "🔊 Ngôn ngữ nghe", Handle: h.languageCommand},
		{Callback: cbLanguage, Access: chat.Member, Handle: h.languageChosen},
		// push.go: campaigns; study.go: the member's side of them.
		{Command: "gui", Access: chat.Officer, Description: "Gửi văn bản cho đảng viên học tập", MenuLabel: "📤 Gửi văn bản", Handle: h.pushCommand},
		{Dialog: h.pushing, Access: chat.Officer},
		{Callback: cbPushDocument, Access: chat.Officer, Handle: h.pushDocument},
		{Callback: cbDeliveryReport, Access: chat.Officer, Handle: h.deliveryReport},
		{Callback: cbStudied, Access: chat.Member, Handle: h.studied},
		{Callback: cbPushAgain, Access: chat.Member, Handle: h.pushAgain},
		{Command: "hoctap", Access: chat.Member, Description: "Văn bản cần học và hạn học tập", MenuLabel: "📚 Học tập", Handle: h.studyCommand},
		{Callback: cbOfflineStart, Access: chat.Secretary, Handle: h.offlineStart},
		{Dialog: h.offline, Access: chat.Secretary},
		{Command: "nhacnho", Access: chat.Secretary, Description: "Nhắc đảng viên chưa học văn bản", MenuLabel: "🔔 Nhắc học tập", Handle: h.remindCommand},
		{Dialog: h.reminding, Access: chat.Secretary},
		{Callback: cbRemindLater, Access: chat.Member, Handle: h.remindLater},
		{Callback: cbQuiz, Access: chat.Member, Handle: h.quiz},
		{Command: "cauhoi", Access: chat.Admin, Description: "Gắn bài kiểm tra: gửi tệp kèm chú thích /cauhoi SỐ_HIỆU", Handle: h.quizImport},
		{Command: "cuatoi", Access: chat.Member, Description: "Kết quả học tập của tôi", MenuLabel: "📒 Của tôi", Handle: h.myRecord},
		// papers.go: the quarterly record and the follow-up list, as PDFs.
		{Callback: cbRecordPaper, Access: chat.Member, Handle: h.recordPaperStart},
		{Callback: cbFollowUp, Access: chat.Secretary, Handle: h.followUpStart},
		{Dialog: h.paper, Access: chat.Member},
		// invites.go.
		{Command: "moi", Access: chat.Secretary, Description: "Tạo mã mời liên kết cho đảng viên", MenuLabel: "✉️ Mã mời", Handle: h.inviteCommand},
		{Callback: cbInvite, Access: chat.Secretary, Handle: h.invites},
		// web.go: signing in to the web handbook.
		{Command: "web", Access: chat.Member, Description: "Đường dẫn đăng nhập sổ tay trên web", Handle: h.webCommand},
		{Callback: cbWeb, Access: chat.Secretary, Handle: h.webButtons},
		// roster_import.go.
		{Command: "nhap", Access: chat.Admin, Description: "Nhập danh sách đảng viên hoặc tổ chức từ tệp Excel/CSV", MenuLabel: "📥 Nhập danh sách", Handle: h.rosterImport},
		{Dialog: h.roster, Access: chat.Admin},
		// meeting*.go, supervision*.go, reports.go, report_steps.go: reports by message.
		{Command: "sinhhoat", Access: chat.Secretary, Description: "Báo cáo buổi sinh hoạt chi bộ", MenuLabel: "📝 Báo cáo sinh hoạt", Handle: h.meetingCommand},
		{Dialog: h.meetings, Access: chat.Secretary},
		{Command: "kiemtra", Access: chat.Secretary, Description: "Báo cáo cuộc kiểm tra, giám sát", MenuLabel: "🔍 Báo cáo kiểm tra", Handle: h.supervisionCommand},
		{Dialog: h.supervisions, Access: chat.Secretary},
		{Callback: cbReportEdit, Access: chat.Secretary, Handle: h.reportEdit},
		// notices.go, notice_*.go: meeting notices and answers.
		{Command: "lichhop", Access: chat.Secretary, Description: "Thông báo lịch họp chi bộ", MenuLabel: "📅 Lịch họp", Handle: h.noticeCommand},
		{Dialog: h.notices, Access: chat.Secretary},
		{Callback: cbMeetingTally, Access: chat.Secretary, Handle: h.meetingTally},
		{Callback: cbMeetingAnswer, Access: chat.Member, Handle: h.meetingAnswer},
		{Dialog: h.absence, Access: chat.Member},
		// review.go: reading reports back, officers' review.
		{Command: "baocao", Access: chat.Secretary, Description: "Xem, sửa và duyệt các báo cáo đã gửi", MenuLabel: "🗂 Báo cáo đã gửi", Handle: h.reportList},
		{Callback: cbReview, Access: chat.Secretary, Handle: h.reviewButton},
		{Dialog: h.returning, Access: chat.Officer},
		// stats*.go: figures for officers and secretaries.
		{Command: "thongke", Access: chat.Secretary, Description: "Thống kê học tập, sinh hoạt, kiểm tra giám sát", MenuLabel: "📊 Thống kê", Handle: h.statsCommand},
		{Dialog: h.stats, Access: chat.Secretary},
		// alerts.go: warnings of the rules of party work.
		{Command: "canhbao", Access: chat.Secretary, Description: "Cảnh báo việc thực hiện quy định sinh hoạt đảng", MenuLabel: "⚠️ Cảnh báo", Handle: h.alertsCommand},
		{Callback: cbAlerts, Access: chat.Secretary, Handle: h.alertsPage},
		{Command: "trogiup", Access: chat.Public, Description: "Hướng dẫn sử dụng", MenuLabel: "❓ Trợ giúp", Handle: h.help},
		{Command: "huy", Access: chat.Public, Description: "Hủy thao tác đang làm", Handle: h.cancel},
	}
}
