package notifica

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"
	"strconv"

	"github.com/govpaygo/govpay/pendenze"
	"github.com/govpaygo/govpay/ricevute"
)

// AvvisoVerifier is implemented by a [Receiver] that answers GET
// /avvisi/{idDominio}/{numeroAvviso}: GovPay asks for the current data of
// the pendenza of a payment notice (when it does not have it, or its
// dataValidita has passed). API Ente v2 sends the 18-digit numeroAvviso,
// API Ente v1 the IUV.
type AvvisoVerifier interface {
	VerificaAvviso(ctx context.Context, idDominio, numeroAvviso string) (*PendenzaVerificata, error)
}

// PendenzaVerifier is implemented by a [Receiver] that answers GET
// /pendenze/{idA2A}/{idPendenza}: GovPay asks for the current data of a
// pendenza by the vertical system's ids.
type PendenzaVerifier interface {
	VerificaPendenza(ctx context.Context, idA2A, idPendenza string) (*PendenzaVerificata, error)
}

// SpontaneaVerifier is implemented by a [Receiver] that answers POST
// /pendenze/{idDominio}/{idTipoPendenza}: a payer filled in a form on
// GovPay's portal (a spontaneous payment, "modello 4") and GovPay asks the
// vertical system to turn its data into a pendenza.
type SpontaneaVerifier interface {
	VerificaSpontanea(ctx context.Context, req RichiestaSpontanea) (*PendenzaVerificata, error)
}

// Verifier is a [Receiver] that answers every verification call.
type Verifier interface {
	AvvisoVerifier
	PendenzaVerifier
	SpontaneaVerifier
}

// RichiestaSpontanea is a request for a spontaneous pendenza.
type RichiestaSpontanea struct {
	// IDDominio and IDTipoPendenza come from the path.
	IDDominio      string
	IDTipoPendenza string
	// IDUnitaOperativa comes from the query, when GovPay sends it.
	IDUnitaOperativa string
	// Dati is the form's JSON object, as the payer filled it.
	Dati json.RawMessage
}

// StatoPendenzaVerificata is the state of a verified pendenza. Values other
// than the constants are sent as given.
type StatoPendenzaVerificata string

// The states of a verified pendenza.
const (
	// StatoNonEseguita: the pendenza can be paid; Pendenza is required.
	StatoNonEseguita StatoPendenzaVerificata = "NON_ESEGUITA"
	StatoAnnullata   StatoPendenzaVerificata = "ANNULLATA"
	StatoScaduta     StatoPendenzaVerificata = "SCADUTA"
	StatoSconosciuta StatoPendenzaVerificata = "SCONOSCIUTA"
	// StatoDuplicata exists in API Ente v1 only (the pendenza was already
	// paid).
	StatoDuplicata StatoPendenzaVerificata = "DUPLICATA"
)

// PendenzaVerificata is the answer to a verification call: the state of
// the pendenza and, when it can be paid, its current data.
//
// json.Marshal writes the API Ente v2 form ({stato, descrizioneStato,
// pendenza}); [PendenzaVerificata.MarshalJSONV1] the v1 form. In both, the
// pendenze.Pendenza is converted to what API Ente expects: a voce paid to an
// IBAN gets codiceTassonomicoPagoPA "{0|1|2|9}/{codiceContabilita}" in v2
// (tipoContabilita ENTRATA instead of CAPITOLO in v1), a bollo gets tipoBollo
// "01" and codiceTassonomicoPagoPA "9/MBT" in v2 ("Imposta di bollo" in v1),
// v1 voci get their 1-based position as indice, and fields the target
// version does not define are dropped (in v1 also the proprieta keys
// informativaImportoAvviso, linguaSecondariaInformativaImportoAvviso and
// dataScandenzaAvviso).
type PendenzaVerificata struct {
	Stato StatoPendenzaVerificata
	// DescrizioneStato explains a state other than NON_ESEGUITA
	// (≤ 255 characters).
	DescrizioneStato string
	// IDA2A and IDPendenza identify the pendenza in the vertical system;
	// GovPay requires them with NON_ESEGUITA and checks them against the
	// request. The handler fills them from the path of GET
	// /pendenze/{idA2A}/{idPendenza} when empty.
	IDA2A      string
	IDPendenza string
	// Pendenza is the current data; required with NON_ESEGUITA. For
	// /pendenze/{idDominio}/{idTipoPendenza} and /avvisi/{idDominio}/…, an
	// empty IDDominio (and IDTipoPendenza) is filled from the path.
	Pendenza *pendenze.Pendenza
}

// NonEseguita returns the answer for a pendenza that can be paid.
func NonEseguita(idA2A, idPendenza string, p pendenze.Pendenza) *PendenzaVerificata {
	return &PendenzaVerificata{Stato: StatoNonEseguita, IDA2A: idA2A, IDPendenza: idPendenza, Pendenza: &p}
}

// Annullata returns the answer for a cancelled pendenza.
func Annullata(descrizione string) *PendenzaVerificata {
	return &PendenzaVerificata{Stato: StatoAnnullata, DescrizioneStato: descrizione}
}

// Scaduta returns the answer for a pendenza past its due date.
func Scaduta(descrizione string) *PendenzaVerificata {
	return &PendenzaVerificata{Stato: StatoScaduta, DescrizioneStato: descrizione}
}

// Sconosciuta returns the answer for a pendenza the vertical system does
// not know.
func Sconosciuta(descrizione string) *PendenzaVerificata {
	return &PendenzaVerificata{Stato: StatoSconosciuta, DescrizioneStato: descrizione}
}

// Duplicata returns the answer for a pendenza already paid (API Ente v1
// only).
func Duplicata(descrizione string) *PendenzaVerificata {
	return &PendenzaVerificata{Stato: StatoDuplicata, DescrizioneStato: descrizione}
}

// MarshalJSON encodes the API Ente v2 form.
func (v PendenzaVerificata) MarshalJSON() ([]byte, error) { return v.encode(2, pathDefaults{}) }

// MarshalJSONV1 encodes the API Ente v1 form (see [WithVerificaV1]).
func (v PendenzaVerificata) MarshalJSONV1() ([]byte, error) { return v.encode(1, pathDefaults{}) }

// pathDefaults are the values the handler fills in from the request.
type pathDefaults struct {
	idA2A, idPendenza, idDominio, idTipoPendenza string
}

// Keys of NuovaPendenza and NuovaVocePendenza in API Ente v2.
var (
	v2PendenzaKeys = setOf("idA2A", "idPendenza", "idTipoPendenza", "idDominio", "idUnitaOperativa", "causale",
		"soggettoPagatore", "importo", "numeroAvviso", "tassonomia", "direzione", "divisione", "dataValidita",
		"dataScadenza", "annoRiferimento", "cartellaPagamento", "datiAllegati", "documento", "dataNotificaAvviso",
		"dataPromemoriaScadenza", "proprieta", "voci", "allegati")
	v2VoceKeys = setOf("idDominio", "idVocePendenza", "importo", "descrizione", "datiAllegati",
		"descrizioneCausaleRPT", "contabilita", "metadata", "codEntrata", "ibanAccredito", "ibanAppoggio",
		"codiceTassonomicoPagoPA", "tipoBollo", "hashDocumento", "provinciaResidenza")
	// Keys of pendenzaVerificata and vocePendenza in API Ente v1.
	v1PendenzaKeys = setOf("idA2A", "idPendenza", "stato", "descrizioneStato", "idDominio", "idUnitaOperativa",
		"idTipoPendenza", "nome", "causale", "soggettoPagatore", "importo", "numeroAvviso", "dataCaricamento",
		"dataValidita", "dataScadenza", "annoRiferimento", "cartellaPagamento", "datiAllegati", "tassonomia",
		"tassonomiaAvviso", "voci", "proprieta", "documento", "allegati")
	v1VoceKeys = setOf("indice", "idVocePendenza", "importo", "descrizione", "datiAllegati", "descrizioneCausaleRPT",
		"contabilita", "metadata", "idDominio", "codEntrata", "ibanAccredito", "bicAccredito", "ibanAppoggio",
		"bicAppoggio", "tipoContabilita", "codiceContabilita", "tipoBollo", "hashDocumento", "provinciaResidenza")
	// Keys of ProprietaPendenza in API Ente v1: fewer than in API Pendenze
	// v2 (no informativaImportoAvviso, linguaSecondariaInformativaImportoAvviso
	// nor dataScandenzaAvviso).
	v1ProprietaKeys = setOf("linguaSecondaria", "descrizioneImporto", "lineaTestoRicevuta1", "lineaTestoRicevuta2",
		"linguaSecondariaCausale")
)

func setOf(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// codiciContabilita maps API Pendenze's tipoContabilita to the digit of
// pagoPA's datiSpecificiRiscossione ("9/…").
var codiciContabilita = map[string]string{"CAPITOLO": "0", "ENTRATA": "0", "SPECIALE": "1", "SIOPE": "2", "ALTRO": "9"}

// codiceTassonomicoBollo is the accounting GovPay gives a marca da bollo.
const codiceTassonomicoBollo = "9/MBT"

func (v PendenzaVerificata) encode(version int, def pathDefaults) ([]byte, error) {
	if v.Stato == "" {
		return nil, errors.New("notifica: PendenzaVerificata: empty stato")
	}
	if v.Stato == StatoDuplicata && version != 1 {
		return nil, errors.New("notifica: PendenzaVerificata: stato DUPLICATA exists in API Ente v1 only")
	}
	if v.Stato == StatoNonEseguita && v.Pendenza == nil {
		return nil, errors.New("notifica: PendenzaVerificata: stato NON_ESEGUITA needs the pendenza")
	}
	idA2A, idPendenza := orDefault(v.IDA2A, def.idA2A), orDefault(v.IDPendenza, def.idPendenza)
	var pend map[string]json.RawMessage
	if v.Pendenza != nil {
		b, err := json.Marshal(v.Pendenza)
		if err != nil {
			return nil, fmt.Errorf("notifica: PendenzaVerificata: encoding the pendenza: %w", err)
		}
		if err := json.Unmarshal(b, &pend); err != nil {
			return nil, fmt.Errorf("notifica: PendenzaVerificata: encoding the pendenza: %w", err)
		}
		if idA2A != "" {
			pend["idA2A"] = jsonString(idA2A)
		}
		if idPendenza != "" {
			pend["idPendenza"] = jsonString(idPendenza)
		}
		fillString(pend, "idDominio", def.idDominio)
		fillString(pend, "idTipoPendenza", def.idTipoPendenza)
		if err := convertPendenza(pend, version); err != nil {
			return nil, err
		}
	}
	if version == 1 {
		out := pend
		if out == nil {
			out = map[string]json.RawMessage{}
		}
		if idA2A != "" {
			out["idA2A"] = jsonString(idA2A)
		}
		if idPendenza != "" {
			out["idPendenza"] = jsonString(idPendenza)
		}
		out["stato"] = jsonString(string(v.Stato))
		if v.DescrizioneStato != "" {
			out["descrizioneStato"] = jsonString(v.DescrizioneStato)
		}
		return json.Marshal(out)
	}
	var wire struct {
		Stato            StatoPendenzaVerificata    `json:"stato"`
		DescrizioneStato string                     `json:"descrizioneStato,omitempty"`
		Pendenza         map[string]json.RawMessage `json:"pendenza,omitempty"`
	}
	wire.Stato, wire.DescrizioneStato, wire.Pendenza = v.Stato, v.DescrizioneStato, pend
	return json.Marshal(wire)
}

// convertPendenza rewrites an API Pendenze v2 pendenza (its JSON object)
// into the API Ente form of version.
func convertPendenza(p map[string]json.RawMessage, version int) error {
	keys := v2PendenzaKeys
	if version == 1 {
		keys = v1PendenzaKeys
		if err := datiAllegatiAsString(p); err != nil {
			return err
		}
	}
	for k := range p {
		if !keys[k] {
			delete(p, k)
		}
	}
	if version == 1 {
		if err := filterProprieta(p); err != nil {
			return err
		}
	}
	raw, ok := p["voci"]
	if !ok || isNull(raw) {
		return nil
	}
	var voci []map[string]json.RawMessage
	if err := json.Unmarshal(raw, &voci); err != nil {
		return fmt.Errorf("notifica: PendenzaVerificata: reading voci: %w", err)
	}
	for i, voce := range voci {
		if version == 1 {
			// API Ente v1 numbers the voci: their 1-based position.
			voce["indice"] = json.RawMessage(strconv.Itoa(i + 1))
		}
		if err := convertVoce(voce, version); err != nil {
			return fmt.Errorf("notifica: PendenzaVerificata: voci[%d]: %w", i, err)
		}
	}
	b, err := json.Marshal(voci)
	if err != nil {
		return err
	}
	p["voci"] = b
	return nil
}

// filterProprieta keeps the keys of proprieta that API Ente v1 defines,
// and drops proprieta when none is left.
func filterProprieta(p map[string]json.RawMessage) error {
	raw, ok := p["proprieta"]
	if !ok || isNull(raw) {
		return nil
	}
	var pr map[string]json.RawMessage
	if err := json.Unmarshal(raw, &pr); err != nil {
		return fmt.Errorf("notifica: PendenzaVerificata: reading proprieta: %w", err)
	}
	for k := range pr {
		if !v1ProprietaKeys[k] {
			delete(pr, k)
		}
	}
	if len(pr) == 0 {
		delete(p, "proprieta")
		return nil
	}
	b, err := json.Marshal(pr)
	if err != nil {
		return err
	}
	p["proprieta"] = b
	return nil
}

func convertVoce(v map[string]json.RawMessage, version int) error {
	tipoContabilita, _ := stringField(v, "tipoContabilita")
	codiceContabilita, _ := stringField(v, "codiceContabilita")
	_, isBollo := stringField(v, "tipoBollo")
	if version == 1 {
		if err := datiAllegatiAsString(v); err != nil {
			return err
		}
		if tipoContabilita == "CAPITOLO" {
			v["tipoContabilita"] = jsonString("ENTRATA")
		}
		if isBollo {
			v["tipoBollo"] = jsonString(string(ricevute.BolloImpostaDiBolloV1))
		}
		for k := range v {
			if !v1VoceKeys[k] {
				delete(v, k)
			}
		}
		return nil
	}
	if tipoContabilita != "" {
		digit, ok := codiciContabilita[tipoContabilita]
		if !ok {
			return fmt.Errorf("tipoContabilita %q has no pagoPA coding", tipoContabilita)
		}
		if _, has := v["codiceTassonomicoPagoPA"]; !has {
			v["codiceTassonomicoPagoPA"] = jsonString(digit + "/" + codiceContabilita)
		}
	}
	if isBollo {
		v["tipoBollo"] = jsonString(string(ricevute.BolloImpostaDiBollo))
		if _, has := v["codiceTassonomicoPagoPA"]; !has {
			v["codiceTassonomicoPagoPA"] = jsonString(codiceTassonomicoBollo)
		}
	}
	for k := range v {
		if !v2VoceKeys[k] {
			delete(v, k)
		}
	}
	return nil
}

// datiAllegatiAsString turns an object datiAllegati into the JSON string
// API Ente v1 declares.
func datiAllegatiAsString(m map[string]json.RawMessage) error {
	raw, ok := m["datiAllegati"]
	if !ok || isNull(raw) {
		return nil
	}
	t := bytes.TrimSpace(raw)
	if len(t) > 0 && t[0] == '"' {
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, t); err != nil {
		return err
	}
	m["datiAllegati"] = jsonString(buf.String())
	return nil
}

func stringField(m map[string]json.RawMessage, k string) (string, bool) {
	raw, ok := m[k]
	if !ok || isNull(raw) {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func fillString(m map[string]json.RawMessage, k, def string) {
	if def == "" {
		return
	}
	if s, _ := stringField(m, k); s == "" {
		m[k] = jsonString(def)
	}
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// serveAvviso serves GET /avvisi/{idDominio}/{numeroAvviso}.
func (h *handler) serveAvviso(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		h.methodNotAllowed(w, http.MethodGet)
		return
	}
	if h.avvisi == nil {
		h.notImplemented(w, "AvvisoVerifier")
		return
	}
	idDominio, numero := r.PathValue("idDominio"), r.PathValue("numeroAvviso")
	if msg := checkIDDominio(idDominio); msg != "" {
		h.badRequest(w, r, msg)
		return
	}
	if !validID(numero) {
		h.badRequest(w, r, "numeroAvviso must be 1–35 letters, digits, '_', '-' or '.'")
		return
	}
	h.verify(w, r, "avviso", pathDefaults{idDominio: idDominio}, func(ctx context.Context) (*PendenzaVerificata, error) {
		return h.avvisi.VerificaAvviso(ctx, idDominio, numero)
	})
}

// servePendenza serves GET /pendenze/{idA2A}/{idPendenza} and POST
// /pendenze/{idDominio}/{idTipoPendenza}: the same path shape.
func (h *handler) servePendenza(w http.ResponseWriter, r *http.Request) {
	id1, id2 := r.PathValue("id1"), r.PathValue("id2")
	switch r.Method {
	case http.MethodGet:
		if h.pendenze == nil {
			h.notImplemented(w, "PendenzaVerifier")
			return
		}
		if !validID(id1) || !validID(id2) {
			h.badRequest(w, r, "idA2A and idPendenza must be 1–35 letters, digits, '_', '-' or '.'")
			return
		}
		h.verify(w, r, "pendenza", pathDefaults{idA2A: id1, idPendenza: id2}, func(ctx context.Context) (*PendenzaVerificata, error) {
			return h.pendenze.VerificaPendenza(ctx, id1, id2)
		})
	case http.MethodPost:
		if h.spontanee == nil {
			h.notImplemented(w, "SpontaneaVerifier")
			return
		}
		if msg := checkIDDominio(id1); msg != "" {
			h.badRequest(w, r, msg)
			return
		}
		if !validID(id2) {
			h.badRequest(w, r, "idTipoPendenza must be 1–35 letters, digits, '_', '-' or '.'")
			return
		}
		body, ok := h.readJSON(w, r)
		if !ok {
			return
		}
		var dati json.RawMessage
		err := decodeObject(body.Bytes(), &dati)
		dati = bytes.Clone(dati)
		putBuffer(body)
		if err != nil {
			h.badRequest(w, r, "malformed request: "+err.Error())
			return
		}
		req := RichiestaSpontanea{IDDominio: id1, IDTipoPendenza: id2, IDUnitaOperativa: r.URL.Query().Get("idUnitaOperativa"), Dati: dati}
		h.verify(w, r, "spontanea", pathDefaults{idDominio: id1, idTipoPendenza: id2}, func(ctx context.Context) (*PendenzaVerificata, error) {
			return h.spontanee.VerificaSpontanea(ctx, req)
		})
	default:
		h.methodNotAllowed(w, "GET, POST")
	}
}

func (h *handler) notImplemented(w http.ResponseWriter, iface string) {
	writeFault(w, http.StatusNotImplemented, faultBean{Categoria: "RICHIESTA", Codice: "501000",
		Descrizione: "Verifica non supportata", Dettaglio: "the receiver does not implement notifica." + iface})
}

// verify calls the verifier and writes its answer in the configured
// version: 200 (v2) or 201 (v1) with the PendenzaVerificata, 500 when the
// verifier failed, panicked or returned an answer that cannot be encoded.
func (h *handler) verify(w http.ResponseWriter, r *http.Request, kind string, def pathDefaults, call func(context.Context) (*PendenzaVerificata, error)) {
	ctx := r.Context()
	v, err := func() (v *PendenzaVerificata, err error) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				h.log.ErrorContext(ctx, "notifica: panic in the verifier", "kind", kind, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				err = fmt.Errorf("notifica: verifier panicked: %v", p)
			}
		}()
		return call(ctx)
	}()
	if err == nil && v == nil {
		err = errors.New("notifica: the verifier returned neither an answer nor an error")
	}
	var body []byte
	if err == nil {
		body, err = v.encode(h.s.verifica, def)
	}
	if err != nil {
		h.log.ErrorContext(ctx, "notifica: verification failed", "kind", kind, "path", r.URL.EscapedPath(), "error", err)
		writeFault(w, http.StatusInternalServerError, faultBean{Categoria: "INTERNO", Codice: "INTERNO", Descrizione: "Verifica non disponibile"})
		return
	}
	if v.Stato == StatoNonEseguita {
		if def.idA2A != "" && (orDefault(v.IDA2A, def.idA2A) != def.idA2A || orDefault(v.IDPendenza, def.idPendenza) != def.idPendenza) {
			h.log.WarnContext(ctx, "notifica: the verified pendenza has other ids than requested; GovPay will refuse it",
				"requested", def.idA2A+"/"+def.idPendenza, "answered", v.IDA2A+"/"+v.IDPendenza)
		}
	}
	status := http.StatusOK
	if h.s.verifica == 1 {
		status = http.StatusCreated
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
