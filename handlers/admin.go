package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// invitePageSize is how many members one page of /moi lists.
const invitePageSize = 8

// invites lists the unlinked members a secretary, officer or admin may
// invite, one button each; callback "moi:p<offset>" pages, "moi:m<id>"
// makes an invite link for one member.
func (h *Handlers) invites(ctx context.Context, r *Request) error {
	data := r.Data
	if r.Update.CallbackQuery == nil || data == "" {
		data = "p0"
	}
	switch {
	case strings.HasPrefix(data, "m"):
		id, err := strconv.ParseInt(data[1:], 10, 64)
		if err != nil {
			return storage.ErrNotFound
		}
		return h.inviteOne(ctx, r, id)
	case strings.HasPrefix(data, "p"):
		off, err := strconv.Atoi(data[1:])
		if err != nil || off < 0 {
			off = 0
		}
		return h.inviteList(ctx, r, off)
	}
	return storage.ErrNotFound
}

// unlinkedInScope returns the active, unlinked members below the
// requester's secretary-or-stronger roles.
func (h *Handlers) unlinkedInScope(ctx context.Context, r *Request) ([]storage.Member, error) {
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
			if !m.Linked() && !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	return out, nil
}

func (h *Handlers) inviteList(ctx context.Context, r *Request, off int) error {
	ms, err := h.unlinkedInScope(ctx, r)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		r.Show("✅ Mọi đảng viên trong phạm vi của đồng chí đều đã liên kết tài khoản.", nil)
		return nil
	}
	if off >= len(ms) {
		off = (len(ms) - 1) / invitePageSize * invitePageSize
	}
	end := min(off+invitePageSize, len(ms))
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, m := range ms[off:end] {
		label := fmt.Sprintf("%s · %s", m.FullName, m.OrgName)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, fmt.Sprintf("moi:m%d", m.ID))))
	}
	var nav []tgbotapi.InlineKeyboardButton
	if off > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("◀ Trước", fmt.Sprintf("moi:p%d", max(off-invitePageSize, 0))))
	}
	if end < len(ms) {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("Sau ▶", fmt.Sprintf("moi:p%d", end)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(fmt.Sprintf("✉️ <b>Mã mời liên kết tài khoản</b>\n%d đảng viên chưa liên kết (%d–%d). Chọn đảng viên để tạo đường liên kết dùng một lần:",
		len(ms), off+1, end), &kb)
	return nil
}

func (h *Handlers) inviteOne(ctx context.Context, r *Request, memberID int64) error {
	m, err := r.Store.MemberByID(ctx, memberID)
	if err != nil {
		return err
	}
	// Callback data names a member; whether this user may invite them is
	// decided here, never by the client.
	ok, err := r.CanSee(ctx, Secretary, m.OrgID)
	if err != nil {
		return err
	}
	if !ok || !m.Active {
		return storage.ErrForbidden
	}
	if m.Linked() {
		r.Toast = "Đảng viên này đã liên kết tài khoản."
		return h.inviteList(ctx, r, 0)
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
