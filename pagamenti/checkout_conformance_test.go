package pagamenti_test

// Conformance of the bodies Checkout.Start sends with pagoPA's published
// Checkout EC API (pagopa/pagopa-api, openapi/checkout_v1.json and
// checkout_v2.json), read from the upstream reference folder
// (../../shared/upstream, or $GOVPAY_UPSTREAM). The test skips when the
// folder is absent, and fails instead when GOVPAY_REQUIRE_UPSTREAM=1
// (testutil.Upstream).
//
// Exclusions, each with its reason:
//   - The specs' own examples are not validated (openapi3.DisableExamplesValidation):
//     they write allCCP as the string "false" and relative URLs where the
//     schema says boolean and format uri. Our bodies are validated, not theirs.
//   - Routing is not used: v2 declares its server as "https://${host}", which
//     no router matches; the operation POST /carts is taken from the spec
//     directly.
//   - Of the two security schemes (header Ocp-Apim-Subscription-Key, or
//     query subscription-key), the SDK uses the header: the authentication
//     check accepts only that one, and requires it.
//   - kin-openapi ships no validator for the string formats "uri" and
//     "email"; the test defines them (absolute URI; the loose e-mail pattern
//     kin-openapi proposes), so that returnUrls and emailNotice are checked.

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay/internal/testutil"
	"github.com/govpaygo/govpay/pagamenti"
)

// cartsValidator validates POST /carts requests against one Checkout spec.
type cartsValidator struct {
	route *routers.Route
	opts  *openapi3filter.Options
}

func newCartsValidator(t *testing.T, file string) *cartsValidator {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(file)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(loader.Context, openapi3.DisableExamplesValidation()))
	pi := doc.Paths.Find("/carts")
	require.NotNil(t, pi, "no /carts in %s", file)
	require.NotNil(t, pi.Post)
	uri := openapi3.NewCallbackValidator(func(s string) error {
		u, err := url.Parse(s)
		if err != nil || !u.IsAbs() || u.Host == "" {
			return errors.New("not an absolute URI")
		}
		return nil
	})
	return &cartsValidator{
		route: &routers.Route{Spec: doc, Path: "/carts", PathItem: pi, Method: http.MethodPost, Operation: pi.Post},
		opts: &openapi3filter.Options{
			MultiError: true,
			AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
				if in.SecurityScheme.In == "header" && in.SecurityScheme.Name == pagamenti.SubscriptionKeyHeader &&
					in.RequestValidationInput.Request.Header.Get(pagamenti.SubscriptionKeyHeader) != "" {
					return nil
				}
				return errors.New("the SDK authenticates with the Ocp-Apim-Subscription-Key header")
			},
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				openapi3.WithStringFormatValidator("uri", uri),
				openapi3.WithStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail)),
			},
		},
	}
}

func (v *cartsValidator) validate(body []byte, h http.Header) error {
	req, err := http.NewRequest(http.MethodPost, "https://checkout.example/carts", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header = h.Clone()
	return openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{
		Request: req, Route: v.route, Options: v.opts,
	})
}

func TestCheckoutConformance(t *testing.T) {
	pagopa := testutil.Upstream(t, "pagopa")
	full := func(t *testing.T) *pagamenti.Cart {
		return pagamenti.NewCart().
			AddAvviso(dominio, nav3).AddAvviso(dominio, navB).AddAvviso(dominio, navC).AddAvviso(dominio, nav0).
			AddPendenza("PORTALE", "P-42", fullPendenza(t, pendenzaNav, "19.99"))
	}
	one := func(t *testing.T) *pagamenti.Cart { return pagamenti.NewCart().AddAvviso(dominio, nav3) }
	resolver := func(t *testing.T) pagamenti.NoticeCompleter {
		return amounts{nav3: mustImporto(t, "0.29"), navB: mustImporto(t, "2.30"), navC: mustImporto(t, "1000.00"), nav0: mustImporto(t, "0.01")}
	}
	for _, version := range []int{1, 2} {
		spec := newCartsValidator(t, filepath.Join(pagopa, map[int]string{1: "checkout_v1.json", 2: "checkout_v2.json"}[version]))
		cases := []struct {
			name string
			cart func(t *testing.T) *pagamenti.Cart
			opts func(o *pagamenti.CheckoutStartOptions)
		}{
			{"five notices, every option", full, func(o *pagamenti.CheckoutStartOptions) {
				o.EmailNotice, o.IDCart, o.AllCCP = "laura.bianchi@example.it", "cart-2024-0001", true
			}},
			{"one notice, required fields only", one, nil},
			{"accented texts at the 140 limit", one, func(o *pagamenti.CheckoutStartOptions) {
				o.CompanyName = string(bytes.Repeat([]byte("à"), 140))
			}},
		}
		for _, tt := range cases {
			t.Run(map[int]string{1: "v1/", 2: "v2/"}[version]+tt.name, func(t *testing.T) {
				rec, c := newCheckoutServer(t, version)
				o := pagamenti.CheckoutStartOptions{ReturnOK: returnOK, ReturnCancel: returnCancel, ReturnError: returnError,
					CompanyName: comune, Completer: resolver(t)}
				if version == 2 {
					o.ReturnWaiting = returnWaiting
				}
				if tt.opts != nil {
					tt.opts(&o)
				}
				_, err := c.Start(context.Background(), tt.cart(t), o)
				require.NoError(t, err)
				require.Len(t, rec.bodies, 1)
				require.NoError(t, spec.validate(rec.bodies[0], rec.headers[0]), "body: %s", rec.bodies[0])
			})
		}

		// The validator is not a rubber stamp: bodies that break the spec fail.
		t.Run(map[int]string{1: "v1/", 2: "v2/"}[version]+"negative controls", func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json"}, pagamenti.SubscriptionKeyHeader: {subKey}}
			good := `{"paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],` +
				`"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`
			require.NoError(t, spec.validate([]byte(good), h))
			require.Error(t, spec.validate([]byte(good), http.Header{"Content-Type": {"application/json"}}), "no subscription key")
			for name, bad := range map[string]string{
				"decimal amount":       `{"paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":0.29,"companyName":"C","description":"D"}],"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
				"short notice":         `{"paymentNotices":[{"noticeNumber":"30123456789012341","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
				"relative url":         `{"paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],"returnUrls":{"returnOkUrl":"a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
				"no notices":           `{"paymentNotices":[],"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
				"allCCP as string":     `{"allCCP":"false","paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
				"lowercase returnurls": `{"paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],"returnurls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err","returnWaitingUrl":"https://a.it/w"}}`,
			} {
				require.Error(t, spec.validate([]byte(bad), h), name)
			}
			if version == 2 {
				noWaiting := `{"paymentNotices":[{"noticeNumber":"301234567890123416","fiscalCode":"01234567890","amount":29,"companyName":"C","description":"D"}],"returnUrls":{"returnOkUrl":"https://a.it/ok","returnCancelUrl":"https://a.it/ko","returnErrorUrl":"https://a.it/err"}}`
				require.Error(t, spec.validate([]byte(noWaiting), h), "v2 requires returnWaitingUrl")
			}
		})
	}
}
