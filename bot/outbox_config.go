// The outbox sender's settings: the shared rate, leases, batches, retries,
// and when sends run concurrently.

package bot

import (
	"time"
)

// DefaultSendRate is the shared budget of proactive messages per second,
// under Telegram's ~30/s so that direct replies still fit beside a push.
const DefaultSendRate = 28

// OutboxConfig tunes the outbox sender. Zero values take the defaults.
type OutboxConfig struct {
	// Rate is messages per second over every sender process (SEND_RATE);
	// negative means no global limit (benchmarks).
	Rate float64
	// Lease is how long a claimed message stays with its sender after its
	// slot; a killed sender's messages are taken again after it.
	Lease time.Duration
	// Poll is how often an idle sender looks for work.
	Poll time.Duration
	// Batch bounds one claim; Horizon is how far ahead slots are taken.
	Batch   int
	Horizon time.Duration
	// ChatGap is the minimum time between two messages to one chat.
	ChatGap time.Duration
	// MaxAttempts bounds tries on 5xx and network errors; Backoff is the
	// first wait, doubled each time up to MaxBackoff.
	MaxAttempts int
	Backoff     time.Duration
	MaxBackoff  time.Duration
	// ProgressEvery is the least time between two edits of a pusher's
	// status message.
	ProgressEvery time.Duration
	// Workers bounds the sends in flight within one batch. Zero: one at
	// rates up to 200/s, where one send takes less than a slot (and a
	// killed process sends again at most one message); 16 above, and
	// without a limit.
	Workers int
	// Disabled runs no sender in this process.
	Disabled bool
	// Progress draws the pushers' status messages; cmd hands it in from the
	// handlers. Without it no status message is edited.
	Progress ProgressRender
}

func (c OutboxConfig) withDefaults() OutboxConfig {
	if c.Rate == 0 {
		c.Rate = DefaultSendRate
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.Poll <= 0 {
		c.Poll = 500 * time.Millisecond
	}
	if c.Batch <= 0 {
		c.Batch = 100
		if c.workers() > 1 {
			c.Batch = 500
		}
	}
	if c.Horizon <= 0 {
		c.Horizon = time.Second
	}
	if c.ChatGap <= 0 {
		c.ChatGap = 1100 * time.Millisecond
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Backoff <= 0 {
		c.Backoff = 2 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 5 * time.Minute
	}
	if c.ProgressEvery <= 0 {
		c.ProgressEvery = 3 * time.Second
	}
	return c
}

// concurrentAbove is the slot spacing under which a sender sends several
// messages at once (rates over 200/s).
const concurrentAbove = 5 * time.Millisecond

// workers is how many sends of one batch may be in flight at once.
func (c OutboxConfig) workers() int {
	switch {
	case c.Workers > 0:
		return c.Workers
	case c.interval() >= concurrentAbove:
		return 1
	}
	return 16
}

// rateHeadroom spaces slots for 99 % of Rate: a message that leaves a few
// milliseconds late must not put Rate+1 messages into one sliding second
// with the messages after it, which Telegram answers with 429.
const rateHeadroom = 0.99

// interval is the budget's spacing between two messages; 0 for no limit.
func (c OutboxConfig) interval() time.Duration {
	if c.Rate < 0 {
		return 0
	}
	return time.Duration(float64(time.Second) / (c.Rate * rateHeadroom))
}

// lateTolerance is how far behind its slot a message may still be sent:
// two intervals, about what rateHeadroom and Telegram's margin over
// DefaultSendRate absorb. Zero (no check) without a rate or at rates of
// paid broadcasts (over 200/s), whose slots are closer than one send takes:
// there a sender is always a little behind, and giving slots back would
// only slow it down.
func (c OutboxConfig) lateTolerance() time.Duration {
	if c.interval() < concurrentAbove {
		return 0
	}
	return 2 * c.interval()
}
