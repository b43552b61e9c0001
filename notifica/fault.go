package notifica

import (
	"encoding/json"
	"net/http"
)

// faultBean is the error body GovPay's APIs use, and that GovPay logs
// when a notification fails.
type faultBean struct {
	Categoria   string `json:"categoria"`
	Codice      string `json:"codice"`
	Descrizione string `json:"descrizione"`
	Dettaglio   string `json:"dettaglio,omitempty"`
}

var (
	// faultUnauthorized is the same for every authentication failure: it
	// says nothing about which check failed.
	faultUnauthorized = faultBean{Categoria: "AUTORIZZAZIONE", Codice: "401000", Descrizione: "Richiesta non autenticata"}
	faultInterno      = faultBean{Categoria: "INTERNO", Codice: "INTERNO", Descrizione: "Servizio non disponibile"}
)

func writeFault(w http.ResponseWriter, status int, f faultBean) {
	b, _ := json.Marshal(f)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
