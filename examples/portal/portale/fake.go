package portale

import (
	"fmt"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/avvisi"
	"github.com/govpaygo/govpay/govpaytest"
)

// FakeCredentials are the credentials of a fake GovPay: the Basic
// authentication the fake requires (govpaytest.WithBasicAuth) and the
// pagoPA Checkout subscription key (govpaytest.WithSubscriptionKey). Empty
// fields send no credential.
type FakeCredentials struct {
	User, Password string
	CheckoutKey    string
}

// FakeConfig returns the Config of a portal served at publicURL that pays
// through the fake GovPay fake in mode m: a govpay.Config pointing at the
// fake (fake.Config) with its credentials, plain-http redirects allowed (the fake's payment pages
// are served over http), and the demo hints of govpaytest.WithDemoData.
// In ModeBridge the caller must also start the fake with
// govpaytest.WithMode(govpaytest.ModeBridge) (FakeMode tells which).
func FakeConfig(fake *govpaytest.Server, m Mode, publicURL string, cred FakeCredentials) Config {
	key := cred.CheckoutKey
	if key == "" {
		key = "demo" // the fake accepts any key unless configured with one
	}
	demo := DemoHints{CodiceFiscale: govpaytest.DemoCodiceFiscale}
	// The demo paper notice, when the fake was seeded with it.
	for _, p := range fake.Pendenze() {
		if p.NumeroAvviso != govpaytest.DemoNumeroAvvisoCartaceo {
			continue
		}
		demo.IDDominio, demo.NumeroAvviso = p.IDDominio, p.NumeroAvviso
		if nav, err := avvisi.ParseNumeroAvviso(p.NumeroAvviso); err == nil {
			demo.QRCode, _ = avvisi.FormatQRCode(avvisi.Riferimento{IDDominio: p.IDDominio, NumeroAvviso: nav, Importo: p.Importo})
		}
	}
	return Config{
		Mode: m,
		// fake.Config brings the fake's own Basic credentials (those of
		// govpaytest.WithBasicAuth, cred.User and cred.Password).
		GovPay:      fake.Config(govpay.WithInsecureRedirect()),
		CheckoutURL: fake.CheckoutV2URL(),
		CheckoutKey: key,
		PublicURL:   publicURL,
		Ente:        "Comune Dimostrativo",
		Demo:        demo,
	}
}

// FakeMode returns how the fake's POST /pagamenti must answer for a portal
// in mode m (ModeBridge needs a checkout-bridge station; the other modes
// work with the default legacy one).
func FakeMode(m Mode) (govpaytest.Mode, error) {
	switch m {
	case ModeLegacy, ModeCheckout:
		return govpaytest.ModeLegacy, nil
	case ModeBridge:
		return govpaytest.ModeBridge, nil
	}
	return "", fmt.Errorf("unknown payment mode %q", m)
}
