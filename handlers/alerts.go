package handlers

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/report"
	"sotay/storage"
)

// Warnings of the rules of party work (issue 20): /canhbao, where a
// secretary reads those of their cell and an officer those of their scope,
// today, paged, with what to do; and the Monday digest, which the bot's
// sweep queues through the outbox (storage/alert_digests.go) and renders
// with DigestMessage. The rules themselves live in storage (alerts.go).

// alertPageLen bounds a page of /canhbao, well under Telegram's 4,096
// characters with the header and the footer.
const alertPageLen = 3300

// alertsCommand is /canhbao [MÃ]: the warnings of the sender's scope, or of
// one organisation in it.
func (h *Handlers) alertsCommand(ctx context.Context, r *chat.Request) error {
	var org int64
	if code := strings.TrimSpace(r.Args); code != "" {
		o, err := r.Store.Organisation(ctx, code)
		if errors.Is(err, storage.ErrNotFound) {
			o, err = r.Store.Organisation(ctx, strings.ToUpper(code))
		}
		if errors.Is(err, storage.ErrNotFound) {
			return storage.Errorf(storage.CodeInvalid, "Không có tổ chức mã %s. Đồng chí gõ /canhbao để xem cảnh báo của mọi tổ chức mình phụ trách.", code)
		}
		if err != nil {
			return err
		}
		org = o.ID
	}
	return h.showAlerts(ctx, r, org, 0, true)
}

// alertsPage is a press on ◀ / ▶, cbao:<page>:<org>, or on a digest's
// button, cbao:0:0:n, which answers in a new message: the digest stays.
func (h *Handlers) alertsPage(ctx context.Context, r *chat.Request) error {
	page, err := r.CB.Int(0, 0, 10000)
	if err != nil {
		return err
	}
	org, err := r.CB.Int(1, 0, math.MaxInt)
	if err != nil {
		return err
	}
	return h.showAlerts(ctx, r, int64(org), page, r.CB.Arg(2) == "n")
}

// showAlerts shows page page of today's warnings of org (0: the sender's
// whole scope), which must lie in the sender's scope: in a new message when
// fresh, else in place of the message pressed on.
func (h *Handlers) showAlerts(ctx context.Context, r *chat.Request, org int64, page int, fresh bool) error {
	show := r.Show
	if fresh {
		show = func(text string, kb *chat.Markup) {
			if kb == nil {
				r.Reply(text, nil)
			} else {
				r.Reply(text, *kb)
			}
		}
	}
	scope := r.Scope(chat.Secretary)
	roots := scope.Roots()
	if org != 0 {
		if err := scope.Check(ctx, org); err != nil {
			return storage.Errorf(storage.CodeForbidden, "Đồng chí chỉ xem được cảnh báo của tổ chức mình phụ trách và các tổ chức trực thuộc.")
		}
		roots = []int64{org}
	}
	today := r.Now()
	as, err := r.Store.Alerts(ctx, storage.AlertQuery{On: today, Roots: roots, CoverageTarget: h.deps.SupervisionTarget})
	if err != nil {
		return err
	}
	if len(as) == 0 {
		show(fmt.Sprintf("✅ Ngày %s không có cảnh báo nào trong phạm vi đồng chí phụ trách: các quy định về sinh hoạt đảng, "+
			"giám sát và học tập đang được thực hiện đúng.", dateVN(today)), nil)
		return nil
	}
	pages := alertPages(as, today)
	page = min(max(page, 0), len(pages)-1)
	groups := report.GroupAlerts(as)
	head := fmt.Sprintf("⚠️ <b>Cảnh báo ngày %s</b>: %d cảnh báo", dateVN(today), len(as))
	if len(groups) > 1 {
		head += fmt.Sprintf(" ở %d tổ chức", len(groups))
		if page == 0 {
			head += fmt.Sprintf("\n<i>Xem riêng một tổ chức: /canhbao MÃ, ví dụ /canhbao %s</i>", esc(groups[0].OrgCode))
		}
	}
	text := head + "\n" + pages[page]
	var nav chat.Row
	if len(pages) > 1 {
		text += fmt.Sprintf("\n\n<i>Trang %d/%d</i>", page+1, len(pages))
		if page > 0 {
			nav = append(nav, chat.NewButton("◀ Trước", cbAlerts, page-1, org))
		}
		if page < len(pages)-1 {
			nav = append(nav, chat.NewButton("Sau ▶", cbAlerts, page+1, org))
		}
	}
	if nav == nil {
		show(text, nil)
		return nil
	}
	kb := chat.NewMarkup(nav)
	show(text, &kb)
	return nil
}

// alertPages lays the warnings out in pages of at most alertPageLen
// characters: by organisation, then rule, each rule with what to do; an
// organisation or a rule continued on the next page is named again.
func alertPages(as []storage.Alert, today time.Time) []string {
	var pages []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			pages = append(pages, b.String())
			b.Reset()
		}
	}
	for _, g := range report.GroupAlerts(as) {
		orgHead := fmt.Sprintf("\n🏠 <b>%s</b> (%s) — %d cảnh báo\n", esc(g.OrgName), esc(g.OrgCode), g.Count())
		onPage := false // the organisation's heading is on this page
		for _, rg := range g.Rules {
			ruleHead := "<i>" + esc(report.RuleName(rg.Rule)) + "</i>\n"
			advice := "→ " + esc(report.RuleAdvice(rg.Rule)) + "\n"
			for i, a := range rg.Alerts {
				line := "• " + esc(report.AlertLine(a, today)) + "\n"
				lead := ""
				if !onPage {
					lead = orgHead
				}
				if i == 0 || !onPage {
					lead += ruleHead
				}
				tail := ""
				if i == len(rg.Alerts)-1 {
					tail = advice
				}
				if b.Len() > 0 && htmlLen(b.String()+lead+line+tail) > alertPageLen {
					flush()
					onPage = false
					lead = orgHead + ruleHead
				}
				b.WriteString(lead + line + tail)
				onPage = true
			}
		}
	}
	flush()
	return pages
}

// digestNamed bounds the warnings a cell's digest names, and digestOrgsLen
// the lines of an officer's, so that a digest stays one message.
const (
	digestNamed   = 12
	digestOrgsLen = 3300
)

// DigestMessage renders a member's weekly digest: for a secretary of cells
// the new warnings named and the others counted, for an officer a line per
// organisation with its counts; the detail is behind /canhbao.
func DigestMessage(d storage.Digest) (string, any) {
	var b strings.Builder
	newCount := d.NewCount()
	fmt.Fprintf(&b, "📋 <b>Cảnh báo đầu tuần — %s</b>\n", dateVN(d.Week))
	groups := report.GroupAlerts(d.Alerts)
	fmt.Fprintf(&b, "Có %d cảnh báo", len(d.Alerts))
	if len(groups) > 1 {
		fmt.Fprintf(&b, " ở %d tổ chức", len(groups))
	}
	if d.Since != nil {
		fmt.Fprintf(&b, ", %d mới so với bản tin ngày %s", newCount, dateVN(*d.Since))
	}
	b.WriteString(".\n")
	if d.Cells {
		named := 0
		for i, a := range d.Alerts {
			if !d.New[i] {
				continue
			}
			if named == 0 {
				b.WriteString("\n<b>Cảnh báo mới</b>\n")
			}
			if named == digestNamed {
				fmt.Fprintf(&b, "… và %d cảnh báo mới khác.\n", newCount-named)
				break
			}
			named++
			fmt.Fprintf(&b, "• %s\n", esc(report.AlertLine(a, d.Week)))
		}
		if open := len(d.Alerts) - newCount; open > 0 {
			fmt.Fprintf(&b, "\nCòn %d cảnh báo từ các tuần trước chưa được khắc phục.\n", open)
		}
	} else {
		b.WriteString("\n")
		newOf := map[int64]int{}
		for i, a := range d.Alerts {
			if d.New[i] {
				newOf[a.OrgID]++
			}
		}
		for i, g := range groups {
			line := fmt.Sprintf("• %s: %d", esc(g.OrgName), g.Count())
			if n := newOf[g.OrgID]; n > 0 && d.Since != nil {
				line += fmt.Sprintf(" (%d mới)", n)
			}
			line += "\n"
			if htmlLen(b.String()+line) > digestOrgsLen {
				rest := 0
				for _, g := range groups[i:] {
					rest += g.Count()
				}
				fmt.Fprintf(&b, "… và %d tổ chức khác với %d cảnh báo.\n", len(groups)-i, rest)
				break
			}
			b.WriteString(line)
		}
	}
	b.WriteString("\nXem chi tiết và việc cần làm: /canhbao")
	return b.String(), chat.NewMarkup(chat.NewRow(chat.NewButton("⚠️ Xem cảnh báo", cbAlerts, 0, 0, "n")))
}
