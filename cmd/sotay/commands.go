package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/xuri/excelize/v2"

	"sotay/bot"
	"sotay/cmd/sotay/wire"
	"sotay/handlers"
	"sotay/handlers/invitesheet"
	"sotay/handlers/roster"
	"sotay/storage"
	"sotay/storage/vn"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "sotay",
		Short:         "Sổ tay đảng viên điện tử trên Telegram",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), migrateCmd(), importCmd(), inviteCmd(), grantCmd(), docCmd(), pushCmd(), orgsCmd(), reportsCmd(), demoCmd())
	root.AddCommand(memberCmd(), checkCmd())
	root.AddCommand(alertsCmd())
	addStudyCommands(root)
	addStatsCommands(root)
	addPaperCommands(root)
	addVoiceCommands(root)
	demoDatabase(root)
	versionFlag(root)
	vietnamese(root)
	return root
}

// group is a command that only holds subs: sotay doc, sotay orgs, ...
func group(name, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{Use: name, Short: short}
	g.AddCommand(subs...)
	return g
}

// child returns the subcommand of parent named name, made with short as
// its description when there is none yet.
func child(parent *cobra.Command, name, short string) *cobra.Command {
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	c := group(name, short)
	parent.AddCommand(c)
	return c
}

func serveCmd() *cobra.Command {
	c := configFromEnv()
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Chạy bot (nhận tin bằng long polling, hoặc webhook khi đặt WEBHOOK_URL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.serve(cmd.Context())
		},
	}
	c.dbFlags(cmd)
	c.telegramFlags(cmd)
	cmd.Flags().StringVar(&c.WebhookURL, "webhook-url", c.WebhookURL, "`URL` HTTPS công khai của webhook, kết thúc bằng /telegram/webhook (biến WEBHOOK_URL); để trống: long polling")
	cmd.Flags().StringVar(&c.WebhookSecret, "webhook-secret", c.WebhookSecret, "`CHUỖI` bí mật Telegram gửi kèm mỗi lần gọi webhook (biến WEBHOOK_SECRET)")
	hideDefault(cmd, "webhook-secret")
	cmd.Flags().StringVar(&c.ListenAddr, "listen", c.ListenAddr, "`ĐỊA_CHỈ` của /healthz, /metrics, webhook và sổ tay trên web, ví dụ 127.0.0.1:8080 (biến LISTEN_ADDR)")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	c.rateFlag(cmd)
	c.metricsFlag(cmd)
	c.webFlag(cmd)
	return cmd
}

func (c *config) serve(ctx context.Context) error {
	log := c.logger()
	loc, err := c.location()
	if err != nil {
		return err
	}
	if c.Token == "" {
		return errors.New("chưa đặt TELEGRAM_BOT_TOKEN: hãy lấy mã bot từ @BotFather, hoặc chạy `sotay demo` để dùng thử bot không cần mã")
	}
	target, err := supervisionTarget()
	if err != nil {
		return err
	}
	return c.withStorage(ctx, func(s *storage.Storage) error {
		b, err := wire.Bot(ctx, bot.Config{
			Token: c.Token, APIURL: c.APIURL, Proxy: c.TelegramProxy, WebhookURL: c.WebhookURL, WebhookSecret: c.WebhookSecret,
			ListenAddr: c.ListenAddr, Location: loc, Outbox: bot.OutboxConfig{Rate: c.SendRate}, MetricsToken: c.MetricsToken,
			SupervisionTarget: target,
			WebURL:            c.WebURL,
		}, s, log)
		if err != nil {
			return err
		}
		return b.Run(ctx)
	})
}

func migrateCmd() *cobra.Command {
	c := configFromEnv()
	var retry bool
	cmd := &cobra.Command{
		Use:   "migrate [--retry]",
		Short: "Tạo cơ sở dữ liệu nếu chưa có và nâng lược đồ lên phiên bản mới nhất",
		Long: "Tạo cơ sở dữ liệu nếu chưa có và nâng lược đồ lên phiên bản mới nhất.\n\n" +
			"Mỗi tệp nâng cấp chạy trọn trong một giao dịch: tệp bị lỗi được hoàn tác hết, nhưng lược đồ bị đánh dấu\n" +
			"«dở dang» và sotay không chạy trên nó. Sửa nguyên nhân của lỗi rồi chạy sotay migrate --retry: phiên bản\n" +
			"bị lỗi được đánh dấu là chưa chạy và được chạy lại.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := c.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			defer s.Close()
			out := cmd.OutOrStdout()
			migrate, retried := s.Migrate, false
			if retry {
				migrate, retried = s.RetryMigration, true
			}
			from, to, err := migrate(cmd.Context())
			if errors.Is(err, storage.ErrNothingToRetry) {
				fmt.Fprintln(out, "Không có lần nâng lược đồ nào bị lỗi để chạy lại.")
				retried = false
				from, to, err = s.Migrate(cmd.Context())
			}
			if err != nil {
				return err
			}
			switch {
			case retried:
				fmt.Fprintf(out, "Đã chạy lại phần nâng cấp bị lỗi: lược đồ cơ sở dữ liệu đã nâng từ phiên bản %d lên %d.\n", from, to)
			case from == to:
				fmt.Fprintf(out, "Lược đồ cơ sở dữ liệu đã ở phiên bản mới nhất (%d).\n", to)
			default:
				fmt.Fprintf(out, "Đã nâng lược đồ cơ sở dữ liệu từ phiên bản %d lên %d.\n", from, to)
			}
			return nil
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().BoolVar(&retry, "retry", false, "sau khi đã sửa nguyên nhân: đánh dấu phiên bản bị lỗi là chưa chạy và chạy lại")
	return cmd
}

func importCmd() *cobra.Command {
	return group("import", "Nhập tổ chức hoặc đảng viên từ tệp CSV hoặc XLSX",
		importSubCmd("orgs", "Nhập tổ chức (cột code, name, kind, parent_code)"),
		importSubCmd("members", "Nhập đảng viên (cột code, full_name, org_code, gender, birth_year, ethnicity, status, phone)"),
		importTemplateCmd())
}

func importSubCmd(what, short string) *cobra.Command {
	c := configFromEnv()
	var skipInvalid, quiet bool
	var name string
	cmd := &cobra.Command{
		Use:   what + " TỆP",
		Short: short,
		Long: short + ".\n\nTệp CSV (UTF-8, phân cách bằng dấu phẩy hoặc chấm phẩy) hoặc XLSX (trang đầu) có dòng tiêu đề;\n" +
			"nhận cả tiêu đề tiếng Việt. Các dòng được ghi theo mã (có thì cập nhật, chưa có thì tạo) trong một\n" +
			"giao dịch. Có dòng bị từ chối thì không ghi gì, trừ khi thêm --skip-invalid; khi có dòng bị từ chối\n" +
			"lệnh kết thúc với mã 1. Cây tổ chức chỉ có một tổ chức gốc (dòng duy nhất không ghi Mã cấp trên).\n" +
			"TỆP là - thì đọc từ đầu vào chuẩn. Tệp mẫu: sotay import template " + what + " --out mau.xlsx",
		Example: "  sotay import " + what + " danh-sach.xlsx\n  sudo sotay-env import " + what + " - < danh-sach.xlsx",
		Args:    exactArgs(1, "sotay import "+what+" TỆP, ví dụ: sotay import "+what+" danh-sach.xlsx"),
		RunE: func(cmd *cobra.Command, args []string) error {
			in, err := openInput(cmd, args[0], name)
			if err != nil {
				return err
			}
			defer in.r.Close()
			f := in.r
			ctx := cmd.Context()
			opts := storage.ImportOptions{Actor: "cli", SkipInvalid: skipInvalid}
			start := time.Now()
			// The file is read first: a file that can't be read needs no database.
			var run func(*storage.Storage) (storage.ImportReport, error)
			if what == "orgs" {
				rows, rejected, err := roster.ParseOrgs(f, in.name)
				if err != nil {
					return err
				}
				run = func(s *storage.Storage) (storage.ImportReport, error) { return s.ImportOrgs(ctx, rows, rejected, opts) }
			} else {
				rows, rejected, err := roster.ParseMembers(f, in.name)
				if err != nil {
					return err
				}
				run = func(s *storage.Storage) (storage.ImportReport, error) {
					return s.ImportMembers(ctx, rows, rejected, opts)
				}
			}
			return c.withStorage(ctx, func(s *storage.Storage) error {
				rep, err := run(s)
				if err != nil {
					return err
				}
				printReport(cmd.OutOrStdout(), rep, quiet, time.Since(start))
				if rep.Rejected > 0 {
					return exitError{code: 1}
				}
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().BoolVar(&skipInvalid, "skip-invalid", false, "ghi các dòng hợp lệ kể cả khi có dòng bị từ chối")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "chỉ in các dòng bị từ chối và phần tổng kết")
	nameFlag(cmd, &name, "tệp", "danh-sach.xlsx")
	return cmd
}

var resultNames = map[string]string{
	storage.ImportCreated:   "tạo mới",
	storage.ImportUpdated:   "cập nhật",
	storage.ImportUnchanged: "không đổi",
	storage.ImportRejected:  "TỪ CHỐI",
}

func printReport(w io.Writer, rep storage.ImportReport, quiet bool, took time.Duration) {
	for _, r := range rep.Rows {
		if quiet && r.Result != storage.ImportRejected {
			continue
		}
		line := fmt.Sprintf("Dòng %d\t%s\t%s", r.Line, r.Code, resultNames[r.Result])
		if r.Reason != "" {
			line += "\t" + r.Reason
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "Tạo mới: %s · Cập nhật: %s · Không đổi: %s · Từ chối: %s (%s giây)\n",
		vn.Number(rep.Created), vn.Number(rep.Updated), vn.Number(rep.Unchanged), vn.Number(rep.Rejected), vn.Decimal(took.Seconds(), 1))
	if rep.Left > 0 {
		fmt.Fprintf(w, "Thôi sinh hoạt: %s đảng viên (hủy liên kết tài khoản Telegram, thu hồi mã mời và vai trò; lịch sử được giữ).\n", vn.Number(rep.Left))
	}
	switch {
	case rep.Rejected > 0 && !rep.Written:
		fmt.Fprintln(w, "Chưa ghi gì vào cơ sở dữ liệu vì có dòng bị từ chối. Hãy sửa các dòng trên rồi nhập lại, hoặc thêm --skip-invalid để chỉ nhập các dòng hợp lệ.")
	case rep.Rejected > 0:
		fmt.Fprintln(w, "Đã ghi các dòng hợp lệ; các dòng bị từ chối chưa được nhập.")
	default:
		fmt.Fprintln(w, "Đã ghi vào cơ sở dữ liệu.")
	}
}

// inviteFlags are sotay invite's flags.
type inviteFlags struct {
	member, org, revoke, unlink, out, username, sheet string
	ttl                                               time.Duration
	relink                                            bool
	// web makes web sign-in links (invite_web.go); webLogout ends a
	// member's web sessions.
	web       bool
	webLogout string
}

// inviteLine is one member's link.
type inviteLine struct {
	m    storage.Member
	link string
}

func inviteCmd() *cobra.Command {
	c := configFromEnv()
	var f inviteFlags
	cmd := &cobra.Command{
		Use:   "invite",
		Short: "Tạo đường liên kết mời dùng một lần (t.me/<bot>?start=<mã>), hoặc thu hồi",
		Long: "Tạo đường liên kết mời dùng một lần cho một đảng viên (--member) hoặc cho mọi đảng viên đang sinh hoạt,\n" +
			"chưa liên kết của một tổ chức và các cấp dưới (--org). Mỗi dòng in ra là MÃ<TAB>ĐƯỜNG_LIÊN_KẾT; --out ghi\n" +
			"tệp XLSX thay vì in. --revoke MÃ thu hồi các mã mời còn hiệu lực của đảng viên đó. --member MÃ --relink\n" +
			"tạo đường liên kết chuyển đảng viên đã liên kết sang tài khoản Telegram khác (đổi tài khoản Telegram;\n" +
			"hiệu lực 3 ngày nếu không ghi --ttl; tài khoản cũ được báo tin). --unlink MÃ hủy liên kết tài khoản\n" +
			"Telegram của đảng viên (kể cả đảng viên đã thôi sinh hoạt): tài khoản đó được báo tin và liên kết lại được\n" +
			"bằng mã mời mới. Tên bot lấy từ getMe (TELEGRAM_BOT_TOKEN và TELEGRAM_API_URL), hoặc ghi --bot-username.\n\n" +
			"Sổ tay trên web (WEB_URL): --web tạo đường dẫn đăng nhập web dùng một lần (hạn 30 ngày) cho --member hoặc mọi\n" +
			"đảng viên đang sinh hoạt của --org, đã liên kết Telegram hay chưa; đảng viên có Telegram được báo tin. Khi có\n" +
			"WEB_URL, phiếu in (--sheet) có thêm mã QR thứ hai để vào sổ tay trên web. --web-logout MÃ đăng xuất sổ tay trên\n" +
			"web của đảng viên trên mọi thiết bị.",
		Example: "  sotay invite --member DV0001\n  sotay invite --org CB01 --out moi.xlsx\n  sotay invite --member DV0001 --relink\n  sotay invite --unlink DV0001\n" +
			"  sotay invite --web --org CB01\n  sotay invite --web-logout DV0001",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.check(); err != nil {
				return err
			}
			if f.relink && !cmd.Flags().Changed("ttl") {
				f.ttl = storage.RelinkInviteTTL
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error { return c.invite(ctx, cmd, s, f) })
		},
	}
	c.dbFlags(cmd)
	c.telegramFlags(cmd)
	cmd.Flags().StringVar(&f.member, "member", "", "`MÃ` đảng viên")
	cmd.Flags().StringVar(&f.org, "org", "", "`MÃ` tổ chức: mọi đảng viên chưa liên kết của tổ chức và cấp dưới (xem sotay orgs list)")
	cmd.Flags().StringVar(&f.revoke, "revoke", "", "`MÃ` đảng viên cần thu hồi mã mời")
	cmd.Flags().StringVar(&f.unlink, "unlink", "", "`MÃ` đảng viên cần hủy liên kết tài khoản Telegram")
	cmd.Flags().BoolVar(&f.relink, "relink", false, "dùng với --member: chuyển liên kết Telegram của đảng viên sang tài khoản mở đường liên kết mới")
	cmd.Flags().StringVar(&f.out, "out", "", "ghi `TỆP` XLSX (mã, họ tên, tổ chức, đường liên kết) thay vì in ra")
	cmd.Flags().StringVar(&f.sheet, "sheet", "", "ghi `TỆP` PDF để in: mỗi đảng viên một phiếu có họ tên, chi bộ và mã QR của đường liên kết (dùng với --org hoặc --member)")
	cmd.Flags().StringVar(&f.username, "bot-username", "", "`TÊN` bot, khỏi hỏi Telegram")
	cmd.Flags().DurationVar(&f.ttl, "ttl", storage.DefaultInviteTTL, "`THỜI_GIAN` hiệu lực của đường liên kết, ví dụ 720h")
	cmd.Flags().BoolVar(&f.web, "web", false, "tạo đường dẫn đăng nhập sổ tay trên web (dùng một lần, hạn 30 ngày) cho --member hoặc mọi đảng viên đang sinh hoạt của --org, đã liên kết Telegram hay chưa (cần WEB_URL)")
	cmd.Flags().StringVar(&f.webLogout, "web-logout", "", "`MÃ` đảng viên cần đăng xuất sổ tay trên web trên mọi thiết bị")
	c.webFlag(cmd)
	return cmd
}

// check refuses a combination of flags before anything is written: a
// wrong --out found after the invites were made would leave them unused.
func (f inviteFlags) check() error {
	n := 0
	for _, v := range []string{f.member, f.org, f.revoke, f.unlink, f.webLogout} {
		if v != "" {
			n++
		}
	}
	switch {
	case n != 1:
		return errors.New("hãy ghi đúng một trong --member MÃ, --org MÃ, --revoke MÃ, --unlink MÃ hoặc --web-logout MÃ, ví dụ: sotay invite --member DV0001")
	case f.web && (f.relink || f.sheet != "" || (f.member == "" && f.org == "")):
		return errors.New("--web dùng với --member MÃ hoặc --org MÃ (có thể kèm --out), không kèm --relink hay --sheet, ví dụ: sotay invite --web --org CB01")
	case f.unlink != "" && (f.out != "" || f.sheet != ""):
		return errors.New("--unlink không kèm --out hay --sheet, ví dụ: sotay invite --unlink DV0001")
	case f.sheet != "" && (f.revoke != "" || f.out != ""):
		return errors.New("--sheet dùng với --org MÃ hoặc --member MÃ, không kèm --out hay --revoke, ví dụ: sotay invite --org CBNAHIEN --sheet phieu-moi.pdf")
	case f.sheet != "" && !strings.HasSuffix(strings.ToLower(f.sheet), ".pdf"):
		return errors.New("--sheet phải là tệp .pdf, ví dụ --sheet phieu-moi.pdf")
	case f.out != "" && !strings.HasSuffix(strings.ToLower(f.out), ".xlsx"):
		return errors.New("--out phải là tệp .xlsx, ví dụ --out ma-moi.xlsx")
	case f.relink && f.member == "":
		return errors.New("--relink chỉ dùng với --member MÃ, ví dụ: sotay invite --member DV0001 --relink")
	}
	return nil
}

// invite revokes, unlinks, or makes the links and prints them or writes
// them to --out or --sheet.
func (c *config) invite(ctx context.Context, cmd *cobra.Command, s *storage.Storage, f inviteFlags) error {
	if f.unlink != "" {
		return unlinkMember(ctx, cmd, s, f.unlink)
	}
	if f.web || f.webLogout != "" {
		return c.inviteWeb(ctx, cmd, s, f)
	}
	if f.revoke != "" {
		k, err := s.RevokeInvites(ctx, f.revoke, "cli")
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi %s mã mời của %s.\n", vn.Number(k), f.revoke)
		return nil
	}
	members, err := inviteMembers(ctx, s, f)
	if err != nil {
		return err
	}
	if f.username == "" {
		f.username = c.demoBot(cmd)
	}
	if f.username == "" {
		cl, err := c.botClient(ctx)
		if err != nil {
			return fmt.Errorf("không hỏi được Telegram tên bot (%v): hãy ghi --bot-username", err)
		}
		f.username = cl.Username()
	}
	create := s.CreateInvite
	if f.relink {
		create = s.CreateRelinkInvite
	}
	var lines []inviteLine
	for _, m := range members {
		tok, err := create(ctx, m.ID, f.ttl, "cli")
		if err != nil {
			return err
		}
		lines = append(lines, inviteLine{m, fmt.Sprintf("https://t.me/%s?start=%s", f.username, tok)})
	}
	switch {
	case f.sheet != "":
		slips := make([]invitesheet.Slip, len(lines))
		for i, l := range lines {
			slips[i] = inviteSlip(l.m, l.link)
			if slips[i].WebLink, err = c.webSlipLink(ctx, s, l.m, f.ttl); err != nil {
				return err
			}
		}
		return writeInviteSheet(cmd, f.sheet, sheetTitle(ctx, s, f.org, members), f.username, s.Now().Add(f.ttl), slips)
	case f.out != "":
		if err := writeInviteXLSX(f.out, lines, s.Now().Add(f.ttl)); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "Đã ghi %s mã mời vào %s.\n", vn.Number(len(lines)), f.out)
		return nil
	}
	for _, l := range lines {
		fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\n", l.m.Code, l.link)
	}
	if len(lines) == 0 {
		fmt.Fprintln(cmd.ErrOrStderr(), "Không có đảng viên nào cần mã mời (tất cả đã liên kết).")
	}
	return nil
}

// unlinkMember is --unlink: the operator may unlink any member, active or
// not; the account is told through the outbox, which sotay serve sends.
func unlinkMember(ctx context.Context, cmd *cobra.Command, s *storage.Storage, code string) error {
	m, err := s.Member(ctx, code)
	if err != nil {
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("không có đảng viên mã %s", code)
		}
		return err
	}
	if !m.Linked() {
		return fmt.Errorf("đảng viên %s (%s) chưa liên kết tài khoản Telegram nào, không có gì để hủy", m.Code, m.FullName)
	}
	var u storage.Unlinked
	err = s.WithTx(ctx, func(s *storage.Storage) error {
		if u, err = s.UnlinkMember(ctx, m.ID, "cli"); err != nil {
			return err
		}
		_, err := s.Enqueue(ctx, storage.OutboxNotice, u.TelegramUserID, handlers.UnlinkNotice(m), nil)
		return err
	})
	if err != nil {
		return userError(err)
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "Đã hủy liên kết tài khoản Telegram của %s (%s, %s); tài khoản đó được báo tin khi bot chạy.\n", m.Code, m.FullName, m.OrgName)
	if u.RevokedInvites > 0 {
		fmt.Fprintf(out, "Đã thu hồi %s mã mời còn hiệu lực.\n", vn.Number(u.RevokedInvites))
	}
	if m.Active {
		fmt.Fprintf(out, "Để đồng chí ấy liên kết lại: sotay invite --member %s\n", m.Code)
	}
	return nil
}

// inviteMembers is --member, checked, or the unlinked members under --org.
func inviteMembers(ctx context.Context, s *storage.Storage, f inviteFlags) ([]storage.Member, error) {
	if f.member != "" {
		m, err := s.Member(ctx, f.member)
		switch {
		case err != nil:
			return nil, fmt.Errorf("không có đảng viên mã %s", f.member)
		case !m.Active:
			return nil, fmt.Errorf("đảng viên %s không còn sinh hoạt", f.member)
		case m.Linked() && !f.relink:
			return nil, fmt.Errorf("đảng viên %s đã liên kết tài khoản Telegram nên mã mời thường không dùng được; "+
				"nếu đồng chí ấy chuyển sang tài khoản Telegram khác, hãy thêm --relink: sotay invite --member %s --relink", f.member, f.member)
		case !m.Linked() && f.relink:
			return nil, fmt.Errorf("đảng viên %s chưa liên kết tài khoản Telegram nên không cần đổi: hãy bỏ --relink", f.member)
		}
		return []storage.Member{m}, nil
	}
	o, err := s.Organisation(ctx, f.org)
	if err != nil {
		return nil, fmt.Errorf("không có tổ chức mã %s", f.org)
	}
	all, err := s.MembersInSubtree(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	var members []storage.Member
	for _, m := range all {
		if !m.Linked() {
			members = append(members, m)
		}
	}
	return members, nil
}

// writeInviteXLSX writes the links to path, one member a row.
func writeInviteXLSX(path string, lines []inviteLine, expires time.Time) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "Mã mời"
	f.SetSheetName("Sheet1", sheet)
	_ = f.SetSheetRow(sheet, "A1", &[]any{"Mã đảng viên", "Họ và tên", "Tổ chức", "Đường liên kết", "Hết hạn"})
	exp := expires.Format("02/01/2006")
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		_ = f.SetSheetRow(sheet, cell, &[]any{l.m.Code, l.m.FullName, l.m.OrgName, l.link, exp})
	}
	_ = f.SetColWidth(sheet, "A", "A", 14)
	_ = f.SetColWidth(sheet, "B", "C", 28)
	_ = f.SetColWidth(sheet, "D", "D", 60)
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("không ghi được %s: %v", path, err)
	}
	return nil
}

func grantCmd() *cobra.Command {
	c := configFromEnv()
	var memberCode, role, orgCode string
	var revoke bool
	cmd := &cobra.Command{
		Use:   "grant",
		Short: "Giao cho đảng viên một vai trò đối với một tổ chức và các cấp dưới (--revoke để thu hồi)",
		Long: "Vai trò: secretary (bí thư: báo cáo cho tổ chức), officer (cán bộ Đảng ủy: thống kê và gửi văn bản\n" +
			"trong phạm vi tổ chức), admin (quản trị: danh sách đảng viên và vai trò). Mỗi lần giao hoặc thu hồi\n" +
			"được ghi vào nhật ký. Xem mã tổ chức bằng: sotay orgs list",
		Example: "  sotay grant --member DV0001 --role admin --org BINHLU",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if memberCode == "" || role == "" || orgCode == "" {
				return errors.New("hãy ghi đủ --member MÃ, --role secretary|officer|admin và --org MÃ, ví dụ: sotay grant --member DV0001 --role admin --org BINHLU")
			}
			ctx := cmd.Context()
			return c.withStorage(ctx, func(s *storage.Storage) error {
				if revoke {
					if err := s.RevokeRole(ctx, memberCode, role, orgCode, "cli"); err != nil {
						return err
					}
					fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi vai trò %s của %s tại %s.\n", storage.RoleName(role), memberCode, orgCode)
					return nil
				}
				open, err := s.OpenInvites(ctx, memberCode)
				if err != nil {
					return err
				}
				if err := s.GrantRole(ctx, memberCode, role, orgCode, "cli"); err != nil {
					if errors.Is(err, storage.ErrNotFound) {
						return fmt.Errorf("không có đảng viên %s hoặc tổ chức %s", memberCode, orgCode)
					}
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "Đã giao vai trò %s tại %s cho %s. Vai trò có hiệu lực ngay; danh sách lệnh trong Telegram cập nhật khi bot khởi động lại hoặc khi đồng chí đó gõ /start.\n",
					storage.RoleName(role), orgCode, memberCode)
				if left, err := s.OpenInvites(ctx, memberCode); err == nil && left < open {
					fmt.Fprintf(cmd.OutOrStdout(), "Đã thu hồi %s mã mời làm trước khi giao vai trò; nếu cần, tạo mã mới: sotay invite --member %s\n", vn.Number(open-left), memberCode)
				}
				return nil
			})
		},
	}
	c.dbFlags(cmd)
	cmd.Flags().StringVar(&memberCode, "member", "", "`MÃ` đảng viên")
	cmd.Flags().StringVar(&role, "role", "", "`VAI_TRÒ`: secretary, officer hoặc admin")
	cmd.Flags().StringVar(&orgCode, "org", "", "`MÃ` tổ chức vai trò áp dụng (cùng mọi cấp dưới; xem sotay orgs list)")
	cmd.Flags().BoolVar(&revoke, "revoke", false, "thu hồi vai trò thay vì giao")
	return cmd
}
