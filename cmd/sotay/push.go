package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"sotay/bot"
	"sotay/handlers"
	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/vn"
)

func pushCmd() *cobra.Command {
	c := configFromEnv()
	var doc, issuer, to, due, report string
	var all, wait, quiz bool
	remindDays, pass := storage.DefaultRemindDays, storage.DefaultPassPercent
	cmd := &cobra.Command{
		Use:   "push --doc SỐ_HIỆU --to MÃ[,MÃ...] [--due NGÀY] [--wait]",
		Short: "Gửi văn bản cho đảng viên của các tổ chức",
		Long: "Gửi một văn bản đã đăng cho các đảng viên đang sinh hoạt của một hoặc nhiều tổ chức và mọi cấp dưới.\n\n" +
			"Đợt gửi ghi lại danh sách đảng viên được giao và xếp mỗi đảng viên đã liên kết một tin nhắn vào hàng\n" +
			"đợi trong cơ sở dữ liệu; `sotay serve` đang chạy sẽ gửi trong hạn mức chung (SEND_RATE).\n" +
			"Đảng viên đã được giao văn bản này từ đợt trước không được gửi lại, trừ khi có --all.\n" +
			"Với --wait lệnh này cũng tự gửi (khi đặt TELEGRAM_BOT_TOKEN), hiện thanh tiến độ và phần tổng kết.\n" +
			"--report ghi báo cáo gửi (XLSX) khi gửi xong. Xem mã tổ chức bằng: sotay orgs list",
		Example: "  sotay push --doc 21-KL/TW --to BINHLU --due 30/11/2026 --wait\n" +
			"  sotay push --doc 62-KH/TU --to CB01,CB02 --report bao-cao.xlsx --wait",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.push(cmd.Context(), cmd.OutOrStdout(), pushArgs{doc: doc, issuer: issuer, to: to, due: due, report: report, all: all, wait: wait, remindDays: remindDays, quiz: quiz, pass: pass})
		},
	}
	c.dbFlags(cmd)
	c.telegramFlags(cmd)
	c.rateFlag(cmd)
	documentFlags(cmd, &doc, &issuer)
	cmd.Flags().StringVar(&to, "to", "", "`MÃ,...` các tổ chức nhận, cách nhau dấu phẩy; mỗi mã gồm cả các cấp dưới (xem sotay orgs list)")
	cmd.Flags().StringVar(&due, "due", "", "`NGÀY` hạn học tập: 30/11/2026, 2026-11-30 hoặc 30/11 (năm nay); không được ở quá khứ")
	cmd.Flags().IntVar(&remindDays, "remind-days", remindDays, "nhắc tự động đảng viên chưa học từ `SỐ` ngày trước hạn (0: không nhắc tự động)")
	cmd.Flags().BoolVar(&quiz, "quiz", false, "bắt buộc làm bài kiểm tra của văn bản (gắn bằng sotay doc quiz) để được tính đã học")
	cmd.Flags().IntVar(&pass, "pass", pass, "`ĐIỂM` đạt của bài kiểm tra, phần trăm số câu đúng (dùng với --quiz)")
	cmd.Flags().BoolVar(&all, "all", false, "giao lại cả cho đảng viên đã được giao văn bản này")
	cmd.Flags().BoolVar(&wait, "wait", false, "chờ đến khi gửi hết, có thanh tiến độ")
	cmd.Flags().StringVar(&report, "report", "", "ghi báo cáo gửi vào `TỆP` XLSX này (chờ đến khi gửi xong)")
	cmd.Flags().StringVar(&c.TZ, "tz", c.TZ, "`MÚI_GIỜ` (biến TZ)")
	return cmd
}

type pushArgs struct {
	doc, issuer, to, due, report string
	all, wait, quiz              bool
	remindDays, pass             int
}

func (c *config) push(ctx context.Context, out io.Writer, a pushArgs) error {
	loc, err := c.location()
	if err != nil {
		return err
	}
	if strings.TrimSpace(a.doc) == "" {
		return errNoDoc
	}
	var codes []string
	for _, code := range strings.Split(a.to, ",") {
		if code = strings.TrimSpace(code); code != "" {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return errors.New("thiếu --to: hãy ghi mã tổ chức nhận, ví dụ --to BINHLU (cả Đảng bộ) hoặc --to CB01,CB02")
	}
	if err := storage.CheckRemindDays(a.remindDays); err != nil {
		return fmt.Errorf("--remind-days %d không hợp lệ: %s", a.remindDays, storage.ErrorMessage(err))
	}
	if err := storage.CheckPassPercent(a.pass); err != nil {
		return fmt.Errorf("--pass %d không hợp lệ: %s", a.pass, storage.ErrorMessage(err))
	}
	var dueOn *time.Time
	if a.due != "" {
		d, err := parseDue(a.due, c.now(loc))
		if err != nil {
			return err
		}
		dueOn = &d
	}
	return c.withStorage(ctx, func(s *storage.Storage) error {
		d, err := pushDocument(ctx, s, a.doc, a.issuer)
		if err != nil {
			return err
		}
		var orgIDs []int64
		var names []string
		for _, code := range codes {
			o, err := s.Organisation(ctx, code)
			if errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("không có tổ chức mã %s: hãy kiểm tra lại mã (sotay import orgs đã nhập những mã nào)", code)
			}
			if err != nil {
				return err
			}
			orgIDs = append(orgIDs, o.ID)
			names = append(names, o.Name)
		}
		p, err := s.PreviewCampaign(ctx, d.ID, orgIDs, a.all)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Văn bản: %s số %s — %s\nPhạm vi: %s\n", storage.DocumentKindName(d.Kind), d.Number, d.Title, strings.Join(names, ", "))
		fmt.Fprintf(out, "Giao cho %s đảng viên: %s nhận qua Telegram, %s chưa liên kết", vn.Number(p.Assigned), vn.Number(p.Reachable), vn.Number(p.NotLinked))
		if p.Already > 0 && !a.all {
			fmt.Fprintf(out, "; %s đã được giao từ trước nên không gửi lại (--all để gửi lại)", vn.Number(p.Already))
		}
		fmt.Fprintln(out, ".")
		camp, err := s.CreateCampaign(ctx, storage.CampaignInput{
			DocumentID: d.ID, OrgIDs: orgIDs, DueOn: dueOn, All: a.all, Actor: "cli", Message: handlers.PushMessage, WithVoice: handlers.PushVoiceMessage, RemindDays: &a.remindDays,
			QuizRequired: a.quiz, PassPercent: a.pass,
		})
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(out, "Đã tạo đợt gửi #%d: %s tin nhắn vào hàng đợi.\n", camp.ID, vn.Number(p.Reachable))
		if !a.wait && a.report == "" {
			fmt.Fprintln(out, "`sotay serve` sẽ gửi; dùng --wait để chờ và xem tiến độ.")
			return nil
		}
		stop := func() {}
		if c.Token != "" {
			sctx, cancel := context.WithCancel(ctx)
			client, err := c.botClient(sctx)
			if err != nil {
				cancel()
				return err
			}
			done := make(chan struct{})
			ob := bot.NewOutbox(client, s, bot.OutboxConfig{Rate: c.SendRate, Progress: handlers.PushProgress}, c.logger(), loc)
			go func() { defer close(done); _ = ob.Run(sctx) }()
			stop = func() { cancel(); <-done }
		} else {
			fmt.Fprintln(out, "TELEGRAM_BOT_TOKEN chưa đặt: lệnh này chỉ theo dõi, `sotay serve` phải đang chạy để gửi.")
		}
		st, err := waitCampaign(ctx, s, camp.ID, c.SendRate)
		stop()
		if err != nil {
			return err
		}
		text, _ := handlers.PushProgress(st, true, 0)
		fmt.Fprintln(out, plainText(text))
		if a.report != "" {
			rows, err := s.DeliveryReport(ctx, camp.ID)
			if err != nil {
				return err
			}
			data, err := report.DeliveryXLSX(rows, loc)
			if err != nil {
				return err
			}
			if err := os.WriteFile(a.report, data, 0o644); err != nil {
				return fmt.Errorf("không ghi được báo cáo %s: %v", a.report, err)
			}
			fmt.Fprintf(out, "Báo cáo gửi: %s (%s dòng)\n", a.report, vn.Number(len(rows)))
		}
		return nil
	})
}

// parseDue reads a deadline in any form vn.ParseDate reads (30/11/2026,
// 2026-11-30, 30/11, hôm nay), not in the past. now is the time where the
// members live, so "today" is their day.
func parseDue(s string, now time.Time) (time.Time, error) {
	d, err := vn.ParseDate(s, now)
	if err != nil {
		return d, fmt.Errorf("--due %q không phải ngày: hãy ghi DD/MM/YYYY, ví dụ --due 30/11/2026", strings.TrimSpace(s))
	}
	if err := storage.CheckDueDay(d, now); err != nil {
		return d, fmt.Errorf("--due: %s", storage.ErrorMessage(err))
	}
	return d, nil
}

// pushDocument finds the published document with this number.
func pushDocument(ctx context.Context, s *storage.Storage, number, issuer string) (storage.Document, error) {
	d, err := findDocument(ctx, s, number, issuer, "hãy kiểm tra số văn bản, hoặc thêm văn bản trước (sotay doc add)")
	if err != nil {
		return d, err
	}
	if d.Status != storage.DocPublished {
		return storage.Document{}, fmt.Errorf("văn bản %s chưa được công bố hoặc đã thu hồi: chỉ gửi được văn bản đang công bố", d.Number)
	}
	return d, nil
}

// waitCampaign shows a progress bar until nothing of the campaign is left
// to send.
func waitCampaign(ctx context.Context, s *storage.Storage, id int64, rate float64) (storage.CampaignStats, error) {
	st, err := s.CampaignStats(ctx, id)
	if err != nil {
		return st, err
	}
	bar := progressbar.NewOptions(st.Total,
		progressbar.OptionSetWriter(os.Stderr),
		progressbar.OptionSetDescription("Đang gửi"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionClearOnFinish())
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		_ = bar.Set(st.Total - st.Pending)
		// The count is written here, Vietnamese style ("1.234/2.793"), not by the bar.
		bar.Describe(fmt.Sprintf("Đang gửi %s/%s · %s không liên lạc được", vn.Number(st.Total-st.Pending), vn.Number(st.Total),
			vn.Number(st.Unreachable+st.Failed)))
		if st.Queued == 0 {
			_ = bar.Finish()
			return st, nil
		}
		select {
		case <-ctx.Done():
			_ = bar.Exit()
			return st, fmt.Errorf("đã dừng theo dõi; các tin còn lại vẫn nằm trong hàng đợi và sẽ được gửi tiếp: %w", ctx.Err())
		case <-t.C:
		}
		if st, err = s.CampaignStats(ctx, id); err != nil {
			return st, err
		}
	}
}

var tags = regexp.MustCompile(`<[^>]+>`)

// plainText turns a bot message's HTML into terminal text.
func plainText(s string) string { return html.UnescapeString(tags.ReplaceAllString(s, "")) }
