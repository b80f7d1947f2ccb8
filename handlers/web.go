package handlers

import (
	"context"
	"fmt"

	"sotay/handlers/chat"
	"sotay/storage"
)

// Signing in to the web handbook (WEB_URL), the same conversation on the
// commune's own address. /web gives the member a one-time link for
// themselves (15 minutes); in /moi, «🌐 Đăng nhập web» makes a link (30
// days) for any member of the requester's scope whose account they may act
// on (chat.Request.MayActOn), linked to Telegram or not — a member whose
// Telegram is blocked needs one most — and ends a member's web sessions.
// A link someone else made is told to the member on Telegram, and shows in
// their list of devices with who made it; every link is audited.
// Buttons: web:l:<offset> pages the members, web:m:<id> makes a link,
// web:x:<id> ends the member's web sessions.

const (
	labelWebSignIn = "🌐 Đăng nhập web"
	msgWebOff      = "Sổ tay trên web chưa được bật ở đơn vị này (cần đặt WEB_URL). Đồng chí tiếp tục dùng sổ tay trong Telegram."
)

// webLink is a sign-in link of a token.
func (h *Handlers) webLink(token string) string { return storage.WebLinkURL(h.deps.WebURL, token) }

// webCommand is /web: a one-time sign-in link for the member.
func (h *Handlers) webCommand(ctx context.Context, r *chat.Request) error {
	if h.deps.WebURL == "" {
		r.Reply(msgWebOff, nil)
		return nil
	}
	by := r.Member.ID
	l, err := r.Store.CreateWebLink(ctx, storage.WebLinkInput{MemberID: r.Member.ID, Purpose: storage.WebLinkTelegram,
		Actor: r.Actor(), ByMember: &by})
	if err != nil {
		return err
	}
	r.Reply(fmt.Sprintf("🌐 <b>Sổ tay trên web</b>\nĐường dẫn đăng nhập của đồng chí, dùng một lần, hết hạn lúc %s:\n%s\n\n"+
		"Mở đường dẫn bằng Chrome trên điện thoại hoặc máy tính rồi bấm «Vào sổ tay». Khi Telegram bị chặn, sổ tay vẫn dùng được ở đó. "+
		"Đồng chí đừng chuyển đường dẫn này cho người khác.",
		l.ExpiresAt.In(h.deps.Location).Format("15:04"), esc(h.webLink(l.Token))), nil)
	return nil
}

// webRows are /moi's rows, with «🌐 Đăng nhập web» when the web is on.
func (h *Handlers) webRows(rows ...chat.Row) []chat.Row {
	if h.deps.WebURL == "" {
		return rows
	}
	return append(rows, chat.NewRow(chat.NewButton(labelWebSignIn, cbWeb, "l", 0)))
}

// webButtons takes the web buttons of /moi.
func (h *Handlers) webButtons(ctx context.Context, r *chat.Request) error {
	if h.deps.WebURL == "" {
		r.Toast = "Sổ tay trên web chưa được bật."
		return nil
	}
	switch r.CB.Arg(0) {
	case "m", "x":
		id, err := r.CB.ID(1)
		if err != nil {
			return err
		}
		m, err := h.memberInScope(ctx, r, id)
		if err != nil {
			return err
		}
		if r.CB.Arg(0) == "x" {
			return h.webSignOut(ctx, r, m)
		}
		return h.webInvite(ctx, r, m)
	}
	return h.webList(ctx, r, r.CB.Offset(1))
}

// webList pages the members of the requester's scope, linked or not, to
// make one a sign-in link.
func (h *Handlers) webList(ctx context.Context, r *chat.Request, off int) error {
	ms, err := r.Scope(chat.Secretary).Members(ctx)
	if err != nil {
		return err
	}
	if ms, err = r.ActOn(ctx, ms); err != nil {
		return err
	}
	back := chat.NewRow(chat.NewButton("◀ Mã mời", cbInvite, "p", 0))
	if len(ms) == 0 {
		kb := chat.NewMarkup(back)
		r.Show("Trong phạm vi của đồng chí không có đảng viên nào mà đồng chí có thể tạo đường dẫn đăng nhập web. "+msgAccountsAbove, &kb)
		return nil
	}
	if off >= len(ms) {
		off = (len(ms) - 1) / invitePageSize * invitePageSize
	}
	end := min(off+invitePageSize, len(ms))
	var rows chat.Keyboard
	for _, m := range ms[off:end] {
		rows = append(rows, chat.NewRow(chat.NewButton(fmt.Sprintf("%s · %s", m.FullName, m.OrgName), cbWeb, "m", m.ID)))
	}
	var nav chat.Row
	if off > 0 {
		nav = append(nav, chat.NewButton(chat.LabelPrev, cbWeb, "l", max(off-invitePageSize, 0)))
	}
	if end < len(ms) {
		nav = append(nav, chat.NewButton(chat.LabelNext, cbWeb, "l", end))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, back)
	kb := chat.NewMarkup(rows...)
	r.Show(fmt.Sprintf("🌐 <b>Đăng nhập sổ tay trên web</b>\nCho đảng viên không dùng được Telegram (bị chặn, không cài): "+
		"chọn đồng chí để tạo đường dẫn đăng nhập dùng một lần, hạn 30 ngày. Đường dẫn không liên kết Telegram và không thu hồi mã mời nào. "+
		"%s\n%d đảng viên (%d–%d):", msgAccountsAbove, len(ms), off+1, end), &kb)
	return nil
}

// webInvite makes a member's sign-in link (30 days); a member with
// Telegram is told there at once who made it.
func (h *Handlers) webInvite(ctx context.Context, r *chat.Request, m storage.Member) error {
	by := r.Member.ID
	l, err := r.Store.CreateWebLink(ctx, storage.WebLinkInput{MemberID: m.ID, Purpose: storage.WebLinkInvite, Actor: r.Actor(), ByMember: &by})
	if err != nil {
		return err
	}
	exp := l.ExpiresAt.In(h.deps.Location).Format("02/01/2006")
	if err := TellWebLink(ctx, r.Store, m, r.Member.FullName, exp); err != nil {
		return err
	}
	kb := chat.NewMarkup(
		chat.NewRow(chat.NewButton("⛔ Đăng xuất web mọi thiết bị", cbWeb, "x", m.ID)),
		chat.NewRow(chat.NewButton("◀ Danh sách", cbWeb, "l", 0)),
	)
	told := ""
	if m.TelegramUserID != nil {
		told = " Đồng chí ấy đã được báo tin trên Telegram."
	}
	r.Reply(fmt.Sprintf("🌐 Đường dẫn đăng nhập sổ tay trên web cho đồng chí <b>%s</b> (%s):\n%s\n\n"+
		"Dùng một lần, hết hạn ngày %s. Đồng chí hãy trao tận tay đảng viên đó: mở bằng Chrome rồi bấm «Vào sổ tay».%s",
		esc(m.FullName), esc(m.OrgName), esc(h.webLink(l.Token)), exp, told), kb)
	r.Toast = "Đã tạo đường dẫn đăng nhập web."
	return nil
}

// TellWebLink tells a member on Telegram that someone else made them a web
// sign-in link (the bot here, and sotay invite --web): nobody studies in
// another's name unseen. A member without Telegram is not told.
func TellWebLink(ctx context.Context, s *storage.Storage, m storage.Member, maker, expires string) error {
	if m.TelegramUserID == nil {
		return nil
	}
	who := "Văn phòng Đảng ủy"
	if maker != "" {
		who = "Đồng chí <b>" + esc(maker) + "</b>"
	}
	text := fmt.Sprintf("🌐 %s đã tạo đường dẫn đăng nhập sổ tay trên web cho đồng chí (hết hạn ngày %s).\n\n"+
		"Nếu đồng chí không đề nghị việc này, hãy báo ngay bí thư chi bộ hoặc Văn phòng Đảng ủy. "+
		"Trong sổ tay trên web, mục ⚙ liệt kê các thiết bị đang đăng nhập và ai đã tạo đường dẫn.", who, expires)
	_, err := s.Enqueue(ctx, storage.OutboxNotice, *m.TelegramUserID, text, nil)
	return err
}

// webSignOut ends every web session of a member (their lost phone), and
// revokes their open sign-in links.
func (h *Handlers) webSignOut(ctx context.Context, r *chat.Request, m storage.Member) error {
	n, err := r.Store.EndWebSessions(ctx, m.ID, r.Actor())
	if err != nil {
		return err
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton("◀ Danh sách", cbWeb, "l", 0)))
	r.Show(fmt.Sprintf("⛔ Đã đăng xuất sổ tay trên web của đồng chí <b>%s</b> (%s): %d thiết bị; các đường dẫn đăng nhập chưa dùng đã bị thu hồi.",
		esc(m.FullName), esc(m.OrgName), n), &kb)
	r.Toast = "Đã đăng xuất."
	return nil
}
