package govpay

// API names one of GovPay's integration APIs.
type API string

// GovPay's APIs.
const (
	APIPendenze   API = "pendenze"   // API Pendenze: vertical systems load debts (backend)
	APIPagamento  API = "pagamento"  // API Pagamento: payment portals (frontend)
	APIRagioneria API = "ragioneria" // API Ragioneria: receipts and reconciliation (backend)
	APIBackoffice API = "backoffice" // API Backoffice (backend)
)
