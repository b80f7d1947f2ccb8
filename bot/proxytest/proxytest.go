// Package proxytest has what the tests of TELEGRAM_PROXY need: proxies
// on loopback (HTTP, HTTPS and SOCKS5, with a user and password) that
// note every connection they open, and a Recorder in front of the fake
// Bot API that notes where each request came from. A request the API got
// from an address the proxy did not open went around the proxy.
package proxytest

import (
	"context"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	socks5 "github.com/armon/go-socks5"
)

// Proxy is a proxy listening on 127.0.0.1 until the test ends.
type Proxy struct {
	// URL is the proxy as TELEGRAM_PROXY names it, user and password
	// included.
	URL string
	// CertFile is, for an HTTPS proxy, a PEM file of its certificate, to
	// trust it through SSL_CERT_FILE.
	CertFile string

	mu      sync.Mutex
	targets []string        // host:port of every connection opened, in order
	locals  map[string]bool // the local address of each of them
	conns   []net.Conn
	cut     bool
	close   func()
}

// dial opens a connection on the proxy's behalf and notes it.
func (p *Proxy) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	p.mu.Lock()
	cut := p.cut
	p.mu.Unlock()
	if cut {
		return nil, errors.New("proxytest: the way out is cut")
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.targets = append(p.targets, addr)
	p.locals[conn.LocalAddr().String()] = true
	p.conns = append(p.conns, conn)
	return conn, nil
}

// Targets are the host:port of every connection the proxy opened.
func (p *Proxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

// Carried says whether a connection from remote (a server's
// r.RemoteAddr) is one the proxy opened.
func (p *Proxy) Carried(remote string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.locals[remote]
}

// Cut makes the proxy, still listening, unable to reach anything: the
// connections it holds are closed and new ones refused, as when the SSH
// tunnel's server abroad is gone. Mend undoes it.
func (p *Proxy) Cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Mend lets the proxy reach its targets again.
func (p *Proxy) Mend() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = false
}

// Close stops the proxy listening and closes what it holds.
func (p *Proxy) Close() {
	p.close()
	p.Cut()
}

func newProxy(scheme, host, user, password string) *Proxy {
	u := url.URL{Scheme: scheme, Host: host}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return &Proxy{URL: u.String(), locals: map[string]bool{}}
}

// NewSOCKS5 starts a SOCKS5 proxy; with a user it asks for that user and
// password.
func NewSOCKS5(t testing.TB, user, password string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := newProxy("socks5", ln.Addr().String(), user, password)
	conf := &socks5.Config{Dial: p.dial, Logger: log.New(io.Discard, "", 0)}
	if user != "" {
		conf.Credentials = socks5.StaticCredentials{user: password}
	}
	srv, err := socks5.New(conf)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	p.close = func() { ln.Close() }
	t.Cleanup(p.Close)
	return p
}

// NewHTTP starts an HTTP proxy (HTTPS when tls is true: TLS between the
// client and the proxy) that forwards plain requests and tunnels CONNECT;
// with a user it answers 407 to a request without that user and password.
func NewHTTP(t testing.TB, user, password string, tls bool) *Proxy {
	t.Helper()
	h := &httpProxy{}
	if user != "" {
		h.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
	}
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	scheme := "http"
	if tls {
		ts.StartTLS()
		scheme = "https"
	} else {
		ts.Start()
	}
	p := newProxy(scheme, ts.Listener.Addr().String(), user, password)
	h.p = p
	h.forward = &httputil.ReverseProxy{
		Rewrite:   func(r *httputil.ProxyRequest) {}, // the request already names its target
		Transport: &http.Transport{DialContext: p.dial},
		ErrorLog:  log.New(io.Discard, "", 0),
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, err.Error(), http.StatusBadGateway)
		},
	}
	if tls {
		p.CertFile = filepath.Join(t.TempDir(), "proxy.pem")
		block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
		if err := os.WriteFile(p.CertFile, block, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.close = func() {
		ts.Listener.Close()
		ts.CloseClientConnections()
	}
	t.Cleanup(func() {
		p.Close()
		ts.Close()
	})
	return p
}

type httpProxy struct {
	p       *Proxy
	auth    string
	forward *httputil.ReverseProxy
}

func (h *httpProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.auth != "" && r.Header.Get("Proxy-Authorization") != h.auth {
		w.Header().Set("Proxy-Authenticate", `Basic realm="proxytest"`)
		http.Error(w, "proxy authentication required", http.StatusProxyAuthRequired)
		return
	}
	if r.Method != http.MethodConnect {
		if !r.URL.IsAbs() {
			http.Error(w, "proxytest: not a proxy request", http.StatusBadRequest)
			return
		}
		h.forward.ServeHTTP(w, r)
		return
	}
	up, err := h.p.dial(r.Context(), "tcp", r.Host)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		up.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	go func() {
		_, _ = io.Copy(up, buf)
		up.Close()
	}()
	_, _ = io.Copy(conn, up)
	conn.Close()
}

// Request is one request the Bot API got.
type Request struct {
	// Method is the Bot API method, or "file" for a file download.
	Method string
	// From is the client's address (r.RemoteAddr).
	From string
}

// Recorder serves a Bot API handler and notes each request.
type Recorder struct {
	next http.Handler
	mu   sync.Mutex
	reqs []Request
}

// Record puts a Recorder in front of the Bot API handler next.
func Record(next http.Handler) *Recorder { return &Recorder{next: next} }

func (rec *Recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := path.Base(r.URL.Path)
	if strings.Contains(r.URL.Path, "/file/bot") {
		method = "file"
	}
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, Request{Method: method, From: r.RemoteAddr})
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

// Requests are the requests so far, in order.
func (rec *Recorder) Requests() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Request(nil), rec.reqs...)
}

// Around are the requests the proxy did not carry.
func (rec *Recorder) Around(p *Proxy) []Request {
	var out []Request
	for _, r := range rec.Requests() {
		if !p.Carried(r.From) {
			out = append(out, r)
		}
	}
	return out
}

// Methods counts the requests by method.
func (rec *Recorder) Methods() map[string]int {
	out := map[string]int{}
	for _, r := range rec.Requests() {
		out[r.Method]++
	}
	return out
}
