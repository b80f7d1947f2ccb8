package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate limits, keyed on what a request names rather than its address:
// behind the reverse proxy every request comes from 127.0.0.1, and a
// carrier puts many phones behind one address.

// limiter is a token bucket per key, forgotten when idle.
type limiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	m     map[string]*bucket
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(every time.Duration, burst int) *limiter {
	return &limiter{every: rate.Every(every), burst: burst, m: map[string]*bucket{}}
}

// allow takes one token of key's bucket.
func (l *limiter) allow(key string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.m[key]
	if b == nil {
		if len(l.m) >= 10000 {
			for k, v := range l.m {
				if now.Sub(v.seen) > time.Hour {
					delete(l.m, k)
				}
			}
		}
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		l.m[key] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// limits are the web's rate limits.
type limits struct {
	// token: taps on one sign-in link (a link is used once; what comes
	// after is someone trying it again, or a scanner).
	token *limiter
	// unknown: taps on links that do not exist, all together; a guess at
	// a 144-bit token never succeeds, but it costs a query.
	unknown *limiter
	// account: sign-ins and links made for one member.
	account *limiter
	// actions: what one member sends, so that one session cannot flood
	// the dispatcher.
	actions *limiter
}

func newLimits() *limits {
	return &limits{
		token:   newLimiter(10*time.Second, 5),
		unknown: newLimiter(time.Second, 30),
		account: newLimiter(2*time.Minute, 10),
		actions: newLimiter(100*time.Millisecond, 30),
	}
}
