package bench

import (
	"context"
	"net/http"

	genpagamento "github.com/govpaygo/govpay/internal/gen/pagamento"
)

// genAvvisi is the peer a Go developer would otherwise use (DESIGN §7):
// the raw generated API Pagamento v2 client on a plain http.Client, with
// Basic authentication added by a request editor and the answer decoded
// into the same plain struct as the hand-written baseline.
func genAvvisi(hc *http.Client, base string) (*genpagamento.Client, error) {
	return genpagamento.NewClient(base, genpagamento.WithHTTPClient(hc),
		genpagamento.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.SetBasicAuth(benchUser, benchPassword)
			req.Header.Set("Accept", "application/json")
			return nil
		}))
}

// genGetAvviso is GET /avvisi/{idDominio}/{numeroAvviso} through the raw
// generated client.
func genGetAvviso(ctx context.Context, g *genpagamento.Client, dominio, numero string) (*rawAvviso, error) {
	return readRawAvviso(g.GetAvviso(ctx, dominio, numero, nil))
}
