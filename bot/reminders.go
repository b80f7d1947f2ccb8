package bot

import (
	"context"
	"log/slog"
	"time"

	"sotay/storage"
)

// ReminderEvery is how often serve sweeps for automatic reminders. A
// sweep queues each member at most once a local day (the storage decides,
// for every replica at once), so sweeping often costs a query, not
// messages; the first sweep after 07:00 does the day's reminders.
const ReminderEvery = 5 * time.Minute

// sweepReminders queues the automatic reminders, rendered by render, every
// ReminderEvery until ctx ends. The messages themselves go through the
// outbox.
func sweepReminders(ctx context.Context, s *storage.Storage, loc *time.Location, render storage.ReminderRender, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		n, err := s.SweepReminders(ctx, loc, render)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("reminder sweep failed", "err", err)
		case n > 0:
			log.Info("reminders queued", "members", n, "took", time.Since(start))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sweepDigests queues the weekly digests of warnings, rendered by render,
// every ReminderEvery until ctx ends: the storage sends each member one a
// week, on Monday from 07:30 (the first sweep after it, or after a restart
// that Monday), and never at night.
func sweepDigests(ctx context.Context, s *storage.Storage, loc *time.Location, target int, render storage.DigestRender, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		start := time.Now()
		n, err := s.SweepDigests(ctx, loc, target, render)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("digest sweep failed", "err", err)
		case n > 0:
			log.Info("digests queued", "members", n, "took", time.Since(start))
		case err == nil:
			log.Debug("digest sweep", "members", 0)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
