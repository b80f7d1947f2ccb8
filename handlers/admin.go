package handlers

import (
	"context"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// invitePageSize is how many members one page of /moi lists.
const invitePageSize = 8

// invites lists the unlinked members a secretary, officer or admin may
// invite, one button each, and offers to move a linked member to another
// Telegram account. Callbacks: "moi:p<offset>" pages the unlinked members,
// "moi:m<id>" makes an invite link for one; "moi:l<offset>" pages the
// linked members, "moi:c<id>" shows one with the button "moi:r<id>" that
// makes a relink invite ("đổi tài khoản Telegram").
func (h *Handlers) invites(ctx context.Context, r *Request) error {
	data := r.Data
	if r.Update.CallbackQuery == nil || data == "" {
		data = "p0"
	}
	kind, arg := data[:1], data[1:]
	switch kind {
	case "m", "c", "r":
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return storage.ErrNotFound
		}
		switch kind {
		case "m":
			return h.inviteOne(ctx, r, id)
		case "c":
			return h.relinkOffer(ctx, r, id)
		}
		return h.relinkOne(ctx, r, id)
	case "p", "l":
		off, err := strconv.Atoi(arg)
		if err != nil || off < 0 {
			off = 0
		}
		if kind == "l" {
			return h.relinkList(ctx, r, off)
		}
		return h.inviteList(ctx, r, off)
	}
	return storage.ErrNotFound
}

// membersInScope returns the active members, linked or not as asked, below
// the requester's secretary-or-stronger roles.
func (h *Handlers) membersInScope(ctx context.Context, r *Request, linked bool) ([]storage.Member, error) {
	seen := map[int64]bool{}
	var out []storage.Member
	for _, role := range r.Roles {
		if roleAccess(role) < Secretary {
			continue
		}
		ms, err := r.Store.MembersInSubtree(ctx, role.OrgID)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.Linked() == linked && !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// memberPage is one page of member buttons, each with callback
// prefix+id, and the paging row with pagePrefix+offset.
func memberPage(ms []storage.Member, off int, prefix, pagePrefix string) (rows [][]tgbotapi.InlineKeyboardButton, first, end int) {
	if off >= len(ms) {
		off = (len(ms) - 1) / invitePageSize * invitePageSize
	}
	end = min(off+invitePageSize, len(ms))
	for _, m := range ms[off:end] {
		label := fmt.Sprintf("%s · %s", m.FullName, m.OrgName)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, fmt.Sprintf("%s%d", prefix, m.ID))))
	}
	var nav []tgbotapi.InlineKeyboardButton
	if off > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("◀ Trước", fmt.Sprintf("%s%d", pagePrefix, max(off-invitePageSize, 0))))
	}
	if end < len(ms) {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("Sau ▶", fmt.Sprintf("%s%d", pagePrefix, end)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	return rows, off + 1, end
}

const labelRelink = "🔁 Đổi tài khoản Telegram"

func relinkRow() []tgbotapi.InlineKeyboardButton {
	return tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelRelink, "moi:l0"))
}

func (h *Handlers) inviteList(ctx context.Context, r *Request, off int) error {
	ms, err := h.membersInScope(ctx, r, false)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		kb := tgbotapi.NewInlineKeyboardMarkup(relinkRow())
		r.Show("✅ Mọi đảng viên trong phạm vi của đồng chí đều đã liên kết tài khoản.\n\n"+
			"Khi một đảng viên chuyển sang tài khoản Telegram khác (đổi điện thoại, mất tài khoản), hãy bấm <b>"+labelRelink+"</b>.", &kb)
		return nil
	}
	rows, first, end := memberPage(ms, off, "moi:m", "moi:p")
	rows = append(rows, relinkRow())
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(fmt.Sprintf("✉️ <b>Mã mời liên kết tài khoản</b>\n%d đảng viên chưa liên kết (%d–%d). Chọn đảng viên để tạo đường liên kết dùng một lần:",
		len(ms), first, end), &kb)
	return nil
}

func (h *Handlers) inviteOne(ctx context.Context, r *Request, memberID int64) error {
	m, err := h.memberInScope(ctx, r, memberID)
	if err != nil {
		return err
	}
	if m.Linked() {
		r.Toast = "Đảng viên này đã liên kết tài khoản."
		return h.relinkOffer(ctx, r, m.ID)
	}
	actor := fmt.Sprintf("tg:%d", r.UserID)
	tok, err := r.Store.CreateInvite(ctx, m.ID, storage.DefaultInviteTTL, actor)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("https://t.me/%s?start=%s", h.deps.BotUsername, tok)
	exp := r.Now().Add(storage.DefaultInviteTTL).Format("02/01/2006")
	r.Reply(fmt.Sprintf("✉️ Đường liên kết cho đồng chí <b>%s</b> (%s):\n%s\n\nDùng một lần, hết hạn ngày %s. "+
		"Đồng chí hãy chuyển đường liên kết này riêng cho đảng viên đó.", esc(m.FullName), esc(m.OrgName), esc(link), exp), nil)
	r.Toast = "Đã tạo mã mời."
	return nil
}

// memberInScope loads the member a button names and checks that this user
// may invite them: callback data is never trusted.
func (h *Handlers) memberInScope(ctx context.Context, r *Request, memberID int64) (storage.Member, error) {
	m, err := r.Store.MemberByID(ctx, memberID)
	if err != nil {
		return m, err
	}
	ok, err := r.CanSee(ctx, Secretary, m.OrgID)
	if err != nil {
		return m, err
	}
	if !ok || !m.Active {
		return m, storage.ErrForbidden
	}
	return m, nil
}

// relinkList pages the linked members of the requester's scope, to pick
// the one whose handbook moves to another Telegram account.
func (h *Handlers) relinkList(ctx context.Context, r *Request, off int) error {
	ms, err := h.membersInScope(ctx, r, true)
	if err != nil {
		return err
	}
	back := tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("◀ Mã mời", "moi:p0"))
	if len(ms) == 0 {
		kb := tgbotapi.NewInlineKeyboardMarkup(back)
		r.Show("Trong phạm vi của đồng chí chưa có đảng viên nào liên kết tài khoản Telegram.", &kb)
		return nil
	}
	rows, first, end := memberPage(ms, off, "moi:c", "moi:l")
	rows = append(rows, back)
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(fmt.Sprintf("🔁 <b>Đổi tài khoản Telegram</b>\nKhi đảng viên đổi điện thoại hoặc tài khoản Telegram, chọn đồng chí đó để tạo đường liên kết "+
		"mở trên tài khoản mới.\n%d đảng viên đã liên kết (%d–%d):", len(ms), first, end), &kb)
	return nil
}

// relinkOffer shows a linked member and the button that makes the relink
// invite, saying what it will do.
func (h *Handlers) relinkOffer(ctx context.Context, r *Request, memberID int64) error {
	m, err := h.memberInScope(ctx, r, memberID)
	if err != nil {
		return err
	}
	if !m.Linked() {
		r.Toast = "Đảng viên này chưa liên kết tài khoản."
		return h.inviteList(ctx, r, 0)
	}
	since := ""
	if m.LinkedAt != nil {
		since = " từ ngày " + m.LinkedAt.In(h.deps.Location).Format("02/01/2006")
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelRelink, fmt.Sprintf("moi:r%d", m.ID))),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("◀ Quay lại", "moi:l0")),
	)
	r.Show(fmt.Sprintf("Đồng chí <b>%s</b> (%s) đã liên kết tài khoản Telegram%s.\n\n"+
		"Nếu đồng chí ấy chuyển sang tài khoản Telegram khác, hãy bấm <b>%s</b> để tạo đường liên kết dùng một lần. "+
		"Khi mở trên tài khoản mới, sổ tay chuyển sang tài khoản đó; tài khoản cũ không dùng được nữa và được báo tin.",
		esc(m.FullName), esc(m.OrgName), since, labelRelink), &kb)
	return nil
}

// relinkOne makes the relink invite: the explicit action that alone may
// move a member's link, audited in this user's name.
func (h *Handlers) relinkOne(ctx context.Context, r *Request, memberID int64) error {
	m, err := h.memberInScope(ctx, r, memberID)
	if err != nil {
		return err
	}
	if !m.Linked() {
		r.Toast = "Đảng viên này chưa liên kết tài khoản."
		return h.inviteList(ctx, r, 0)
	}
	actor := fmt.Sprintf("tg:%d", r.UserID)
	tok, err := r.Store.CreateRelinkInvite(ctx, m.ID, storage.RelinkInviteTTL, actor)
	if err != nil {
		return err
	}
	link := fmt.Sprintf("https://t.me/%s?start=%s", h.deps.BotUsername, tok)
	exp := r.Now().Add(storage.RelinkInviteTTL).Format("02/01/2006")
	r.Reply(fmt.Sprintf("🔁 Đường liên kết đổi tài khoản Telegram cho đồng chí <b>%s</b> (%s):\n%s\n\n"+
		"Dùng một lần, hết hạn ngày %s. Đồng chí hãy trao tận tay đảng viên đó để mở trên tài khoản Telegram mới; "+
		"sổ tay sẽ chuyển sang tài khoản mới và tài khoản cũ được báo tin.", esc(m.FullName), esc(m.OrgName), esc(link), exp), nil)
	r.Toast = "Đã tạo mã đổi tài khoản."
	return nil
}
