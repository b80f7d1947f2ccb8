package telegramtest

import (
	"net"
	"testing"
	"time"
)

// Eventually waits until cond holds, checking after 5 ms and then less often,
// up to every 25 ms (cond may be a database query), and fails the test
// with what it waited for once within has passed. It is for what the fake
// server cannot await itself (WaitMessage): a row in the database, a metric,
// a status code.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	pause := 5 * time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pause)
		pause = min(2*pause, 25*time.Millisecond)
	}
}

// FreeAddr is a loopback address with a port nothing listens on, for a
// listener the test starts itself (a webhook, /metrics, a second replica).
func FreeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
