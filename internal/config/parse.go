package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"supportbot/internal/bot"
	"supportbot/internal/http/middleware"
)

// ErrAutomatedCard is returned for PAYMENT_METHOD=automated_card, in every
// mode (first specification, "Automated Payments Are Disabled").
var ErrAutomatedCard = errors.New("automated card payments are disabled for PCI-DSS compliance; use PAYMENT_METHOD=manual")

func nonEmpty(dst *string, v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("must not be empty")
	}
	*dst = v
	return nil
}

func oneOf(dst *string, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			*dst = v
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(allowed, ", "))
}

func integer(dst *int, v string, lo, hi int) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
	}
	*dst = n
	return nil
}

func integer64(dst *int64, v string, lo, hi int64) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < lo || n > hi {
		return fmt.Errorf("must be a whole number from %d to %d", lo, hi)
	}
	*dst = n
	return nil
}

func duration(dst *time.Duration, v string, lo, hi time.Duration) error {
	d, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || d < lo || d > hi {
		return fmt.Errorf("must be a duration such as 30s from %s to %s", lo, hi)
	}
	*dst = d
	return nil
}

func timestamp(dst *time.Time, v string) error {
	if v == "" {
		*dst = time.Time{}
		return nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return errors.New("must be an RFC 3339 time such as 2026-11-22T15:00:00Z")
	}
	*dst = t
	return nil
}

func boolean(dst *bool, v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("must be true or false")
	}
	*dst = b
	return nil
}

func optionalBool(dst **bool, v string) error {
	if v == "" {
		*dst = nil
		return nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return errors.New("must be true or false")
	}
	*dst = &b
	return nil
}

func hostPort(dst *string, v string) error {
	if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
		return errors.New("must be host:port, e.g. 127.0.0.1:8080")
	}
	*dst = v
	return nil
}

func optionalHostPort(dst *string, v string) error {
	if v == "" {
		*dst = ""
		return nil
	}
	return hostPort(dst, v)
}

func list(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func prefixes(dst *[]netip.Prefix, v string) error {
	var out []netip.Prefix
	for _, p := range list(v) {
		if !strings.Contains(p, "/") {
			a, err := netip.ParseAddr(p)
			if err != nil {
				return fmt.Errorf("%q is not an IP address or CIDR", p)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pr, err := netip.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("%q is not a CIDR such as 10.0.0.0/8", p)
		}
		// Trusting a whole range of the internet (0.0.0.0/0 at worst) would
		// let any client forge X-Forwarded-For and -Proto: dodge the rate
		// limit, fake the IP in audit events and claim HTTPS. Proxies live
		// in one network, never wider than a /8 or an IPv6 /32.
		if min := minProxyBits(pr.Addr()); pr.Bits() < min {
			return fmt.Errorf("%q trusts too many addresses: list your proxies' network, no wider than /%d", p, min)
		}
		out = append(out, pr.Masked())
	}
	*dst = out
	return nil
}

func minProxyBits(a netip.Addr) int {
	if a.Is4() {
		return 8
	}
	return 32
}

// origins refuses `*` and `null` in every mode, not only in production:
// the HTTP layer never serves them, so a development server would fail later
// with a less precise message.
func origins(dst *[]string, v string) error {
	out := list(v)
	for _, o := range out {
		if err := middleware.CheckOrigin(o); err != nil {
			return fmt.Errorf("%q refused: list exact origins such as https://shop.example (lower case, no path; never * or null)", o)
		}
	}
	*dst = out
	return nil
}

func databaseURL(dst *string, v string) error {
	if v == "" {
		*dst = ""
		return nil
	}
	u, err := url.Parse(v)
	if err != nil {
		// Never echo the value: it may hold a password.
		return errors.New("is not a valid URL")
	}
	switch u.Scheme {
	case "postgres", "postgresql", "sqlite", "file":
	default:
		return errors.New("must be empty (embedded SQLite), sqlite:PATH or postgres://…")
	}
	*dst = v
	return nil
}

func paymentMethod(dst *string, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "manual":
		*dst = "manual"
		return nil
	case "automated_card", "automated", "card":
		return ErrAutomatedCard
	}
	return errors.New("must be manual (the only supported payment method)")
}

// defaultOrderIDPattern is the bot's grammar of order numbers: ORD001,
// ORD-7731, ORD-2024-0001 and purely numeric numbers of 5 to 12 digits.
const defaultOrderIDPattern = bot.DefaultOrderIDPattern

// orderIDPattern accepts what the bot accepts (bot.CheckOrderIDPattern).
func orderIDPattern(dst *string, v string) error {
	if err := bot.CheckOrderIDPattern(v); err != nil {
		return err
	}
	*dst = v
	return nil
}

// httpsURL accepts "" or an absolute https URL without credentials.
func httpsURL(dst *string, v string) error {
	if v == "" {
		*dst = ""
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return errors.New("must be an absolute https:// URL without credentials")
	}
	*dst = v
	return nil
}
