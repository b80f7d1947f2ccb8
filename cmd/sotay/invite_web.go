package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"sotay/bot"
	"sotay/bot/web"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/vn"
)

// sotay invite --web and --web-logout: the web handbook's sign-in links
// made on the office PC, and a member's web sessions ended there.

// errNoWebURL says the web handbook is off.
var errNoWebURL = errors.New("chưa đặt WEB_URL (địa chỉ công khai của sổ tay trên web): hãy đặt biến WEB_URL " +
	"hoặc ghi --web-url, ví dụ --web-url https://xa.example.vn/sotay/")

// inviteWeb makes web sign-in links for --member or the active members of
// --org (linked to Telegram or not), printed or written to --out; or, with
// --web-logout, ends a member's web sessions. A member with Telegram is
// told there that a link was made for them.
func (c *config) inviteWeb(ctx context.Context, cmd *cobra.Command, s *storage.Storage, f inviteFlags) error {
	if f.webLogout != "" {
		m, err := s.Member(ctx, f.webLogout)
		if err != nil {
			return fmt.Errorf("không có đảng viên mã %s", f.webLogout)
		}
		n, err := s.EndWebSessions(ctx, m.ID, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã đăng xuất sổ tay trên web của %s (%s) trên %s thiết bị; các đường dẫn đăng nhập chưa dùng đã bị thu hồi.\n",
			m.Code, m.FullName, vn.Number(n))
		return nil
	}
	if c.WebURL == "" {
		return errNoWebURL
	}
	if _, err := bot.CheckWebURL(c.WebURL); err != nil {
		return err
	}
	ttl := f.ttl
	if !cmd.Flags().Changed("ttl") {
		ttl = storage.WebLinkInviteTTL
	}
	members, err := webMembers(ctx, s, f)
	if err != nil {
		return err
	}
	var lines []inviteLine
	var expires time.Time
	for _, m := range members {
		l, err := s.CreateWebLink(ctx, storage.WebLinkInput{MemberID: m.ID, Purpose: storage.WebLinkInvite, TTL: ttl, Actor: "cli"})
		if err != nil {
			return err
		}
		expires = l.ExpiresAt
		if err := handlers.TellWebLink(ctx, s, m, "", l.ExpiresAt.Format("02/01/2006")); err != nil {
			return err
		}
		lines = append(lines, inviteLine{m, web.LinkURL(c.WebURL, l.Token)})
	}
	if f.out != "" {
		if err := writeInviteXLSX(f.out, lines, expires); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã ghi %s đường dẫn đăng nhập web vào %s.\n", vn.Number(len(lines)), f.out)
		return nil
	}
	for _, l := range lines {
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", l.m.Code, l.link)
	}
	if len(lines) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "Không có đảng viên nào đang sinh hoạt trong tổ chức này.")
	}
	return nil
}

// webMembers are the members --web makes links for: --member, or every
// active member of --org and below, linked to Telegram or not.
func webMembers(ctx context.Context, s *storage.Storage, f inviteFlags) ([]storage.Member, error) {
	if f.member != "" {
		m, err := s.Member(ctx, f.member)
		switch {
		case err != nil:
			return nil, fmt.Errorf("không có đảng viên mã %s", f.member)
		case !m.Active:
			return nil, fmt.Errorf("đảng viên %s không còn sinh hoạt", f.member)
		}
		return []storage.Member{m}, nil
	}
	o, err := s.Organisation(ctx, f.org)
	if err != nil {
		return nil, fmt.Errorf("không có tổ chức mã %s", f.org)
	}
	return s.MembersInSubtree(ctx, o.ID)
}

// webSlipLink is the second QR code's link on a printed slip: a web
// sign-in link for the member when WEB_URL is set, valid as long as the
// invite; "" otherwise.
func (c *config) webSlipLink(ctx context.Context, s *storage.Storage, m storage.Member, ttl time.Duration) (string, error) {
	if c.WebURL == "" {
		return "", nil
	}
	l, err := s.CreateWebLink(ctx, storage.WebLinkInput{MemberID: m.ID, Purpose: storage.WebLinkInvite, TTL: ttl, Actor: "cli"})
	if err != nil {
		return "", err
	}
	return web.LinkURL(c.WebURL, l.Token), nil
}
