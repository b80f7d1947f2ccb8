package handlers

import (
	"context"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
)

// invitePageSize is how many members one page of /moi lists.
const invitePageSize = 8

// /moi: the unlinked members a secretary, officer or admin may invite, one
// button each, and moving a linked member to another Telegram account.
// Buttons: moi:p:<offset> pages the unlinked members, moi:m:<id> makes an
// invite link for one; moi:s makes invites for all of them on a printable
// PDF sheet (invite_sheet.go); moi:l:<offset> pages the linked members, moi:c:<id>
// shows one with moi:r:<id>, which makes a relink invite ("đổi tài khoản
// Telegram"), and moi:u:<id>, which asks to unlink the account, done by
// moi:x:<id>. Every list offers, and every press acts on, only the members
// the user may act on (chat.Request.MayActOn): a button naming
// anyone else, forged or stale, gets the same refusal and changes nothing.

// inviteCommand is /moi: the first page of unlinked members.
func (h *Handlers) inviteCommand(ctx context.Context, r *chat.Request) error {
	return h.inviteList(ctx, r, 0)
}

// invites takes the moi buttons.
func (h *Handlers) invites(ctx context.Context, r *chat.Request) error {
	switch r.CB.Arg(0) {
	case "m", "c", "r", "u", "x":
		id, err := r.CB.ID(1)
		if err != nil {
			return err
		}
		switch r.CB.Arg(0) {
		case "m":
			return h.inviteOne(ctx, r, id)
		case "c":
			return h.relinkOffer(ctx, r, id)
		case "u":
			return h.unlinkOffer(ctx, r, id)
		case "x":
			return h.unlinkOne(ctx, r, id)
		}
		return h.relinkOne(ctx, r, id)
	case "l":
		return h.relinkList(ctx, r, r.CB.Offset(1))
	case "s":
		return h.inviteSheet(ctx, r)
	}
	return h.inviteList(ctx, r, r.CB.Offset(1))
}

// membersInScope returns the active members, linked or not as asked, below
// the requester's secretary-or-stronger roles whose account the requester
// may act on (Request.MayActOn).
func (h *Handlers) membersInScope(ctx context.Context, r *chat.Request, linked bool) ([]storage.Member, error) {
	ms, err := r.Scope(chat.Secretary).Members(ctx)
	if err != nil {
		return nil, err
	}
	var out []storage.Member
	for _, m := range ms {
		if m.Linked() == linked {
			out = append(out, m)
		}
	}
	return r.ActOn(ctx, out)
}

// memberPage is one page of member buttons, each moi:<pick>:<id>, and the
// paging row, moi:<page>:<offset>.
func memberPage(ms []storage.Member, off int, pick, page string) (rows chat.Keyboard, first, end int) {
	if off >= len(ms) {
		off = (len(ms) - 1) / invitePageSize * invitePageSize
	}
	end = min(off+invitePageSize, len(ms))
	for _, m := range ms[off:end] {
		label := fmt.Sprintf("%s · %s", m.FullName, m.OrgName)
		rows = append(rows, chat.NewRow(chat.NewButton(label, cbInvite, pick, m.ID)))
	}
	var nav chat.Row
	if off > 0 {
		nav = append(nav, chat.NewButton(chat.LabelPrev, cbInvite, page, max(off-invitePageSize, 0)))
	}
	if end < len(ms) {
		nav = append(nav, chat.NewButton(chat.LabelNext, cbInvite, page, end))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows, off + 1, end
}

const labelRelink = "🔁 Đổi tài khoản Telegram"

// msgAccountsAbove says who is left out of the lists (Request.MayActOn).
const msgAccountsAbove = "Tài khoản của chính đồng chí và của người giữ vai trò ngang hoặc cao hơn do cấp trên thực hiện."

func relinkRow() chat.Row {
	return chat.NewRow(chat.NewButton(labelRelink, cbInvite, "l", 0))
}

func (h *Handlers) inviteList(ctx context.Context, r *chat.Request, off int) error {
	ms, err := h.membersInScope(ctx, r, false)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		kb := chat.NewMarkup(h.webRows(relinkRow())...)
		r.Show("✅ Mọi đảng viên trong phạm vi của đồng chí đều đã liên kết tài khoản.\n\n"+
			"Khi một đảng viên chuyển sang tài khoản Telegram khác (đổi điện thoại, mất tài khoản), hãy bấm <b>"+labelRelink+"</b>.", &kb)
		return nil
	}
	rows, first, end := memberPage(ms, off, "m", "p")
	rows = append(rows, h.webRows(inviteSheetRow(), relinkRow())...)
	kb := chat.NewMarkup(rows...)
	r.Show(fmt.Sprintf("✉️ <b>Mã mời liên kết tài khoản</b>\n%d đảng viên chưa liên kết (%d–%d). Chọn đảng viên để tạo đường liên kết dùng một lần:",
		len(ms), first, end), &kb)
	return nil
}

func (h *Handlers) inviteOne(ctx context.Context, r *chat.Request, memberID int64) error {
	m, err := h.memberInScope(ctx, r, memberID)
	if err != nil {
		return err
	}
	if m.Linked() {
		r.Toast = "Đảng viên này đã liên kết tài khoản."
		return h.relinkOffer(ctx, r, m.ID)
	}
	link, exp, err := h.inviteLink(ctx, r, r.Store.CreateInvite, m.ID, storage.DefaultInviteTTL)
	if err != nil {
		return err
	}
	r.Reply(fmt.Sprintf("✉️ Đường liên kết cho đồng chí <b>%s</b> (%s):\n%s\n\nDùng một lần, hết hạn ngày %s. "+
		"Đồng chí hãy chuyển đường liên kết này riêng cho đảng viên đó.", esc(m.FullName), esc(m.OrgName), esc(link), exp), nil)
	r.Toast = "Đã tạo mã mời."
	return nil
}

// inviteLink makes a one-use link for a member with create (an invite or a
// relink invite, valid for ttl) and says the day it expires.
func (h *Handlers) inviteLink(ctx context.Context, r *chat.Request, create func(context.Context, int64, time.Duration, string) (string, error),
	memberID int64, ttl time.Duration) (link, expires string, err error) {
	tok, err := create(ctx, memberID, ttl, r.Actor())
	if err != nil {
		return "", "", err
	}
	return h.startLink(tok), r.Now().Add(ttl).Format("02/01/2006"), nil
}

// startLink opens the bot with a /start token.
func (h *Handlers) startLink(token string) string {
	return fmt.Sprintf("https://t.me/%s?start=%s", h.deps.BotUsername, token)
}

// memberInScope loads the member a button names and checks that this user
// may act on their account (Request.MayActOn): callback data is never
// trusted.
func (h *Handlers) memberInScope(ctx context.Context, r *chat.Request, memberID int64) (storage.Member, error) {
	m, err := r.Store.MemberByID(ctx, memberID)
	if err != nil {
		return m, err
	}
	if err := r.MayActOn(ctx, m); err != nil {
		return m, err
	}
	if !m.Active {
		return m, storage.Errorf(storage.CodeConflict, "Đồng chí %s đã thôi sinh hoạt nên không còn dùng sổ tay.", m.FullName)
	}
	return m, nil
}

// relinkList pages the linked members of the requester's scope, to pick
// the one whose handbook moves to another Telegram account.
func (h *Handlers) relinkList(ctx context.Context, r *chat.Request, off int) error {
	ms, err := h.membersInScope(ctx, r, true)
	if err != nil {
		return err
	}
	back := chat.NewRow(chat.NewButton("◀ Mã mời", cbInvite, "p", 0))
	if len(ms) == 0 {
		kb := chat.NewMarkup(back)
		r.Show("Trong phạm vi của đồng chí không có đảng viên nào đã liên kết tài khoản Telegram mà đồng chí có thể đổi hoặc hủy liên kết. "+
			msgAccountsAbove, &kb)
		return nil
	}
	rows, first, end := memberPage(ms, off, "c", "l")
	rows = append(rows, back)
	kb := chat.NewMarkup(rows...)
	r.Show(fmt.Sprintf("🔁 <b>Đổi tài khoản Telegram</b>\nKhi đảng viên đổi điện thoại hoặc tài khoản Telegram, chọn đồng chí đó để tạo đường liên kết "+
		"mở trên tài khoản mới, hoặc để hủy liên kết tài khoản cũ. "+msgAccountsAbove+"\n%d đảng viên đã liên kết (%d–%d):", len(ms), first, end), &kb)
	return nil
}

// linkedInScope is memberInScope for a member who must be linked; one who
// is not (any more) gets the invite list instead, and nil.
func (h *Handlers) linkedInScope(ctx context.Context, r *chat.Request, memberID int64) (*storage.Member, error) {
	m, err := h.memberInScope(ctx, r, memberID)
	if err != nil {
		return nil, err
	}
	if !m.Linked() {
		r.Toast = "Đảng viên này chưa liên kết tài khoản."
		return nil, h.inviteList(ctx, r, 0)
	}
	return &m, nil
}

// relinkOffer shows a linked member and the button that makes the relink
// invite, saying what it will do.
func (h *Handlers) relinkOffer(ctx context.Context, r *chat.Request, memberID int64) error {
	m, err := h.linkedInScope(ctx, r, memberID)
	if err != nil || m == nil {
		return err
	}
	since := ""
	if m.LinkedAt != nil {
		since = " từ ngày " + m.LinkedAt.In(h.deps.Location).Format("02/01/2006")
	}
	kb := chat.NewMarkup(
		chat.NewRow(chat.NewButton(labelRelink, cbInvite, "r", m.ID)),
		chat.NewRow(chat.NewButton(labelUnlink, cbInvite, "u", m.ID)),
		chat.NewRow(chat.NewButton("◀ Quay lại", cbInvite, "l", 0)),
	)
	r.Show(fmt.Sprintf("Đồng chí <b>%s</b> (%s) đã liên kết tài khoản Telegram%s.\n\n"+
		"Nếu đồng chí ấy chuyển sang tài khoản Telegram khác, hãy bấm <b>%s</b> để tạo đường liên kết dùng một lần. "+
		"Khi mở trên tài khoản mới, sổ tay chuyển sang tài khoản đó; tài khoản cũ không dùng được nữa và được báo tin.\n\n"+
		"Nếu tài khoản cũ bị mất hoặc không còn do đồng chí ấy dùng, hãy bấm <b>%s</b>.",
		esc(m.FullName), esc(m.OrgName), since, labelRelink, labelUnlink), &kb)
	return nil
}

// relinkOne makes the relink invite: the explicit action that alone may
// move a member's link, audited in this user's name.
func (h *Handlers) relinkOne(ctx context.Context, r *chat.Request, memberID int64) error {
	m, err := h.linkedInScope(ctx, r, memberID)
	if err != nil || m == nil {
		return err
	}
	link, exp, err := h.inviteLink(ctx, r, r.Store.CreateRelinkInvite, m.ID, storage.RelinkInviteTTL)
	if err != nil {
		return err
	}
	r.Reply(fmt.Sprintf("🔁 Đường liên kết đổi tài khoản Telegram cho đồng chí <b>%s</b> (%s):\n%s\n\n"+
		"Dùng một lần, hết hạn ngày %s. Đồng chí hãy trao tận tay đảng viên đó để mở trên tài khoản Telegram mới; "+
		"sổ tay sẽ chuyển sang tài khoản mới và tài khoản cũ được báo tin.", esc(m.FullName), esc(m.OrgName), esc(link), exp), nil)
	r.Toast = "Đã tạo mã đổi tài khoản."
	return nil
}

const labelUnlink = "⛔ Hủy liên kết tài khoản"

// unlinkOffer asks before unlinking a member's Telegram account.
func (h *Handlers) unlinkOffer(ctx context.Context, r *chat.Request, memberID int64) error {
	m, err := h.linkedInScope(ctx, r, memberID)
	if err != nil || m == nil {
		return err
	}
	kb := chat.NewMarkup(
		chat.NewRow(chat.NewButton("✅ Đồng ý hủy liên kết", cbInvite, "x", m.ID)),
		chat.NewRow(chat.NewButton("◀ Quay lại", cbInvite, "c", m.ID)),
	)
	r.Show(fmt.Sprintf("Hủy liên kết tài khoản Telegram của đồng chí <b>%s</b> (%s)?\n\n"+
		"Tài khoản đó sẽ không dùng được sổ tay nữa và được báo tin; các mã mời còn hiệu lực của đồng chí ấy bị thu hồi. "+
		"Sau đó đồng chí có thể tạo mã mời mới để đồng chí ấy liên kết lại.", esc(m.FullName), esc(m.OrgName)), &kb)
	return nil
}

// unlinkOne unlinks the member's account, audited in this user's name,
// tells the account and gives its chat back the plain command menu.
func (h *Handlers) unlinkOne(ctx context.Context, r *chat.Request, memberID int64) error {
	m, err := h.linkedInScope(ctx, r, memberID)
	if err != nil || m == nil {
		return err
	}
	u, err := r.Store.UnlinkMember(ctx, m.ID, r.Actor())
	if err != nil {
		return err
	}
	// The outbox sends it if and only if the unlink commits.
	if _, err := r.Store.Enqueue(ctx, storage.OutboxNotice, u.TelegramUserID, UnlinkNotice(*m), nil); err != nil {
		return err
	}
	roles, err := r.Store.RolesOf(ctx, m.ID)
	if err != nil {
		return err
	}
	if len(roles) > 0 {
		r.Queue(tgbotapi.NewSetMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(u.TelegramUserID), h.Commands(true, nil)...))
	}
	kb := chat.NewMarkup(
		chat.NewRow(chat.NewButton("✉️ Tạo mã mời mới", cbInvite, "m", m.ID)),
		chat.NewRow(chat.NewButton("◀ Danh sách đã liên kết", cbInvite, "l", 0)),
	)
	revoked := ""
	if u.RevokedInvites > 0 {
		revoked = fmt.Sprintf(" Đã thu hồi %d mã mời còn hiệu lực.", u.RevokedInvites)
	}
	r.Show(fmt.Sprintf("⛔ Đã hủy liên kết tài khoản Telegram của đồng chí <b>%s</b> (%s). Tài khoản đó đã được báo tin.%s",
		esc(m.FullName), esc(m.OrgName), revoked), &kb)
	r.Toast = "Đã hủy liên kết."
	return nil
}

// UnlinkNotice is what the account of an unlinked member is told (by the
// bot here and by sotay invite --unlink).
func UnlinkNotice(m storage.Member) string {
	return fmt.Sprintf("⚠️ Tài khoản Telegram này không còn liên kết với sổ tay đảng viên của đồng chí <b>%s</b> (%s).\n\n"+
		"Nếu đồng chí không đề nghị việc này, hãy liên hệ ngay bí thư chi bộ hoặc Văn phòng Đảng ủy.", esc(m.FullName), esc(m.OrgName))
}
