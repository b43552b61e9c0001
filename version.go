package govpay

// Version is the SDK's version, sent in the User-Agent header as
// "govpay-go/<Version>".
const Version = "0.1.0"
