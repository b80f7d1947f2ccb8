package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"sotay/bot"
	"sotay/bot/sandbox"
	"sotay/bot/telegramtest"
	"sotay/cmd/sotay/wire"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/demodata"
	"sotay/storage/vn"
)

// DefaultDemoAddr is where the demo's sandbox chat listens unless
// LISTEN_ADDR or --listen says otherwise.
const DefaultDemoAddr = "127.0.0.1:8080"

type demoOptions struct {
	listen string
	reset  bool
	public bool
	// listenSet is true when the address was given, not defaulted.
	listenSet bool
}

func demoCmd() *cobra.Command {
	c := configFromEnv()
	if _, ok := os.LookupEnv("LOG_LEVEL"); !ok {
		c.LogLevel = "warn" // the terminal shows what to open, not the bot's chatter
	}
	o := demoOptions{listen: envOr("LISTEN_ADDR", DefaultDemoAddr), listenSet: os.Getenv("LISTEN_ADDR") != ""}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Chạy bot trên một Đảng bộ xã mẫu (phòng thử trò chuyện trong trình duyệt khi không có mã bot)",
		Long: "Tạo Đảng bộ xã mẫu (Đảng bộ xã Bình Lư: 72 tổ chức, 870 đảng viên, các vai trò) trong cơ sở dữ liệu\n" +
			"riêng sotay_demo, trên máy chủ PostgreSQL của DATABASE_URL, rồi chạy bot thật trên đó.\n\n" +
			"Không có TELEGRAM_BOT_TOKEN: bot nói chuyện với máy chủ Telegram giả ngay trong chương trình và phòng\n" +
			"thử mở tại http://" + DefaultDemoAddr + " (LISTEN_ADDR, --listen): chọn vai (quản trị, cán bộ, bí thư,\n" +
			"đảng viên) và trò chuyện với bot trong trình duyệt. Chỉ mở trên máy này, trừ khi có --public.\n\n" +
			"Có TELEGRAM_BOT_TOKEN: bot chạy trên Telegram với dữ liệu mẫu và in đường liên kết mời.\n\n" +
			"--reset xóa sotay_demo và tạo lại; không bao giờ đụng tới cơ sở dữ liệu khác. Các lệnh khác dùng dữ\n" +
			"liệu mẫu khi thêm --demo, ví dụ: sotay orgs list --demo",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.listenSet = o.listenSet || cmd.Flags().Changed("listen")
			return c.demo(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	c.dbFlags(cmd)
	c.telegramFlags(cmd)
	cmd.Flags().StringVar(&o.listen, "listen", o.listen, "`ĐỊA_CHỈ` của phòng thử (biến LISTEN_ADDR); khi có mã bot: của /healthz và /metrics")
	cmd.Flags().BoolVar(&o.public, "public", false, "cho phép --listen trên địa chỉ máy khác truy cập được (ai vào cũng đóng được mọi vai)")
	cmd.Flags().BoolVar(&o.reset, "reset", false, "xóa cơ sở dữ liệu mẫu sotay_demo và tạo lại")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

func (c *config) demo(ctx context.Context, out io.Writer, o demoOptions) error {
	started := time.Now()
	log := c.logger()
	loc, err := c.location()
	if err != nil {
		return err
	}
	dsn, err := demodata.DSN(c.DatabaseURL)
	if err != nil {
		return err
	}
	// Take the address first: a busy port should not wait for the database.
	var ln net.Listener
	if c.Token == "" {
		if ln, err = demoListen(o.listen, o.public); err != nil {
			return err
		}
		defer ln.Close()
	}
	dc := *c
	dc.DatabaseURL = dsn
	release, err := demodata.Lock(ctx, dsn)
	if errors.Is(err, demodata.ErrRunning) {
		return errors.New("một bản demo khác đang chạy trên cơ sở dữ liệu sotay_demo (có thể ở cửa sổ dòng lệnh khác): hãy dừng nó (Ctrl+C) rồi chạy lại")
	}
	if err != nil {
		return explainDBError(dsn, err)
	}
	defer release()
	if o.reset {
		fmt.Fprintln(out, "Đang xóa và tạo lại cơ sở dữ liệu sotay_demo…")
	}
	s, err := dc.openDemo(ctx, o.reset, loc, out)
	if err != nil {
		return err
	}
	defer s.Close()
	if c.Token != "" {
		listen := ""
		if o.listenSet {
			listen = o.listen
		}
		return c.demoTelegram(ctx, out, s, loc, log, listen)
	}
	return demoSandbox(ctx, out, s, loc, log, ln, o.public, started)
}

// openDemo opens the demo database (creating it when missing), brings its
// schema up to date and fills it with the demo; a demo made by an older
// sotay is made again.
func (c *config) openDemo(ctx context.Context, reset bool, loc *time.Location, out io.Writer) (*storage.Storage, error) {
	for attempt := 0; ; attempt++ {
		if reset {
			rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := demodata.Reset(rctx, c.DatabaseURL)
			cancel()
			if err != nil {
				return nil, explainDBError(c.DatabaseURL, err)
			}
		}
		s, err := c.open(ctx, true)
		if err != nil {
			return nil, err
		}
		created, err := demodata.Generate(ctx, s, c.now(loc))
		switch {
		case errors.Is(err, demodata.ErrStale) && attempt == 0:
			s.Close()
			fmt.Fprintln(out, "Dữ liệu mẫu có sẵn do phiên bản sotay cũ hơn tạo ra: đang tạo lại cơ sở dữ liệu sotay_demo…")
			reset = true
			continue
		case err != nil:
			s.Close()
			return nil, err
		case created:
			fmt.Fprintf(out, "Đã tạo dữ liệu mẫu: Đảng bộ xã Bình Lư, %s đảng viên (cơ sở dữ liệu sotay_demo).\n", vn.Number(demodata.TotalMembers))
		}
		return s, nil
	}
}

// demoListen takes the sandbox's address, on loopback unless public.
func demoListen(addr string, public bool) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("địa chỉ %q không hợp lệ: hãy ghi dạng máy:cổng, ví dụ %s", addr, DefaultDemoAddr)
	}
	if !public && !isLoopback(host) {
		return nil, fmt.Errorf("địa chỉ %s cho máy khác truy cập được, mà ai mở trang cũng đóng được mọi vai: "+
			"hãy dùng %s, hoặc thêm --public nếu thật sự muốn mở cho mạng nội bộ", addr, DefaultDemoAddr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("không mở được %s (%v): cổng có thể đang bận; hãy chọn cổng khác, ví dụ --listen 127.0.0.1:8081", addr, err)
	}
	return ln, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// demoSandbox runs the bot against an in-process fake Bot API and serves
// the sandbox chat next to it, on one listener: the page at /, the fake
// Bot API under /tg.
func demoSandbox(ctx context.Context, out io.Writer, s *storage.Storage, loc *time.Location, log *slog.Logger, ln net.Listener, public bool, started time.Time) error {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	// A fresh token each run: with --public nobody else can poll the bot's updates.
	token := fmt.Sprintf("%d:%s", telegramtest.BotID, hex.EncodeToString(b))
	tg := telegramtest.NewHandler(telegramtest.WithToken(token))
	defer tg.Close()
	sb := sandbox.New(sandbox.Config{Store: s, TG: tg, Log: log, Public: public, Hints: handlers.RoleHints()})
	defer sb.Close()
	if err := demodata.ForgetUpdates(ctx, s); err != nil {
		return err
	}
	if err := sb.Restore(ctx); err != nil {
		return err
	}

	// The web handbook, as sotay serve runs it with WEB_URL, under /web/ of
	// the same page: /web in a persona's chat gives a link to it. Loopback
	// only: WEB_URL names one host, and --public serves any.
	var botAddr atomic.Value
	mux := http.NewServeMux()
	mux.Handle("/tg/", http.StripPrefix("/tg", tg))
	mux.Handle("/", sb)
	mux.Handle("/web/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		addr, _ := botAddr.Load().(string)
		if addr == "" {
			http.Error(w, "Sổ tay trên web chưa sẵn sàng.", http.StatusServiceUnavailable)
			return
		}
		(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(&url.URL{Scheme: "http", Host: addr})
			pr.Out.Host = pr.In.Host // the web handbook answers to WEB_URL's host only
		}}).ServeHTTP(w, r)
	}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()

	self := ln.Addr().(*net.TCPAddr)
	page := fmt.Sprintf("http://%s", ln.Addr())
	apiBase := fmt.Sprintf("http://%s/tg", net.JoinHostPort("127.0.0.1", fmt.Sprint(self.Port)))
	if self.IP.IsLoopback() {
		apiBase = page + "/tg"
	}
	if self.IP.IsUnspecified() {
		page = fmt.Sprintf("http://127.0.0.1:%d (hoặc địa chỉ IP của máy này trong mạng nội bộ)", self.Port)
	}
	tg.SetURL(apiBase)

	target, err := supervisionTarget()
	if err != nil {
		return err
	}
	cfg := bot.Config{Token: token, APIURL: apiBase, Location: loc, SupervisionTarget: target}
	if !public && self.IP.IsLoopback() {
		cfg.WebURL, cfg.ListenAddr = page+"/web/", "127.0.0.1:0"
	}
	bt, err := wire.Bot(ctx, cfg, s, log)
	if err != nil {
		return err
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- bt.Run(bctx) }()
	select {
	case <-bt.Ready:
	case err := <-runErr:
		return err
	case err := <-srvErr:
		return err
	}
	if cfg.WebURL != "" {
		botAddr.Store(bt.Addr)
	}
	took := vn.Decimal(time.Since(started).Seconds(), 1)
	fmt.Fprintf(out, "Bot thử đã sẵn sàng (%s giây). Mở %s trong trình duyệt, chọn vai (quản trị, cán bộ, bí thư, đảng viên) và trò chuyện với bot.\n",
		took, page)
	fmt.Fprintln(out, "Không cần Telegram: bot chạy với máy chủ Telegram giả ngay trong chương trình này. Bấm Ctrl+C để dừng.")
	if cfg.WebURL != "" {
		fmt.Fprintf(out, "Sổ tay trên web (WEB_URL) chạy ở %s: gõ /web trong cuộc trò chuyện của một vai để nhận đường dẫn đăng nhập.\n", cfg.WebURL)
	}
	select {
	case <-ctx.Done():
	case err := <-srvErr:
		cancel()
		<-runErr
		return err
	case err := <-runErr:
		return err
	}
	cancel()
	err = <-runErr
	fmt.Fprintln(out, "Đã dừng bot thử.")
	return err
}

// demoTelegram runs the bot on Telegram with the demo data and prints an
// invite link for each kind of persona.
func (c *config) demoTelegram(ctx context.Context, out io.Writer, s *storage.Storage, loc *time.Location, log *slog.Logger, listen string) error {
	target, err := supervisionTarget()
	if err != nil {
		return err
	}
	b, err := wire.Bot(ctx, bot.Config{Token: c.Token, APIURL: c.APIURL, Proxy: c.TelegramProxy, ListenAddr: listen, Location: loc, SupervisionTarget: target}, s, log)
	if err != nil {
		return err
	}
	ps, err := demodata.Personas(ctx, s)
	if err != nil {
		return err
	}
	username := b.Client().Username()
	fmt.Fprintf(out, "Bot @%s chạy trên Telegram với dữ liệu mẫu (cơ sở dữ liệu sotay_demo). Mở một đường liên kết dưới đây trong Telegram để đóng vai:\n", username)
	shown := map[string]bool{}
	for _, p := range ps {
		if shown[p.Role] {
			continue
		}
		shown[p.Role] = true
		if p.Linked() {
			fmt.Fprintf(out, "%s\t%s\t%s · %s\tđã liên kết: gửi /menu cho @%s\n", p.Code, p.FullName, storage.RoleName(p.Role), p.RoleOrgName, username)
			continue
		}
		tok, err := s.CreateInvite(ctx, p.ID, storage.DefaultInviteTTL, demodata.Actor)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\t%s\t%s · %s\thttps://t.me/%s?start=%s\n", p.Code, p.FullName, storage.RoleName(p.Role), p.RoleOrgName, username, tok)
	}
	fmt.Fprintf(out, "Đường liên kết cho đảng viên khác: sotay invite --database-url '%s' --member DV0001. Bấm Ctrl+C để dừng.\n", redactDSN(c.demoDSN()))
	return b.Run(ctx)
}

// demoBot is the bot's name for a command run with --demo: the sandbox's
// bot (sotay demo without TELEGRAM_BOT_TOKEN answers as it). With a token
// the demo runs as that bot on Telegram, which getMe names: "" then, as
// without --demo.
func (c *config) demoBot(cmd *cobra.Command) string {
	if f := cmd.Flag("demo"); f == nil || f.Value.String() != "true" || strings.TrimSpace(c.Token) != "" {
		return ""
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Bản demo: đường liên kết mang tên bot của phòng thử, @%s (chạy sotay demo với TELEGRAM_BOT_TOKEN thì dùng tên bot thật).\n",
		telegramtest.BotUsername)
	return telegramtest.BotUsername
}

// demoDSN is the demo database's URL (c.DatabaseURL already is, inside demo).
func (c *config) demoDSN() string {
	dsn, err := demodata.DSN(c.DatabaseURL)
	if err != nil {
		return c.DatabaseURL
	}
	return dsn
}
