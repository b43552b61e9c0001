package notifica_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/govpaygo/govpay"
	"github.com/govpaygo/govpay/notifica"
)

// violations returns the fields of NewHandler's *govpay.ValidationError.
func violations(t *testing.T, r notifica.Receiver, opts ...notifica.Option) []string {
	t.Helper()
	h, err := notifica.NewHandler(r, opts...)
	require.Nil(t, h)
	var ve *govpay.ValidationError
	require.ErrorAs(t, err, &ve)
	require.ErrorIs(t, err, govpay.ErrInvalid)
	assert.Equal(t, "notifica options", ve.What)
	var out []string
	for _, v := range ve.Violations {
		assert.NotEmpty(t, v.Rule, v.Field)
		out = append(out, v.Field)
	}
	return out
}

// NewHandler lists the violations of every argument, in argument order.
func TestNewHandlerListsEveryViolation(t *testing.T) {
	assert.Equal(t, []string{
		"receiver",
		"WithBasicAuth.user", "WithBasicAuth.password",
		"WithAPIKey.appID",
		"WithHeaderSecret.name", "WithHeaderSecret.value",
		"WithClientCertificateSubjects.subjects[1]", "WithClientCertificateSubjects.subjects[2]",
		"WithMaxBodyBytes.n",
	}, violations(t, nil,
		notifica.WithBasicAuth("", ""),
		notifica.WithAPIKey("", "k"),
		nil, // ignored
		notifica.WithHeaderSecret("", ""),
		notifica.WithClientCertificateSubjects("CN=govpay", " ", ""),
		notifica.WithMaxBodyBytes(-1),
	))
}

// The checks of options together run only when every option is valid:
// a refused auth option does not also report "no authentication".
func TestNewHandlerCombinationChecks(t *testing.T) {
	ok := func(context.Context, string) error { return nil }
	assert.Equal(t, []string{"WithBasicAuth.password"}, violations(t, &recorder{}, notifica.WithBasicAuth("govpay", "")))
	assert.Equal(t, []string{"opts"}, violations(t, &recorder{}, notifica.WithLogger(nil)))
	assert.Equal(t, []string{"receiver", "opts"}, violations(t, nil))
	assert.Equal(t, []string{"WithNoAuthentication", "WithBearerCheck", "WithHeaderSecret.name"}, violations(t, &recorder{},
		notifica.WithNoAuthentication(), notifica.WithBasicAuth("govpay", "pw"), notifica.WithBearerCheck(ok), notifica.WithHeaderSecret("Authorization", "x")))

	_, err := notifica.NewHandler(&recorder{}, notifica.WithNoAuthentication(), notifica.WithAPIKey("app", "key"), notifica.WithClientCertificateSubjects("CN=govpay"))
	assert.EqualError(t, err, "govpay: invalid notifica options: WithNoAuthentication: conflicts with WithAPIKey, WithClientCertificateSubjects: give authentication options or WithNoAuthentication, not both")
}

func TestNotificaOptionsNeverEchoSecrets(t *testing.T) {
	const secret = "SeCrEt-value"
	for _, opts := range [][]notifica.Option{
		{notifica.WithBasicAuth(secret+":x", "")},
		{notifica.WithAPIKey(secret, "")},
		{notifica.WithHeaderSecret(secret+" bad", secret)},
		{notifica.WithClientCertificateSubjects(secret, "")},
		{notifica.WithNoAuthentication(), notifica.WithBasicAuth(secret, secret)},
	} {
		_, err := notifica.NewHandler(&recorder{}, opts...)
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "SeCrEt")
	}
}
