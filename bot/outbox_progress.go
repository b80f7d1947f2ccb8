// The pushers' status messages, edited as their push goes out.

package bot

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// ProgressRender draws a pusher's status message: progress while sending,
// then the final summary. rate (messages per second) gives the time left;
// 0 leaves it out.
type ProgressRender func(st storage.CampaignStats, final bool, rate float64) (text string, kb *tgbotapi.InlineKeyboardMarkup)

// progressLoop keeps pushers' status messages up to date.
func (o *Outbox) progressLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	pruned := time.Now()
	for {
		o.progress(ctx)
		if time.Since(pruned) > time.Hour {
			pruned = time.Now()
			if err := o.store.PruneChatSlots(ctx); err != nil && ctx.Err() == nil {
				o.log.Warn("outbox: prune chat slots", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// progress edits the status message of each campaign that is due. The edit
// takes a slot of the shared budget and of the pusher's chat, then goes
// through the direct client, which waits out a 429 itself. Without a
// renderer (OutboxConfig.Progress) the campaigns are claimed and finished,
// but no status message is edited.
func (o *Outbox) progress(ctx context.Context) {
	if blocked, _ := o.client.AuthBlocked(); blocked {
		return
	}
	due, err := o.store.ClaimProgress(ctx, o.cfg.ProgressEvery)
	if err != nil {
		if ctx.Err() == nil {
			o.log.Warn("outbox: progress", "err", err)
		}
		return
	}
	for _, p := range due {
		st, err := o.store.CampaignStats(ctx, p.ID)
		if err != nil || st.NotifyChatID == nil || st.ProgressMessageID == nil || o.cfg.Progress == nil {
			continue
		}
		text, kb := o.cfg.Progress(st, p.Final, o.cfg.Rate)
		if !storage.IsWebChat(*st.NotifyChatID) { // a web chat's edit needs no Telegram budget
			wait, err := o.store.ReserveSlot(ctx, *st.NotifyChatID, o.cfg.interval(), o.cfg.ChatGap)
			if err != nil {
				o.log.Warn("outbox: progress slot", "err", err)
				continue
			}
			if !sleep(ctx, wait) && !p.Final {
				return
			}
		}
		e := tgbotapi.NewEditMessageText(*st.NotifyChatID, *st.ProgressMessageID, text)
		e.ParseMode = tgbotapi.ModeHTML
		e.ReplyMarkup = kb
		_, err = o.out.Send(context.WithoutCancel(ctx), e)
		if err != nil && p.Final {
			// The status message is gone or too old to edit: the summary
			// must still arrive.
			m := tgbotapi.NewMessage(*st.NotifyChatID, text)
			m.ParseMode = tgbotapi.ModeHTML
			if kb != nil {
				m.ReplyMarkup = *kb
			}
			_, err = o.out.Send(context.WithoutCancel(ctx), m)
		}
		if err != nil {
			o.log.Warn("outbox: progress edit", "campaign", p.ID, "err", err)
		}
	}
}
