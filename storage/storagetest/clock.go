package storagetest

import (
	"sync"
	"time"
)

// Local is the commune's time zone, as the tests' clocks read it.
var Local = func() *time.Location {
	l, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		panic(err)
	}
	return l
}()

// Clock is a time the test sets, shared by the storage and the handlers
// (pass Clock.Now to storage.WithClock and to handlers.Deps).
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock is a Clock set to t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the time set last.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set sets the time.
func (c *Clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// Add moves the time by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
