package bot

// The bot's own HTTP endpoints: /healthz, /readyz and the guard of
// /metrics.

import (
	"context"
	"crypto/subtle"
	"fmt"
	"io"
	"net"
	"net/http"
	"sotay/storage"
	"time"
)

// healthz answers while the process lives and serves HTTP: a supervisor
// restarts a process that stops answering it. Whether it can do its work
// is /readyz.
func (b *Bot) healthz(w http.ResponseWriter, r *http.Request) {
	io.WriteString(w, "ok\n")
}

// databaseAnswers pings PostgreSQL for a health check; when it does not
// answer within 3 seconds, it says so (after prefix) with a 503 and
// returns false.
func (b *Bot) databaseAnswers(w http.ResponseWriter, r *http.Request, prefix string) bool {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := b.store.Ping(ctx); err != nil {
		http.Error(w, prefix+"database unreachable", http.StatusServiceUnavailable)
		return false
	}
	return true
}

// readyz says whether this process can do its work: PostgreSQL answers,
// its schema is the one this binary was built for (another replica may have
// migrated it further, or a restore put an older one back), and Telegram
// accepts the token, and the Telegram proxy, when there is one, can be
// reached and gets answers. The reason is plain text for whoever
// looks (a load balancer, an operator with curl).
func (b *Bot) readyz(w http.ResponseWriter, r *http.Request) {
	if !b.databaseAnswers(w, r, "not ready: ") {
		return
	}
	if reason := b.schemaMismatch(r.Context()); reason != "" {
		http.Error(w, "not ready: "+reason, http.StatusServiceUnavailable)
		return
	}
	if blocked, reason := b.client.AuthBlocked(); blocked {
		http.Error(w, "not ready: "+reason, http.StatusServiceUnavailable)
		return
	}
	if reason := b.client.ProxyTrouble(r.Context()); reason != "" {
		http.Error(w, "not ready: "+reason, http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ready\n")
}

// schemaMismatch says why the database's schema is not the one this binary
// expects, or "" when it is.
func (b *Bot) schemaMismatch(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	st, err := b.store.Schema(ctx)
	want := storage.SchemaVersion()
	switch {
	case err != nil:
		return "schema version unreadable"
	case st.Dirty:
		return fmt.Sprintf("schema version %d is dirty (a migration stopped half way)", st.Version)
	case st.Version < want:
		return fmt.Sprintf("schema version %d, this sotay expects %d: run sotay migrate", st.Version, want)
	case st.Version > want:
		return fmt.Sprintf("schema version %d is newer than this sotay (%d): upgrade sotay", st.Version, want)
	}
	return ""
}

// protectMetrics lets only loopback clients read /metrics, or, with a
// token, only clients that present it as a bearer token. A request a proxy
// forwarded is not a loopback client, even though it comes from one.
func protectMetrics(next http.Handler, token string) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token != "" {
			if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
				http.Error(w, "unauthorized: /metrics needs the bearer token of METRICS_TOKEN", http.StatusUnauthorized)
				return
			}
		} else if !loopbackClient(r) {
			http.Error(w, "forbidden: /metrics answers loopback clients only; set METRICS_TOKEN to let others in with a bearer token",
				http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func loopbackClient(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" || r.Header.Get("X-Real-Ip") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
