package portale

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/pagamenti"
	"github.com/govpaygo/govpay/ricevute"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// callTimeout bounds the GovPay calls of one page.
const callTimeout = 30 * time.Second

// maxDebiti bounds the debts shown on the position page.
const maxDebiti = 200

// App is the portal: an http.Handler serving every page. It is safe for
// concurrent use.
type App struct {
	cfg       Config
	pagamenti *pagamenti.Client
	ricevute  *ricevute.Client
	avvisi    *avvisi.Client
	checkout  *pagamenti.Checkout
	resolver  *pagamenti.Resolver
	avvii     AvvioStore
	sessions  SessionStore
	// locks serializes the requests of one session on this replica.
	locks sessionLocks
	now   func() time.Time
	// enti maps idDominio to the creditor's name, learnt from the debt
	// positions read (a notice alone does not name its creditor).
	enti  sync.Map
	pages map[string]*template.Template
	mux   *http.ServeMux
	log   *slog.Logger
}

// NewApp builds the portal from cfg. It checks the configuration and
// creates the GovPay clients, without calling GovPay.
func NewApp(cfg Config) (*App, error) {
	if err := cfg.normalize(); err != nil {
		return nil, fmt.Errorf("portale: %w", err)
	}
	a := &App{cfg: cfg, log: cfg.Logger, avvii: cfg.Avvii, sessions: cfg.Sessions, now: time.Now}
	var err error
	// Every client shares cfg.GovPay's one HTTP client (one pool).
	a.pagamenti = pagamenti.New(cfg.GovPay)
	a.ricevute = ricevute.New(cfg.GovPay)
	// GET /avvisi is served by API Pagamento v2 too.
	a.avvisi = avvisi.New(cfg.GovPay)
	if cfg.Mode == ModeCheckout {
		if a.checkout, err = pagamenti.NewCheckout(cfg.GovPay, pagamenti.CheckoutOptions{BaseURL: cfg.CheckoutURL, SubscriptionKey: cfg.CheckoutKey}); err != nil {
			return nil, fmt.Errorf("portale: pagoPA Checkout: %w", err)
		}
	}
	a.resolver = pagamenti.NewResolver(a.pagamenti, a.ricevute)
	if a.pages, err = parsePages(); err != nil {
		return nil, fmt.Errorf("portale: templates: %w", err)
	}
	static, _ := fs.Sub(staticFS, "static")

	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", a.useSession(a.home))
	m.HandleFunc("POST /accedi", a.login)
	m.HandleFunc("POST /esci", a.withSession(a.logout))
	m.HandleFunc("POST /carrello/pendenza", a.withSession(a.addPendenza))
	m.HandleFunc("POST /carrello/avviso", a.withSession(a.addAvviso))
	m.HandleFunc("POST /carrello/rimuovi", a.withSession(a.remove))
	m.HandleFunc("POST /paga", a.withSession(a.pay))
	m.HandleFunc("GET /esito", a.useSession(a.outcome))
	m.HandleFunc("POST /esito/riprova", a.withSession(a.retry))
	m.HandleFunc("GET /ricevuta", a.useSession(a.receipt))
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a.errorPage(w, http.StatusNotFound, "Pagina inesistente", "La pagina richiesta non esiste.")
	})
	a.mux = m
	return a, nil
}

// ServeHTTP serves the portal's pages.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	a.mux.ServeHTTP(w, r)
}

// Sessions returns the number of live sessions in Config.Sessions, those
// of every replica sharing it, and deletes the expired ones
// (SessionStore.Prune): for tests and monitoring.
func (a *App) Sessions(ctx context.Context) (int, error) {
	return a.sessions.Prune(ctx, a.now())
}

// ---- rendering ----

var funcs = template.FuncMap{
	"euro":   euro,
	"data":   data,
	"avviso": formatAvviso,
	"stato":  statoPendenza,
}

func parsePages() (map[string]*template.Template, error) {
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	pages := make(map[string]*template.Template)
	for _, name := range []string{"login", "home", "esito", "errore"} {
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html")
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// pageData is what every template receives.
type pageData struct {
	Title   string
	Ente    string
	Mode    Mode
	CF      string
	CSRF    string
	Flashes []flash
	Demo    DemoHints
	// Refresh, when > 0, reloads the page after that many seconds.
	Refresh int

	// home
	Debiti       []debitoView
	PosizioneErr string
	Cart         []cartItem
	Totale       govpay.Importo
	CartFull     bool

	// esito
	Esito *esitoView

	// errore
	Messaggio string
}

func (a *App) page(title string, s *session) *pageData {
	d := &pageData{Title: title, Ente: a.cfg.Ente, Mode: a.cfg.Mode, Demo: a.cfg.Demo}
	if s != nil {
		d.CF, d.CSRF, d.Flashes = s.CF, s.CSRF, s.takeFlashes()
	}
	return d
}

func (a *App) render(w http.ResponseWriter, status int, name string, d *pageData) {
	var b bytes.Buffer
	if err := a.pages[name].ExecuteTemplate(&b, "layout.html", d); err != nil {
		a.log.Error("template", "page", name, "err", err)
		http.Error(w, "errore interno", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

func (a *App) errorPage(w http.ResponseWriter, status int, title, msg string) {
	d := a.page(title, nil)
	d.Messaggio = msg
	a.render(w, status, "errore", d)
}

// euro formats an amount the Italian way: "1.234,50 €".
func euro(i govpay.Importo) string {
	s := i.String() // "1234.50"
	intPart, dec, _ := strings.Cut(s, ".")
	var b strings.Builder
	for n, c := range intPart {
		if n > 0 && (len(intPart)-n)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + "," + dec + " €"
}

// data formats a day as "02/01/2006" ("" for the zero date).
func data(d govpay.Date) string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day(), int(d.Month()), d.Year())
}

// formatAvviso writes a numero avviso in groups of four digits.
func formatAvviso(s string) string {
	if n, err := avvisi.ParseNumeroAvviso(s); err == nil {
		return n.Formatted()
	}
	return s
}

// ---- sessions ----

// withSession runs h for a POST of a logged-in browser whose form carries
// the session's token (see useSession).
func (a *App) withSession(h sessionHandler) http.HandlerFunc {
	use := a.useSession(func(w http.ResponseWriter, r *http.Request, s *session) {
		if s == nil {
			a.errorPage(w, http.StatusUnauthorized, "Sessione scaduta", "La sessione non esiste o è scaduta: accedi di nuovo.")
			return
		}
		if !s.checkCSRF(r) {
			a.errorPage(w, http.StatusForbidden, "Richiesta rifiutata", "Il modulo non proviene da questa sessione: ricarica la pagina e riprova.")
			return
		}
		h(w, r, s)
	})
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		use(w, r)
	}
}

func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// login starts a session for a valid codice fiscale or partita IVA.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	cf := strings.ToUpper(strings.Join(strings.Fields(r.PostFormValue("cf")), ""))
	var err error
	if len(cf) == 11 {
		err = avvisi.CheckPartitaIVA(cf)
	} else {
		err = avvisi.CheckCodiceFiscale(cf)
	}
	if err != nil {
		d := a.page("Accesso", nil)
		d.Flashes = []flash{{Kind: "errore", Text: "Codice fiscale non valido: " + err.Error()}}
		a.render(w, http.StatusUnprocessableEntity, "login", d)
		return
	}
	ctx := r.Context()
	if old := cookieID(r); old != "" {
		unlock := a.locks.lock(old)
		err := a.sessions.Delete(ctx, old)
		unlock()
		if err != nil {
			a.log.Warn("session store failed", "op", "delete", "err", err)
		}
	}
	// Every login prunes the expired sessions of all replicas, and counts
	// the live ones.
	live, err := a.sessions.Prune(ctx, a.now())
	if err != nil {
		a.sessionStoreFailed(w, "prune", err)
		return
	}
	if live >= a.cfg.MaxSessions {
		a.errorPage(w, http.StatusServiceUnavailable, "Servizio occupato", "Troppe sessioni aperte: riprova tra qualche minuto.")
		return
	}
	s := a.newSession(cf)
	if err := a.saveSession(ctx, s); err != nil {
		a.sessionStoreFailed(w, "save", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.ID, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.cfg.SecureCookie})
	seeOther(w, r, "/")
}

// logout deletes the session from the store: the payer is logged out of
// every replica.
func (a *App) logout(w http.ResponseWriter, r *http.Request, s *session) {
	if err := a.sessions.Delete(r.Context(), s.ID); err != nil {
		a.sessionStoreFailed(w, "delete", err)
		return
	}
	s.ended = true
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: a.cfg.SecureCookie})
	seeOther(w, r, "/")
}

// ---- errors for the payer ----

// explain turns an SDK error into a message for the payer and, for a
// validation error, its violations.
func explain(err error) (string, []string) {
	var ve *govpay.ValidationError
	var ge *govpay.Error
	var ne *govpay.NetworkError
	switch {
	case errors.As(err, &ve):
		var det []string
		for _, v := range ve.Violations {
			det = append(det, v.Field+": "+v.Rule)
		}
		return "Dati non validi.", det
	case errors.Is(err, govpay.ErrOutcomeUnknown):
		return "Non sappiamo se il pagamento è partito: non riprovare subito, controlla prima la posizione debitoria.", nil
	case errors.Is(err, pagamenti.ErrUnsafeRedirect):
		return "Il pagamento è stato creato ma l'indirizzo della pagina di pagamento non è sicuro: contatta l'ente.", nil
	case errors.As(err, &ge):
		msg := ge.Descrizione
		if msg == "" {
			msg = http.StatusText(ge.StatusCode)
		}
		if ge.Dettaglio != "" {
			msg += " (" + ge.Dettaglio + ")"
		}
		if ge.Codice != "" {
			msg += " [" + ge.Codice + "]"
		}
		return "GovPay ha rifiutato la richiesta: " + msg, nil
	case errors.As(err, &ne):
		return "GovPay non è raggiungibile in questo momento: riprova tra poco.", nil
	case errors.Is(err, context.DeadlineExceeded):
		return "GovPay non ha risposto in tempo: riprova tra poco.", nil
	}
	return "Errore imprevisto: riprova tra poco.", nil
}

func (a *App) logErr(op string, err error) {
	a.log.Warn("govpay call failed", "op", op, "err", err)
}
