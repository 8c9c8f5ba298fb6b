package request

// cardFields are member names, folded by foldName, that carry payment card
// data. A request naming one is refused with 400 whatever the route, before
// its schema or handler sees the value: card data never enters supportbot
// (first specification, "Automated Payments Are Disabled" and PCI-DSS;
// DESIGN.md invariant 6; issue 4, "Any API request carrying card fields is
// rejected with 400"). Closed schemas would refuse these names anyway; this
// check makes the refusal explicit, names PCI-DSS, and holds for a route
// whose schema someone later opens up.
var cardFields = map[string]struct{}{
	"card": {}, "cardnumber": {}, "cardno": {}, "cardnum": {}, "ccnumber": {}, "ccnum": {},
	"creditcard": {}, "creditcardnumber": {}, "debitcard": {}, "pan": {}, "primaryaccountnumber": {},
	"cvv": {}, "cvv2": {}, "cvc": {}, "cvc2": {}, "ccv": {}, "csc": {},
	"securitycode": {}, "cardsecuritycode": {}, "cardverificationvalue": {}, "cardverificationcode": {},
	"expiry": {}, "expirydate": {}, "expdate": {}, "expmonth": {}, "expyear": {}, "expiration": {},
	"expirationdate": {}, "expirationmonth": {}, "expirationyear": {}, "cardexpiry": {}, "cardexpiration": {},
	"cardholder": {}, "cardholdername": {}, "nameoncard": {}, "track1": {}, "track2": {}, "magstripe": {},
}

// maxCardFieldName bounds the folded names compared; longer names are not
// card fields.
const maxCardFieldName = 32

// IsCardField reports whether a JSON member name denotes card data: the
// name folded to lower-case letters and digits ("Card_Number", "card-number"
// and "cardNumber" are one name) is in cardFields. It never allocates.
func IsCardField(name []byte) bool {
	var buf [maxCardFieldName]byte
	n := 0
	for _, c := range name {
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		default:
			continue // separators: _ - . and space
		}
		if n == len(buf) {
			return false
		}
		buf[n] = c
		n++
	}
	_, ok := cardFields[string(buf[:n])] // no allocation: map lookup of a converted slice
	return ok
}
