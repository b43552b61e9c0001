package notifica_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/govpaygo/govpay/notifica"
	"github.com/govpaygo/govpay/ricevute"
)

// sqlDeduplicator keeps the idempotency keys in the vertical system's own
// database:
//
//	CREATE TABLE notifiche (chiave TEXT PRIMARY KEY, elaborata BOOLEAN NOT NULL DEFAULT FALSE);
//
// Begin opens a transaction and locks the key's row: a concurrent delivery
// of the same notification waits on INSERT/SELECT … FOR UPDATE until the
// first one commits (then it finds elaborata = TRUE) or rolls back (then
// it takes over). The transaction travels to the Receiver in
// Claim.Context, so the Receiver's writes and the key commit together.
type sqlDeduplicator struct{ db *sql.DB }

type txKey struct{}

func (d *sqlDeduplicator) Begin(ctx context.Context, key string) (notifica.Claim, error) {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return notifica.Claim{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO notifiche (chiave) VALUES ($1) ON CONFLICT (chiave) DO NOTHING`, key); err != nil {
		return notifica.Claim{}, errors.Join(err, tx.Rollback())
	}
	var elaborata bool
	if err := tx.QueryRowContext(ctx, `SELECT elaborata FROM notifiche WHERE chiave = $1 FOR UPDATE`, key).Scan(&elaborata); err != nil {
		return notifica.Claim{}, errors.Join(err, tx.Rollback())
	}
	if elaborata {
		return notifica.Claim{Done: true}, tx.Rollback()
	}
	return notifica.Claim{
		Context: context.WithValue(ctx, txKey{}, tx),
		Release: func(ctx context.Context, success bool) error {
			if !success {
				return tx.Rollback()
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifiche SET elaborata = TRUE WHERE chiave = $1`, key); err != nil {
				return errors.Join(err, tx.Rollback())
			}
			return tx.Commit()
		},
	}, nil
}

// gestionale is the vertical system: it books every receipt in the
// transaction the deduplicator opened.
type gestionale struct{}

func (gestionale) Ricevuta(ctx context.Context, r *ricevute.Ricevuta) error {
	tx, ok := ctx.Value(txKey{}).(*sql.Tx)
	if !ok {
		return errors.New("no transaction: configure the sqlDeduplicator")
	}
	fmt.Printf("ricevuta %s/%s: %s EUR, %s\n", r.IUV, r.IDRicevuta, r.Importo, r.Esito)
	_, err := tx.ExecContext(ctx, `INSERT INTO incassi (id_ricevuta, centesimi) VALUES ($1, $2)`, r.IDRicevuta, r.Importo.Centesimi())
	return err
}

func (gestionale) Attivazione(ctx context.Context, n *notifica.Pagamento) error { return nil }

func (gestionale) Pagamento(ctx context.Context, n *notifica.Pagamento) error {
	return errors.New("this vertical uses API Ente v2")
}

// A vertical system mounts the handler under /govpay/ with HTTP Basic
// authentication and a deduplicator backed by its database. GovPay
// delivers the same receipt twice (say, the first answer was lost): the
// receipt is booked once, and both deliveries are acknowledged.
func ExampleNewHandler() {
	db, err := sql.Open("exampledb", "") // your database driver here
	if err != nil {
		log.Fatal(err)
	}
	h, err := notifica.NewHandler(gestionale{},
		notifica.WithBasicAuth("govpay", "s3cret-Pa55"),
		notifica.WithDeduplicator(&sqlDeduplicator{db: db}),
	)
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/govpay/", http.StripPrefix("/govpay", h))
	srv := httptest.NewServer(mux) // your http.Server here
	defer srv.Close()

	// What GovPay sends (abridged).
	const ricevuta = `{"dominio":{"idDominio":"01234567890"},"iuv":"01000000000012345",
		"idRicevuta":"rcpt-1","importo":100.99,"esito":"ESEGUITO"}`
	for range 2 {
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/govpay/ricevute/01234567890/01000000000012345/rcpt-1",
			strings.NewReader(ricevuta))
		req.Header.Set("Content-Type", "application/json")
		req.SetBasicAuth("govpay", "s3cret-Pa55")
		resp, err := srv.Client().Do(req)
		if err != nil {
			log.Fatal(err)
		}
		resp.Body.Close()
		fmt.Println("GovPay got", resp.Status)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM incassi`).Scan(&n); err != nil {
		log.Fatal(err)
	}
	fmt.Println("incassi booked:", n)
	// Output:
	// ricevuta 01000000000012345/rcpt-1: 100.99 EUR, ESEGUITO
	// GovPay got 201 Created
	// GovPay got 201 Created
	// incassi booked: 1
}
