package bot

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Reaching Telegram where the server's network filters it: TELEGRAM_PROXY
// carries every Bot API call (methods, uploads, file downloads) and
// nothing else. The proxy is set on the client's own transport, not taken
// from HTTPS_PROXY, so that it also applies to a Bot API on a loopback
// address, which http.ProxyFromEnvironment never proxies.

// proxySchemes are the proxies net/http speaks to: http and https (the
// request is forwarded, or tunnelled with CONNECT), and socks5, for which
// the proxy resolves the name (socks5h is the same).
var proxySchemes = map[string]string{"http": "80", "https": "443", "socks5": "1080", "socks5h": "1080"}

// CheckProxy reads TELEGRAM_PROXY: "" is no proxy (nil), otherwise a URL
// http://, https:// or socks5:// with a host, an optional port (80, 443,
// 1080 by default) and an optional user and password. The error never
// quotes the URL: it may hold a password.
func CheckProxy(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, nil
	}
	const example = "ví dụ socks5://127.0.0.1:1080 (đường hầm SSH), socks5://người-dùng:mật-khẩu@máy:1080 hoặc http://proxy.co-quan.vn:3128"
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || !strings.Contains(raw, "://") {
		return nil, errors.New("TELEGRAM_PROXY không phải địa chỉ proxy hợp lệ: cần dạng giao-thức://[người-dùng:mật-khẩu@]máy[:cổng], " +
			example + "; ký tự đặc biệt trong mật khẩu phải mã hóa (ví dụ @ thành %40)")
	}
	scheme := strings.ToLower(u.Scheme)
	if _, ok := proxySchemes[scheme]; !ok {
		return nil, fmt.Errorf("TELEGRAM_PROXY dùng giao thức %q mà sotay không hỗ trợ: chỉ dùng http, https hoặc socks5, %s", u.Scheme, example)
	}
	if u.Hostname() == "" {
		return nil, errors.New("TELEGRAM_PROXY thiếu tên máy hoặc địa chỉ IP của proxy: " + example)
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscan(p, &n); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("TELEGRAM_PROXY có cổng không hợp lệ (cần số từ 1 đến 65535): " + example)
		}
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, errors.New("TELEGRAM_PROXY chỉ ghi giao thức, máy và cổng của proxy, không kèm đường dẫn hay phần ?… #…: " + example)
	}
	u.Scheme, u.Path = scheme, ""
	return u, nil
}

// proxyAddr is the proxy's host:port, with the scheme's default port.
func proxyAddr(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = proxySchemes[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// ClientOption changes how NewClient reaches the Bot API.
type ClientOption func(*clientOptions)

type clientOptions struct {
	proxy string
}

// WithProxy sends every Bot API call through the proxy raw
// (TELEGRAM_PROXY, see CheckProxy); "" is no proxy.
func WithProxy(raw string) ClientOption { return func(o *clientOptions) { o.proxy = raw } }

// reachState is whether the last Bot API round trip through the proxy
// reached an answer: a network error, the proxy's refusal included, is
// kept until a round trip succeeds.
type reachState struct {
	mu     sync.Mutex
	failed error
}

func (s *reachState) record(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failed = err
}

func (s *reachState) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed
}

// reachWatch records the outcome of every round trip. A request its
// caller cancelled (a shutdown, a readiness check given up) says nothing
// about the proxy.
type reachWatch struct {
	base  http.RoundTripper
	state *reachState
	scrub scrubber
}

func (w reachWatch) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := w.base.RoundTrip(r)
	switch {
	case err == nil:
		w.state.record(nil)
	case errors.Is(err, context.Canceled) || errors.Is(r.Context().Err(), context.Canceled):
	default:
		w.state.record(w.scrub.err(err))
	}
	return resp, err
}

// Proxy is the proxy of every Bot API call, with its password hidden; ""
// when there is none.
func (c *Client) Proxy() string {
	if c.proxy == nil {
		return ""
	}
	return c.proxy.Redacted()
}

// ProxyTrouble says why the Bot API cannot be reached through the proxy,
// naming the proxy without its password; "" when there is no proxy or it
// works. It connects to the proxy, and while the last call through it
// failed it asks getMe again, so that an answer seen since clears it.
func (c *Client) ProxyTrouble(ctx context.Context) string {
	if c.proxy == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", proxyAddr(c.proxy))
	if err != nil {
		return fmt.Sprintf("the Telegram proxy %s (TELEGRAM_PROXY) cannot be reached: %v", c.Proxy(), err)
	}
	conn.Close()
	if c.reach.failure() == nil {
		return ""
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/bot"+c.token+"/getMe", nil)
	if err == nil {
		if resp, err := c.http.Do(req); err == nil {
			resp.Body.Close()
		}
	}
	if err := c.reach.failure(); err != nil {
		return fmt.Sprintf("the Bot API cannot be reached through the Telegram proxy %s (TELEGRAM_PROXY): %v", c.Proxy(), err)
	}
	return ""
}
