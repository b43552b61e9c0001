package govpaytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govpaygo/govpay/internal/transport"
)

// NotificationConfig tells the fake where and how to deliver payment
// notifications, as GovPay's connector to the creditor's system (API Ente)
// does.
type NotificationConfig struct {
	// URL is the base URL of the creditor's API Ente
	// ("http://127.0.0.1:8082/ente"); the operation paths are appended.
	URL string
	// URLs, when not empty, are several base URLs of the same API Ente
	// (the replicas of the creditor's system): each delivery attempt goes
	// to the next one in turn, round-robin over all notifications, as a
	// load balancer in front of them would send it; URL, if set, is the
	// first of them. A redelivery thus usually reaches another replica.
	URLs []string
	// Version is the API Ente version: 1 (POST /pagamenti/{idDominio}/{iuv}:
	// an activation with rt null, then the outcome) or 2 (PUT
	// /ricevute/{idDominio}/{iuv}/{idRicevuta} once, for successful
	// payments). Default 2. The v2 receipt's data and dataPagamento are
	// written in UTC without an offset ("2006-01-02T15:04:05"), as GovPay
	// 3.9.1 writes them (see ricevute.Ricevuta.UnmarshalEnteV2); the other
	// timestamps are in Europe/Rome.
	Version int
	// Username and Password, when set, are sent with HTTP Basic.
	Username string
	Password string
	// Header holds extra headers to send (an API key, for example).
	Header http.Header
	// MinBackoff and MaxBackoff compress GovPay's retry schedule: GovPay
	// retries a failed notification (any status other than 2xx, or a
	// network error) after n² minutes at the n-th attempt; the fake waits
	// MinBackoff·n², at most MaxBackoff. Defaults 10 ms and 1 s.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// MaxAttempts bounds the attempts of one notification; 0 retries until
	// it is delivered or the server is closed, as GovPay does.
	MaxAttempts int
	// Timeout bounds each attempt (default 10 s).
	Timeout time.Duration
	// Client sends the notifications (default: a new http.Client). It is
	// copied; redirects are never followed.
	Client *http.Client

	next  *atomic.Uint64 // the round-robin over bases
	bases []string
}

// String describes the configuration without its password.
func (c NotificationConfig) String() string {
	pw := ""
	if c.Password != "" {
		pw = "[REDACTED]"
	}
	return fmt.Sprintf("NotificationConfig{URL: %s, URLs: %q, Version: %d, Username: %q, Password: %q}", c.URL, c.URLs, c.Version, c.Username, pw)
}

// GoString is String, so that %#v does not print the password either.
func (c NotificationConfig) GoString() string { return c.String() }

// NotificationKind tells the notifications apart.
type NotificationKind string

// The kinds of notification.
const (
	// NotificationAttivazione: API Ente v1, payment activated (rt null).
	NotificationAttivazione NotificationKind = "attivazione"
	// NotificationEsito: API Ente v1, outcome with the RT / receipt.
	NotificationEsito NotificationKind = "esito"
	// NotificationRicevuta: API Ente v2, receipt of a successful payment.
	NotificationRicevuta NotificationKind = "ricevuta"
)

// Notification is a notification the fake delivered or is delivering.
type Notification struct {
	// ID numbers the notifications in the order they were created.
	ID      int
	Version int
	Kind    NotificationKind
	Method  string
	// URL is where the first attempt was sent (see Attempt.URL).
	URL        string
	IDDominio  string
	IUV        string
	IDRicevuta string
	IDA2A      string
	IDPendenza string
	// Body is the JSON body sent.
	Body []byte
	// Attempts lists every delivery attempt, oldest first.
	Attempts []Attempt
	// Delivered reports whether an attempt got a 2xx answer.
	Delivered bool
	// GaveUp reports whether MaxAttempts attempts all failed.
	GaveUp bool
}

// Attempt is one delivery attempt of a notification.
type Attempt struct {
	Time time.Time
	// URL is where the attempt was sent: with NotificationConfig.URLs,
	// attempts of the same notification go to different replicas.
	URL string
	// Status is the HTTP status answered (0 on a network error).
	Status int
	// Err describes a network error.
	Err string
}

// SetNotifications changes where the notifications of payments concluded
// from now on are delivered (notifications already queued keep their
// destination). A configuration without URL and URLs turns notifications
// off.
func (s *Server) SetNotifications(cfg NotificationConfig) {
	s.notif.setConfig(&cfg)
}

// Notifications returns a snapshot of every notification, oldest first.
func (s *Server) Notifications() []Notification {
	return s.notif.snapshot()
}

// WaitNotifications waits until at least n notifications have been
// delivered and returns a snapshot of all notifications. It returns the
// snapshot with ctx.Err() if ctx ends first.
func (s *Server) WaitNotifications(ctx context.Context, n int) ([]Notification, error) {
	nt := s.notif
	for {
		nt.mu.Lock()
		delivered := 0
		for _, x := range nt.list {
			if x.Delivered {
				delivered++
			}
		}
		ch := nt.changed
		nt.mu.Unlock()
		if delivered >= n {
			return nt.snapshot(), nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return nt.snapshot(), ctx.Err()
		}
	}
}

// notifyJob is a notification to deliver.
type notifyJob struct {
	cfg    *NotificationConfig
	rec    Notification
	chain  string
	target string // path and query, after the base URL
}

type notifier struct {
	mu      sync.Mutex
	cfg     *NotificationConfig
	list    []*Notification
	chain   map[string]chan struct{}
	changed chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	closed  bool
	now     func() time.Time
}

func newNotifier(s *Server, cfg *NotificationConfig) *notifier {
	ctx, cancel := context.WithCancel(context.Background())
	n := &notifier{chain: make(map[string]chan struct{}), changed: make(chan struct{}), ctx: ctx, cancel: cancel, now: s.now}
	if cfg != nil {
		n.setConfig(cfg)
	}
	return n
}

func (n *notifier) setConfig(cfg *NotificationConfig) {
	var bases []string
	for _, u := range append([]string{cfg.URL}, cfg.URLs...) {
		if u != "" {
			bases = append(bases, strings.TrimRight(u, "/"))
		}
	}
	if len(bases) == 0 { // no destination: notifications are off
		n.mu.Lock()
		n.cfg = nil
		n.mu.Unlock()
		return
	}
	c := *cfg
	if c.Version != 1 {
		c.Version = 2
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 10 * time.Millisecond
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	hc := &http.Client{}
	if c.Client != nil {
		*hc = *c.Client
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.Client = hc
	c.Header = c.Header.Clone()
	c.URLs = append([]string(nil), cfg.URLs...)
	c.bases, c.URL, c.next = bases, bases[0], new(atomic.Uint64)
	n.mu.Lock()
	n.cfg = &c
	n.mu.Unlock()
}

func (n *notifier) config() *NotificationConfig {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cfg
}

func (n *notifier) snapshot() []Notification {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]Notification, len(n.list))
	for i, x := range n.list {
		out[i] = *x
		out[i].Body = append([]byte(nil), x.Body...)
		out[i].Attempts = append([]Attempt(nil), x.Attempts...)
	}
	return out
}

// signal wakes the waiters. The caller holds n.mu.
func (n *notifier) signal() {
	close(n.changed)
	n.changed = make(chan struct{})
}

func (n *notifier) close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.cancel()
	n.wg.Wait()
}

// enqueue starts delivering a job in the background. Jobs for the same IUV
// start in order: a job waits for the first attempt of the previous one.
func (n *notifier) enqueue(j notifyJob) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	rec := j.rec
	rec.ID = len(n.list) + 1
	n.list = append(n.list, &rec)
	prev := n.chain[j.chain]
	first := make(chan struct{})
	n.chain[j.chain] = first
	n.wg.Add(1)
	n.signal()
	n.mu.Unlock()
	go n.deliver(j.cfg, &rec, j.target, prev, first)
}

func (n *notifier) deliver(cfg *NotificationConfig, rec *Notification, target string, prev <-chan struct{}, first chan struct{}) {
	defer n.wg.Done()
	firstDone := false
	markFirst := func() {
		if !firstDone {
			firstDone = true
			close(first)
		}
	}
	defer markFirst()
	if prev != nil {
		select {
		case <-prev:
		case <-n.ctx.Done():
			return
		}
	}
	for attempt := 1; ; attempt++ {
		u := rec.URL
		if len(cfg.bases) > 1 {
			u = cfg.bases[(cfg.next.Add(1)-1)%uint64(len(cfg.bases))] + target
		}
		status, err := n.send(cfg, rec, u)
		a := Attempt{Time: n.now(), URL: u, Status: status}
		if err != nil {
			a.Err = err.Error()
		}
		n.mu.Lock()
		if attempt == 1 {
			rec.URL = u
		}
		rec.Attempts = append(rec.Attempts, a)
		ok := err == nil && status >= 200 && status < 300
		rec.Delivered = ok
		if !ok && cfg.MaxAttempts > 0 && attempt >= cfg.MaxAttempts {
			rec.GaveUp = true
		}
		n.signal()
		n.mu.Unlock()
		markFirst()
		if ok || rec.GaveUp {
			return
		}
		wait := cfg.MinBackoff * time.Duration(attempt*attempt)
		if wait > cfg.MaxBackoff || wait <= 0 {
			wait = cfg.MaxBackoff
		}
		if !transport.Sleep(n.ctx, wait) {
			return
		}
	}
}

func (n *notifier) send(cfg *NotificationConfig, rec *Notification, u string) (int, error) {
	ctx, cancel := context.WithTimeout(n.ctx, cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, rec.Method, u, bytes.NewReader(rec.Body))
	if err != nil {
		return 0, err
	}
	for k, vs := range cfg.Header {
		req.Header[k] = append([]string(nil), vs...)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "GovPay (govpaytest)")
	if cfg.Username != "" || cfg.Password != "" {
		req.SetBasicAuth(cfg.Username, cfg.Password)
	}
	resp, err := cfg.Client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the record
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// ---- building the jobs (the caller holds Server.mu) ----

func (s *Server) notifyQuery(r *rpp) string {
	q := url.Values{}
	if r.idSession != "" {
		q.Set("idSession", r.idSession)
	}
	if r.sessPortale != "" {
		q.Set("idSessionePortale", r.sessPortale)
	}
	if r.idCarrello != "" {
		q.Set("idCarrello", r.idCarrello)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

func (s *Server) job(cfg *NotificationConfig, r *rpp, kind NotificationKind, method, path string, body any) notifyJob {
	b, _ := json.Marshal(body)
	target := path + s.notifyQuery(r)
	return notifyJob{cfg: cfg, chain: r.key.idDominio + "/" + r.key.iuv, target: target, rec: Notification{
		Version: cfg.Version, Kind: kind, Method: method, URL: cfg.URL + target,
		IDDominio: r.key.idDominio, IUV: r.key.iuv, IDRicevuta: r.key.ccp, IDA2A: r.pend.idA2A, IDPendenza: r.pend.idPendenza,
		Body: b,
	}}
}

// attivazioneJobs returns the activation notification of r (API Ente v1).
func (s *Server) attivazioneJobs(r *rpp) []notifyJob {
	cfg := s.notif.config()
	if cfg == nil || cfg.Version != 1 {
		return nil
	}
	path := "/pagamenti/" + url.PathEscape(r.key.idDominio) + "/" + url.PathEscape(r.key.iuv)
	return []notifyJob{s.job(cfg, r, NotificationAttivazione, http.MethodPost, path, s.notificaV1(r, true))}
}

// esitoJobs returns the notifications of the outcome of r: the v1
// notification with the RT, or the v2 receipt of a successful payment.
func (s *Server) esitoJobs(r *rpp) []notifyJob {
	cfg := s.notif.config()
	if cfg == nil || !r.hasReceipt() {
		return nil
	}
	if cfg.Version == 1 {
		path := "/pagamenti/" + url.PathEscape(r.key.idDominio) + "/" + url.PathEscape(r.key.iuv)
		return []notifyJob{s.job(cfg, r, NotificationEsito, http.MethodPost, path, s.notificaV1(r, false))}
	}
	if r.esito != pagEseguito {
		return nil
	}
	path := "/ricevute/" + url.PathEscape(r.key.idDominio) + "/" + url.PathEscape(r.key.iuv) + "/" + url.PathEscape(r.key.ccp)
	v := s.viewRicevuta(r, apiEnte)
	// GovPay's API Ente v2 bean formats both java.util.Date fields with
	// @JsonFormat(pattern="yyyy-MM-dd'T'HH:mm:ss") and no timezone
	// (it.govpay.ec.v2.beans.Ricevuta, Ricevuta.java:291, :310), through a
	// mapper with no time zone set (ConverterUtils.java:54-59): Jackson's
	// default, UTC.
	v.Data, v.DataPagamento = fmtDateTimeUTC(r.conclusa), fmtDateTimeUTC(r.conclusa)
	return []notifyJob{s.job(cfg, r, NotificationRicevuta, http.MethodPut, path, v)}
}

// fmtDateTimeUTC formats t as GovPay writes the timestamps of an API Ente
// v2 receipt: UTC wall-clock time without an offset.
func fmtDateTimeUTC(t time.Time) string { return t.UTC().Format(layoutDateTime) }
