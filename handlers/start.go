package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
)

const (
	msgWelcomeUnlinked = "Chào đồng chí! Đây là <b>Sổ tay đảng viên điện tử</b>.\n\n" +
		"Để bắt đầu, đồng chí cần liên kết tài khoản Telegram với hồ sơ đảng viên, bằng một trong hai cách:\n" +
		"1. Mở đường liên kết (mã mời) do bí thư chi bộ hoặc Văn phòng Đảng ủy gửi.\n" +
		"2. Bấm nút <b>📱 Chia sẻ số điện thoại</b> bên dưới, nếu số điện thoại của đồng chí đã có trong danh sách đảng viên."
	msgNotLinked = "Đồng chí chưa liên kết tài khoản. Hãy mở đường liên kết (mã mời) do bí thư chi bộ gửi, " +
		"hoặc bấm nút <b>📱 Chia sẻ số điện thoại</b> bên dưới."
	msgBadCode = "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn. " +
		"Đồng chí hãy đề nghị bí thư chi bộ hoặc Văn phòng Đảng ủy cấp mã mới."
	msgPhoneNotFound = "Không liên kết được bằng số điện thoại này: số chưa có trong danh sách đảng viên, đã được liên kết, " +
		"hoặc trùng với đảng viên khác. Đồng chí hãy đề nghị bí thư chi bộ cấp mã mời."
	msgForeignContact = "Đồng chí chỉ có thể chia sẻ số điện thoại của chính mình: hãy bấm nút <b>📱 Chia sẻ số điện thoại</b> " +
		"thay vì gửi danh bạ của người khác."
	msgTooManyTries = "Đồng chí đã thử sai quá nhiều lần. Vui lòng đợi khoảng 1 giờ rồi thử lại, " +
		"hoặc liên hệ bí thư chi bộ để được hỗ trợ."
	msgLinked        = "✅ Đã liên kết tài khoản với đồng chí <b>%s</b> (%s)."
	msgAlreadyLinked = "Tài khoản Telegram này đã liên kết với đồng chí <b>%s</b>, nên không dùng được mã mời nữa. " +
		"Nếu mã mời dành cho một đảng viên khác, đồng chí hãy chuyển lại cho người đó; " +
		"nếu cần đổi tài khoản Telegram, hãy liên hệ bí thư chi bộ hoặc Văn phòng Đảng ủy."
	// msgMovedAway goes to the account a relink invite took the handbook from.
	msgMovedAway = "⚠️ Sổ tay đảng viên của đồng chí <b>%s</b> vừa được chuyển sang một tài khoản Telegram khác. " +
		"Tài khoản này không còn liên kết với sổ tay nữa.\n\n" +
		"Nếu đồng chí không đề nghị việc này, hãy liên hệ ngay bí thư chi bộ (%s) hoặc Văn phòng Đảng ủy."
	msgCancelled     = "Đã hủy thao tác đang làm."
	msgNothingToStop = "Không có thao tác nào đang làm."
	msgUnknown       = "Xin lỗi, tôi chưa hiểu yêu cầu này. Đồng chí hãy chọn một chức năng dưới đây, hoặc gõ /trogiup để xem hướng dẫn."
	labelSharePhone  = "📱 Chia sẻ số điện thoại"
)

func phoneKeyboard() tgbotapi.ReplyKeyboardMarkup {
	kb := tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact(labelSharePhone)))
	kb.OneTimeKeyboard = true
	kb.InputFieldPlaceholder = "Bấm nút để chia sẻ số điện thoại"
	return kb
}

// start links an account with an invite token, or greets.
func (h *Handlers) start(ctx context.Context, r *chat.Request) error {
	token := strings.TrimSpace(r.Args)
	if r.Member != nil {
		if token != "" {
			r.Reply(fmt.Sprintf(msgAlreadyLinked, esc(r.Member.FullName)), nil)
		}
		h.chatCommands(r)
		return h.menu(ctx, r)
	}
	if token == "" {
		r.Reply(msgWelcomeUnlinked, phoneKeyboard())
		return nil
	}
	if blocked, err := h.tooManyTries(ctx, r); err != nil || blocked {
		return err
	}
	red, err := r.Store.RedeemInvite(ctx, token, r.UserID)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		// A wrong, used, expired or revoked code, or the ordinary invite
		// of a member linked already: one answer, one failed attempt.
		if err := r.Store.RecordLinkAttempt(ctx, r.UserID, false); err != nil {
			return err
		}
		r.Reply(msgBadCode, phoneKeyboard())
		return nil
	case err != nil:
		return err
	}
	if old := red.PreviousTelegramID; old != nil {
		// The outbox sends it if and only if the move commits.
		text := fmt.Sprintf(msgMovedAway, esc(red.Member.FullName), esc(red.Member.OrgName))
		if _, err := r.Store.Enqueue(ctx, storage.OutboxNotice, *old, text, nil); err != nil {
			return err
		}
		// The old chat may carry the menu of the member's roles: give it
		// back the plain one.
		roles, err := r.Store.RolesOf(ctx, red.Member.ID)
		if err != nil {
			return err
		}
		if len(roles) > 0 {
			r.Queue(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(*old), h.Commands(true, nil)...))
		}
	}
	return h.linked(ctx, r, red.Member)
}

// contact links an account by a shared phone number.
func isContact(r *chat.Request) bool {
	return r.Update.Message != nil && r.Update.Message.Contact != nil
}

func (h *Handlers) contact(ctx context.Context, r *chat.Request) error {
	if r.Member != nil {
		r.Reply(fmt.Sprintf("Tài khoản này đã liên kết với đồng chí <b>%s</b>, không cần chia sẻ số điện thoại nữa.", esc(r.Member.FullName)), tgbotapi.NewRemoveKeyboard(true))
		return nil
	}
	if blocked, err := h.tooManyTries(ctx, r); err != nil || blocked {
		return err
	}
	c := r.Update.Message.Contact
	fail := func(msg string) error {
		if err := r.Store.RecordLinkAttempt(ctx, r.UserID, false); err != nil {
			return err
		}
		r.Reply(msg, phoneKeyboard())
		return nil
	}
	if c.UserID != r.UserID {
		return fail(msgForeignContact)
	}
	ms, err := r.Store.UnlinkedMembersByPhone(ctx, storage.NormalizePhone(c.PhoneNumber))
	if err != nil {
		return err
	}
	if len(ms) != 1 {
		return fail(msgPhoneNotFound)
	}
	// LinkTelegram never moves a link: a member linked meanwhile (another
	// account sharing the same number) gets the same answer.
	err = r.Store.LinkTelegram(ctx, ms[0].ID, r.UserID)
	if errors.Is(err, storage.ErrMemberLinked) {
		return fail(msgPhoneNotFound)
	}
	if err != nil {
		return err
	}
	m, err := r.Store.MemberByID(ctx, ms[0].ID)
	if err != nil {
		return err
	}
	return h.linked(ctx, r, m)
}

// tooManyTries answers a user who failed to link too often. The decision
// locks the user's attempts until the update's transaction, which records
// this attempt, ends: concurrent guesses are counted one after the other.
func (h *Handlers) tooManyTries(ctx context.Context, r *chat.Request) (bool, error) {
	ok, err := r.Store.LinkAttemptAllowed(ctx, r.UserID)
	if err != nil {
		return false, err
	}
	if !ok {
		r.Reply(msgTooManyTries, nil)
		return true, nil
	}
	return false, nil
}

// linked greets a member who has just linked and opens their menu.
func (h *Handlers) linked(ctx context.Context, r *chat.Request, m storage.Member) error {
	if err := r.Store.RecordLinkAttempt(ctx, r.UserID, true); err != nil {
		return err
	}
	if err := r.Store.Audit(ctx, r.Actor(), "member.link", m.Code, nil); err != nil {
		return err
	}
	r.Member = &m
	roles, err := r.Store.RolesOf(ctx, m.ID)
	if err != nil {
		return err
	}
	r.Roles = roles
	r.Reply(fmt.Sprintf(msgLinked, esc(m.FullName), esc(m.OrgName)), tgbotapi.NewRemoveKeyboard(true))
	h.chatCommands(r)
	// The one question of the language of voice summaries (listen.go),
	// which may be skipped: before the menu, which stays the last message.
	if err := h.askLanguage(ctx, r); err != nil {
		return err
	}
	return h.menu(ctx, r)
}

// notLinked answers anything but linking from someone not yet linked.
func (h *Handlers) notLinked(_ context.Context, r *chat.Request) error {
	if r.Update.CallbackQuery != nil {
		r.Toast = "Đồng chí chưa liên kết tài khoản."
	}
	r.Reply(msgNotLinked, phoneKeyboard())
	return nil
}

// unknown answers text that no handler or dialog takes.
func (h *Handlers) unknown(ctx context.Context, r *chat.Request) error {
	if r.Member == nil {
		return h.notLinked(ctx, r)
	}
	if r.Update.CallbackQuery != nil {
		// A button of an old menu that no longer exists.
		r.Toast = "Nút này không còn dùng được."
		return h.menu(ctx, r)
	}
	if m := r.Update.Message; m != nil && (m.Document != nil || m.Photo != nil) && r.Has(chat.Admin) {
		r.Reply("Đồng chí gửi tệp này để làm gì? Hãy gửi lại kèm chú thích:\n"+
			"• <code>/dang số hiệu | trích yếu | cơ quan ban hành | ngày</code> để đăng văn bản;\n"+
			"• <code>/nhap</code> để nhập danh sách đảng viên hoặc tổ chức.", nil)
		return nil
	}
	if m := r.Update.Message; m != nil && r.Command == "" && m.Document == nil && len(m.Photo) == 0 && strings.TrimSpace(m.Text) != "" {
		// Plain text that answers no dialog is what the member looks for:
		// "21-KL/TW", "ket luan 21".
		return h.searchUnprompted(ctx, r)
	}
	r.Reply(msgUnknown, h.menuKeyboard(r))
	return nil
}

// cancel closes the open dialog.
func (h *Handlers) cancel(ctx context.Context, r *chat.Request) error {
	open, err := r.Store.Dialog(ctx, r.UserID)
	if err != nil && storage.ErrorCode(err) != storage.CodeNotFound {
		return err
	}
	ok, err := r.Store.EndDialog(ctx, r.UserID)
	if err != nil {
		return err
	}
	if ok {
		// The dialog's own word for what was left undone, when it has one.
		msg := msgCancelled
		if m := h.router.Cancelled(open.Name); m != "" {
			msg = m
		}
		r.Reply(msg, tgbotapi.NewRemoveKeyboard(true))
	} else {
		r.Reply(msgNothingToStop, nil)
	}
	return nil
}

// menu shows who the member is and a button for each feature they may use.
func (h *Handlers) menu(_ context.Context, r *chat.Request) error {
	m := r.Member
	var b strings.Builder
	fmt.Fprintf(&b, "📘 <b>Sổ tay đảng viên</b>\nĐồng chí: <b>%s</b>\n%s", esc(m.FullName), esc(m.OrgName))
	for _, role := range r.Roles {
		fmt.Fprintf(&b, "\n• %s: %s", storage.RoleName(role.Role), esc(role.OrgName))
	}
	b.WriteString("\n\nĐồng chí chọn chức năng:")
	kb := h.menuKeyboard(r)
	r.Show(b.String(), &kb)
	return nil
}

// menuKeyboard has a button for each handler with a MenuLabel the member may use, two a row.
func (h *Handlers) menuKeyboard(r *chat.Request) chat.Markup {
	var rows chat.Keyboard
	var row chat.Row
	for _, hd := range h.router.List {
		if hd.MenuLabel == "" || !r.Has(hd.Access) {
			continue
		}
		row = append(row, chat.CommandButton(hd.MenuLabel, hd.Command))
		if len(row) == 2 {
			rows = append(rows, row)
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return chat.NewMarkup(rows...)
}

// help lists what this user may do.
func (h *Handlers) help(_ context.Context, r *chat.Request) error {
	var b strings.Builder
	b.WriteString("❓ <b>Hướng dẫn sử dụng</b>\n")
	if r.Member == nil {
		b.WriteString("\nĐồng chí chưa liên kết tài khoản. Hãy mở đường liên kết do bí thư chi bộ gửi, hoặc bấm nút <b>📱 Chia sẻ số điện thoại</b>.\n")
	}
	for _, c := range h.Commands(r.Member != nil, r.Roles) {
		fmt.Fprintf(&b, "\n/%s — %s", c.Command, esc(c.Description))
	}
	if r.Member != nil {
		b.WriteString("\n\nMọi chức năng đều có nút bấm trong /menu, đồng chí không cần nhớ lệnh.")
		kb := chat.NewMarkup(chat.NewRow(chat.CommandButton("📘 Về danh mục", "menu")))
		r.Show(b.String(), &kb)
		return nil
	}
	r.Reply(b.String(), phoneKeyboard())
	return nil
}

// chatMember notes a member who blocked the bot (or unblocked it).
func (h *Handlers) chatMember(ctx context.Context, r *chat.Request) error {
	if r.Member == nil {
		return nil
	}
	switch r.Update.MyChatMember.NewChatMember.Status {
	case "kicked", "left":
		return r.Store.MarkUnreachable(ctx, r.Member.ID)
	case "member":
		return r.Store.MarkReachable(ctx, r.Member.ID)
	}
	return nil
}
