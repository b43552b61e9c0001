package govpaytest

import (
	"encoding/json"
	"fmt"

	"github.com/govpaygo/govpay"
)

// Demo data loaded by WithDemoData.
const (
	// DemoCodiceFiscale is the demo citizen (Mario Rossi), debtor of the
	// demo pendenze. Its check character is valid.
	DemoCodiceFiscale = "RSSMRA80A01H501U"
	// DemoIDA2A is the application (gestionale) owning the demo pendenze.
	DemoIDA2A = "A2A-DEMO"
	// DemoDominio is the demo municipality (GovPay's demo domain).
	DemoDominio = "01234567890"
	// DemoDominio2 is the second demo creditor (a water utility).
	DemoDominio2 = "98765432109"
	// DemoNumeroAvvisoCartaceo is the numero avviso of the demo paper
	// notice (a traffic fine addressed to another person, to be paid by
	// typing the notice code or reading its QR code).
	DemoNumeroAvvisoCartaceo = "301000000001234519"
)

// WithDemoData seeds the fake with two creditors and a few pendenze of the
// demo citizen DemoCodiceFiscale (owned by DemoIDA2A), plus one paper
// notice (DemoNumeroAvvisoCartaceo) of another debtor. The demo domains do
// not restrict the fake to them (see WithDominio).
func WithDemoData() Option { return func(c *config) { c.demo = true } }

// AddPendenza loads a pendenza as PUT /pendenze/{idA2A}/{idPendenza} of API
// Pendenze would, with the same rules, and returns its numero avviso
// (assigned by the fake when the pendenza has none). pendenza is the JSON
// of a NuovaPendenza ([]byte, json.RawMessage or string) or any value that
// marshals to it (a pendenze.Pendenza, a map). A refused pendenza gives an
// error naming GovPay's code.
func (s *Server) AddPendenza(idA2A, idPendenza string, pendenza any) (string, error) {
	var body []byte
	switch v := pendenza.(type) {
	case []byte:
		body = v
	case json.RawMessage:
		body = v
	case string:
		body = []byte(v)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return "", fmt.Errorf("govpaytest: AddPendenza: %w", err)
		}
		body = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPendenzaLocked(pendKey{idA2A, idPendenza}, body)
}

func (s *Server) addPendenzaLocked(key pendKey, body []byte) (string, error) {
	if e := firstErr(checkID("idA2A", key.idA2A), checkID("idPendenza", key.idPendenza)); e != nil {
		return "", fmt.Errorf("govpaytest: AddPendenza: %w", e)
	}
	var w wirePendenza
	if err := decodeStrict(body, &w); err != nil {
		return "", fmt.Errorf("govpaytest: AddPendenza: %w", errSintassi("%v", err))
	}
	p, e := validatePendenza(&w, "01")
	if e != nil {
		return "", fmt.Errorf("govpaytest: AddPendenza: %w", e)
	}
	if _, e := s.upsertPendenza(key, p); e != nil {
		return "", fmt.Errorf("govpaytest: AddPendenza: %w", e)
	}
	return p.numeroAvviso, nil
}

// seedDemo loads the demo data. It runs before the server is shared.
func (s *Server) seedDemo() {
	s.st.addDominio(Dominio{IDDominio: DemoDominio, RagioneSociale: "Comune Dimostrativo", CodiceSegregazione: "01"}, false)
	s.st.addDominio(Dominio{IDDominio: DemoDominio2, RagioneSociale: "Consorzio Idrico Dimostrativo", CodiceSegregazione: "02",
		IBAN: "IT60X0542811101000000123456"}, false)
	today := govpay.DateOf(inRome(s.now()))
	mario := map[string]any{"tipo": "F", "identificativo": DemoCodiceFiscale, "anagrafica": "Mario Rossi",
		"indirizzo": "Via Roma", "civico": "1", "cap": "00100", "localita": "Roma", "provincia": "RM", "nazione": "IT",
		"email": "mario.rossi@example.org"}
	demo := []struct {
		id   string
		body map[string]any
	}{
		{"TARI-2026-RSSMRA", map[string]any{
			"idTipoPendenza": "TARI", "idDominio": DemoDominio, "causale": "TARI 2026 - rata unica",
			"soggettoPagatore": mario, "importo": govpay.Centesimi(18750), "dataScadenza": today.AddDays(60).String(),
			"tassonomiaAvviso": "Imposte e tasse", "annoRiferimento": 2026,
			"voci": []map[string]any{
				{"idVocePendenza": "TARI", "importo": govpay.Centesimi(17000), "descrizione": "Tassa rifiuti 2026",
					"ibanAccredito": "IT02L1234500000999990000001", "tipoContabilita": "ALTRO", "codiceContabilita": "TARI"},
				{"idVocePendenza": "TEFA", "importo": govpay.Centesimi(1750), "descrizione": "Tributo provinciale TEFA 2026",
					"ibanAccredito": "IT02L1234500000999990000001", "tipoContabilita": "ALTRO", "codiceContabilita": "TEFA"},
			}}},
		{"MENSA-2026-03-RSSMRA", map[string]any{
			"idTipoPendenza": "REFEZIONE", "idDominio": DemoDominio, "causale": "Refezione scolastica - marzo 2026",
			"soggettoPagatore": mario, "importo": govpay.Centesimi(4280), "dataScadenza": today.AddDays(30).String(),
			"tassonomiaAvviso": "Servizi scolastici",
			"voci": []map[string]any{{"idVocePendenza": "1", "importo": govpay.Centesimi(4280),
				"descrizione": "Pasti del mese di marzo", "codEntrata": "REFEZIONE"}}}},
		{"ACQUA-2025-RSSMRA", map[string]any{
			"idTipoPendenza": "IDRICO", "idDominio": DemoDominio2, "causale": "Servizio idrico - saldo 2025",
			"soggettoPagatore": mario, "importo": govpay.Centesimi(6315), "dataScadenza": today.AddDays(20).String(),
			"tassonomiaAvviso": "Servizi erogati da altri enti",
			"voci": []map[string]any{{"idVocePendenza": "1", "importo": govpay.Centesimi(6315),
				"descrizione": "Consumi acqua 2025", "ibanAccredito": "IT60X0542811101000000123456",
				"tipoContabilita": "ALTRO", "codiceContabilita": "IDRICO"}}}},
		{"CDS-2026-0001234", map[string]any{
			"idTipoPendenza": "CDS", "idDominio": DemoDominio, "causale": "Sanzione codice della strada - verbale 2026/0001234",
			"soggettoPagatore": map[string]any{"tipo": "F", "identificativo": "VRDGPP85M41F205X", "anagrafica": "Giuseppina Verdi"},
			"importo":          govpay.Centesimi(10100), "numeroAvviso": DemoNumeroAvvisoCartaceo, "dataScadenza": today.AddDays(90).String(),
			"tassonomiaAvviso": "Multe e sanzioni amministrative",
			"voci": []map[string]any{{"idVocePendenza": "1", "importo": govpay.Centesimi(10100),
				"descrizione": "Sanzione art. 7 CdS", "codEntrata": "CDS"}}}},
	}
	for _, d := range demo {
		b, _ := json.Marshal(d.body)
		if _, err := s.addPendenzaLocked(pendKey{DemoIDA2A, d.id}, b); err != nil {
			panic("govpaytest: demo data refused: " + err.Error()) // a bug in the demo data above
		}
	}
}
