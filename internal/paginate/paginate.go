// Package paginate walks GovPay's paginated lists (GovPay's Lista:
// numRisultati, numPagine, risultatiPerPagina, pagina, prossimiRisultati,
// risultati) with one set of stop rules for every list of the SDK.
//
// The rules:
//
//   - every page is asked with an explicit page size (risultatiPerPagina)
//     and decoded with a streaming json.Decoder: the page's items are read
//     one by one and the page is refused (*govpay.DecodeError) as soon as it
//     holds more items than were asked, so memory stays bounded by one page
//     of the asked size whatever the server sends;
//   - a page is read and checked in full before any of its items is
//     yielded: each item goes through the caller's Check (the filter that
//     was asked: domain, IUV, debtor, session…) and a mismatch is a
//     *govpay.DecodeError naming the page, the item's index and the field,
//     never a silently counted or skipped item;
//   - a page that is not a GovPay list (no risultati, or none of pagina,
//     risultatiPerPagina, numRisultati, numPagine: GovPay's Lista always
//     writes pagina and risultatiPerPagina, jars/core-beans
//     …/core/beans/Lista.java:116-121, with the defaults pagina=1 and
//     risultatiPerPagina=25 of every find operation, e.g. api-pendenze v2
//     Pendenze.java:69) or that says it is another page than the one asked
//     is a *govpay.DecodeError;
//   - the walk ends at an empty page; on a counted list at the last page
//     or the number of results the first page announced (numPagine,
//     numRisultati: counts that grow later do not extend the walk); on a
//     list without counts at the first page shorter than the page size
//     (the one asked, or the smaller one GovPay says it used); a server
//     that always announces more (prossimiRisultati, full pages forever) is
//     stopped after MaxPages pages with an error rather than looping;
//   - the context is checked before every page;
//   - pages are fetched with transport.Request.Stream (the body is decoded
//     as it arrives, not read in full first); a page whose body fails
//     mid-read is fetched again per the client's retry policy (Retry), which
//     is safe because nothing of a page is yielded before it is read in
//     full, and after the last attempt the failure is a
//     *govpay.NetworkError.
package paginate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/internal/config"
	"github.com/govpaygo/govpay/internal/transport"
)

// DefaultMaxPages bounds a walk whose Spec.MaxPages is 0: at GovPay's
// largest page (200 items) it is twenty million items.
const DefaultMaxPages = 100_000

// Spec describes one list walk.
type Spec[T any] struct {
	// Operation names the SDK operation in errors.
	Operation string
	// PerPage is the page size asked (1 or more); no page may hold more.
	PerPage int
	// First is the first page to read (1 when 0).
	First int
	// MaxPages bounds the number of pages read (DefaultMaxPages when 0);
	// a list that still announces more pages after MaxPages is an error.
	MaxPages int
	// Keys are the names of the items array ("risultati" when empty).
	Keys []string
	// Fetch sends the request of page pagina (1-based) and returns the
	// answer, as transport.Client.Do does.
	Fetch func(ctx context.Context, pagina int) (*http.Response, error)
	// Unexpected turns an answer whose status is not 200 into an error
	// and closes its body (a *govpay.DecodeError when nil).
	Unexpected func(resp *http.Response) error
	// Check is the filter that was asked: it returns the name of the
	// first field of item that does not match ("" when it matches), and
	// may be nil.
	Check func(item *T) string
	// Skip, when not nil, leaves out the items it returns true for, after
	// Check: the client-side filter of a parameter the GovPay operation
	// does not read (its answer then legitimately holds other items).
	Skip func(item *T) bool
	// Attempts is how many times a page whose body fails mid-read (cut,
	// reset) is fetched in all (1 when 0), with Backoff(n) between attempt
	// n and n+1 (none when nil). Fetch sends the request with
	// transport.Request.Stream, so the transport does not read the body
	// first; nothing of a page is yielded before it is read in full, so a
	// page is fetched again safely. See Retry.
	Attempts int
	Backoff  func(n int) time.Duration
}

// Retry returns the Attempts and Backoff of the client's retry policy
// (govpay.DefaultRetryPolicy() when the configuration has none).
func Retry(cfg config.Config) (attempts int, backoff func(n int) time.Duration) {
	r := config.Retry{MaxAttempts: govpay.DefaultRetryPolicy().MaxAttempts, MinBackoff: govpay.DefaultRetryPolicy().MinBackoff, MaxBackoff: govpay.DefaultRetryPolicy().MaxBackoff}
	if cfg.Retry != nil {
		r = *cfg.Retry
	}
	return r.MaxAttempts, func(n int) time.Duration { return transport.Backoff(r.MinBackoff, r.MaxBackoff, n) }
}

// pageMeta is the metadata of one list answer.
type pageMeta struct {
	NumRisultati       *int64
	NumPagine          *int64
	RisultatiPerPagina *int64
	Pagina             *int64
	ProssimiRisultati  string
}

// Seq walks the list described by s, yielding every item of every page; an
// error is yielded once, with a zero T, and ends the walk.
func Seq[T any](ctx context.Context, s Spec[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if s.PerPage < 1 {
			yield(zero, fmt.Errorf("%s: internal error: page size %d", s.Operation, s.PerPage))
			return
		}
		maxPages := s.MaxPages
		if maxPages <= 0 {
			maxPages = DefaultMaxPages
		}
		first := max(s.First, 1)
		var (
			seen            int64
			skipped               = int64(first-1) * int64(s.PerPage) // pages before first
			lastPage, total int64 = -1, -1
		)
		for pagina := first; ; pagina++ {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			if pagina-first >= maxPages {
				yield(zero, &govpay.DecodeError{Operation: s.Operation, StatusCode: http.StatusOK,
					Err: fmt.Errorf("the list still announces more results after %d pages: stopped", maxPages)})
				return
			}
			items, meta, err := s.fetchPage(ctx, pagina)
			if err != nil {
				yield(zero, err)
				return
			}
			for i := range items {
				if (s.Skip == nil || !s.Skip(&items[i])) && !yield(items[i], nil) {
					return
				}
				items[i] = zero // let the yielded value go
			}
			n := int64(len(items))
			seen += n
			if n == 0 {
				return
			}
			if meta.NumPagine != nil || meta.NumRisultati != nil {
				// Counted: the first page's counts bound the walk, so a
				// server whose counts grow page after page still ends.
				if lastPage < 0 && meta.NumPagine != nil {
					lastPage = *meta.NumPagine
				}
				if total < 0 && meta.NumRisultati != nil {
					total = *meta.NumRisultati
				}
				if lastPage >= 0 && int64(pagina) >= lastPage || total >= 0 && seen+skipped >= total {
					return
				}
				continue
			}
			// Not counted (metadatiPaginazione=false): GovPay fills every
			// page but the last, with the size asked or the smaller one it
			// says it used.
			size := int64(s.PerPage)
			if r := meta.RisultatiPerPagina; r != nil && *r > 0 && *r < size {
				size = *r
			}
			if n < size {
				return
			}
		}
	}
}

// fetchPage reads page pagina, fetching it again (Attempts, Backoff) when
// its body fails mid-read.
func (s *Spec[T]) fetchPage(ctx context.Context, pagina int) ([]T, pageMeta, error) {
	for n := 0; ; n++ {
		items, meta, readFailed, err := s.page(ctx, pagina)
		if !readFailed || n+1 >= s.Attempts || ctx.Err() != nil {
			return items, meta, err
		}
		if s.Backoff != nil && !transport.Sleep(ctx, s.Backoff(n)) {
			return nil, pageMeta{}, err
		}
	}
}

// readRecorder remembers the first failure of its reader other than io.EOF:
// a body cut or reset mid-read, as opposed to a body that reads in full but
// is not a valid list.
type readRecorder struct {
	r   io.Reader
	err error
}

func (rr *readRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF && rr.err == nil {
		rr.err = err
	}
	return n, err
}

// page fetches, decodes and checks page pagina; readFailed reports an
// answer whose body failed mid-read (a *govpay.NetworkError, which wraps
// ctx.Err() when the context ended).
func (s *Spec[T]) page(ctx context.Context, pagina int) (_ []T, _ pageMeta, readFailed bool, _ error) {
	resp, err := s.Fetch(ctx, pagina)
	if err != nil {
		return nil, pageMeta{}, false, err
	}
	defer transport.Drain(resp)
	if resp.StatusCode != http.StatusOK {
		if s.Unexpected != nil {
			return nil, pageMeta{}, false, s.Unexpected(resp)
		}
		return nil, pageMeta{}, false, decodeError(s.Operation, resp, fmt.Errorf("unexpected status %d for a list", resp.StatusCode))
	}
	if err := expectJSON(resp.Header.Get("Content-Type")); err != nil {
		return nil, pageMeta{}, false, decodeError(s.Operation, resp, err)
	}
	keys := s.Keys
	if len(keys) == 0 {
		keys = []string{"risultati"}
	}
	rr := &readRecorder{r: io.LimitReader(resp.Body, transport.MaxBody)}
	items, meta, err := decodePage(json.NewDecoder(rr), keys, s.PerPage, s.Check)
	if err != nil && rr.err != nil {
		cause := rr.err
		if ctxErr := ctx.Err(); ctxErr != nil {
			cause = ctxErr
		}
		u := ""
		if resp.Request != nil && resp.Request.URL != nil {
			u = transport.Redact(resp, resp.Request.URL.String())
		}
		return nil, pageMeta{}, true, &govpay.NetworkError{Operation: s.Operation, Method: http.MethodGet, URL: u, Sent: true,
			Err: fmt.Errorf("page %d: reading the answer: %w", pagina, cause)}
	}
	if err != nil {
		return nil, pageMeta{}, false, decodeError(s.Operation, resp, fmt.Errorf("page %d: %w", pagina, err))
	}
	if meta.Pagina != nil && *meta.Pagina != int64(pagina) {
		return nil, pageMeta{}, false, decodeError(s.Operation, resp, fmt.Errorf("page %d asked, the answer is page %d", pagina, *meta.Pagina))
	}
	return items, meta, false, nil
}

// ItemError is an item of a list answer that breaks the walk's rules: it
// does not match the filter that was asked (Field names the field), or it
// is beyond the page size asked (Field is empty).
type ItemError struct {
	// Index is the item's 0-based position in its page.
	Index int
	// Field is the JSON name of the mismatching field.
	Field string
	// PerPage is the page size asked (items beyond it).
	PerPage int
}

// Error returns one human sentence.
func (e *ItemError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("the page holds more than the %d items asked (item %d)", e.PerPage, e.Index)
	}
	return fmt.Sprintf("item %d does not match the filter asked: %s differs (a server-side filter is never trusted)", e.Index, e.Field)
}

// decodePage reads one list object from dec: the items under one of keys
// (at most per of them, each passed to check) and the page metadata.
func decodePage[T any](dec *json.Decoder, keys []string, per int, check func(*T) string) ([]T, pageMeta, error) {
	var meta pageMeta
	if err := delim(dec, '{'); err != nil {
		return nil, meta, err
	}
	var (
		items    []T
		hasItems bool
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, meta, err
		}
		key, _ := tok.(string)
		switch {
		case isKey(key, keys):
			if hasItems && len(items) > 0 {
				return nil, meta, fmt.Errorf("two arrays of results (%s)", strings.Join(keys, ", "))
			}
			hasItems = true
			items, err = decodeItems(dec, per, check)
			if err != nil {
				return nil, meta, err
			}
		case key == "numRisultati":
			err = dec.Decode(&meta.NumRisultati)
		case key == "numPagine":
			err = dec.Decode(&meta.NumPagine)
		case key == "risultatiPerPagina":
			err = dec.Decode(&meta.RisultatiPerPagina)
		case key == "pagina":
			err = dec.Decode(&meta.Pagina)
		case key == "prossimiRisultati":
			var p *string
			err = dec.Decode(&p)
			if p != nil {
				meta.ProssimiRisultati = *p
			}
		default:
			err = skip(dec)
		}
		if err != nil {
			return nil, meta, fmt.Errorf("%s: %w", key, err)
		}
	}
	if err := delim(dec, '}'); err != nil {
		return nil, meta, err
	}
	if !hasItems {
		return nil, meta, fmt.Errorf("not a GovPay list: the answer lacks %s", keys[0])
	}
	if meta.Pagina == nil && meta.RisultatiPerPagina == nil && meta.NumRisultati == nil && meta.NumPagine == nil {
		return nil, meta, errors.New("not a GovPay list: the answer has none of pagina, risultatiPerPagina, numRisultati, numPagine")
	}
	if meta.NumRisultati != nil && *meta.NumRisultati < 0 || meta.NumPagine != nil && *meta.NumPagine < 0 {
		return nil, meta, errors.New("negative numRisultati or numPagine")
	}
	return items, meta, nil
}

// decodeItems reads a JSON array of at most per items (null is empty).
func decodeItems[T any](dec *json.Decoder, per int, check func(*T) string) ([]T, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("want an array of results, got %v", tok)
	}
	items := make([]T, 0, min(per, 32))
	for i := 0; dec.More(); i++ {
		if i >= per {
			return nil, &ItemError{Index: i, PerPage: per}
		}
		items = append(items, *new(T))
		if err := dec.Decode(&items[i]); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		if check != nil {
			if f := check(&items[i]); f != "" {
				return nil, &ItemError{Index: i, Field: f, PerPage: per}
			}
		}
	}
	if err := delim(dec, ']'); err != nil {
		return nil, err
	}
	return items, nil
}

func isKey(k string, keys []string) bool {
	for _, s := range keys {
		if k == s {
			return true
		}
	}
	return false
}

// delim reads the delimiter want.
func delim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %v, got %v", want, tok)
	}
	return nil
}

// skip reads one JSON value token by token: an unknown field costs the
// memory of its largest scalar, not of the whole value.
func skip(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// decodeError is a *govpay.DecodeError of resp, its header text redacted
// like every error built from an answer.
func decodeError(op string, resp *http.Response, err error) *govpay.DecodeError {
	return transport.DecodeFailure(op, resp, err)
}

// expectJSON accepts what transport.DecodeJSON accepts: no content type,
// application/json, text/json and any +json type.
func expectJSON(ct string) error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("malformed content type %q", transport.Excerpt([]byte(ct), 60))
	}
	if mt == "application/json" || strings.HasSuffix(mt, "+json") || mt == "text/json" {
		return nil
	}
	return fmt.Errorf("unexpected content type %s, want application/json", mt)
}
