package bot

// shopWords are words of a web shop's everyday business that a corpus of a
// few thousand lines cannot be relied on to contain: the days and months a
// delivery is promised for, the countries and nationalities it ships to,
// the payment methods and carriers customers name. They are built-in words,
// so they are part of the shop's domain: "do you ship to Latvia?" is a shop
// question even if no customer asked about Latvia before, while "when does
// the Tour de France start" names something the shop has nothing to do with
// (see namesOutOfDomain).
var shopWords = []string{
	// days and months
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"weekend", "weekday", "january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december", "christmas", "easter",
	"black friday", "cyber monday", "holiday", "holidays",
	// countries, regions and their adjectives
	"europe", "european", "eu", "uk", "britain", "british", "england", "english", "scotland",
	"wales", "ireland", "irish", "netherlands", "holland", "dutch", "belgium", "belgian",
	"luxembourg", "germany", "german", "austria", "austrian", "switzerland", "swiss",
	"france", "french", "spain", "spanish", "portugal", "portuguese", "italy", "italian",
	"denmark", "danish", "sweden", "swedish", "norway", "norwegian", "finland", "finnish",
	"iceland", "poland", "polish", "czechia", "czech", "slovakia", "hungary", "hungarian",
	"slovenia", "croatia", "romania", "bulgaria", "greece", "greek", "cyprus", "malta",
	"estonia", "latvia", "lithuania", "serbia", "ukraine", "turkey", "usa", "us", "america",
	"american", "canada", "canadian", "mexico", "australia", "australian", "new zealand",
	"japan", "china", "india", "brazil", "israel", "uae", "singapore", "worldwide",
	"international", "abroad", "overseas", "domestic", "brexit",
	// payment
	"paypal", "visa", "mastercard", "maestro", "amex", "american express", "apple pay",
	"google pay", "klarna", "ideal", "sepa", "bancontact", "sofort", "giropay", "afterpay",
	"iban", "bank transfer", "debit", "credit", "installments", "instalments",
	// the shop itself
	"cart", "basket", "checkout", "webshop", "website", "app", "login", "log in", "sign in",
	"wishlist", "coupon", "promo", "sale", "stock", "backorder", "preorder", "pre-order",
	// carriers and delivery
	"dhl", "postnl", "ups", "fedex", "dpd", "gls", "hermes", "evri", "royal mail",
	"la poste", "colissimo", "bpost", "correos", "poste italiane", "usps", "courier",
	"carrier", "parcel locker", "pickup point", "post office",
}
