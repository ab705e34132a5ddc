package fetch

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

var (
	// ErrForbiddenAddress means the target is, or resolved to, an address
	// that remote-supplied URLs must not reach (loopback, private, link-local…).
	ErrForbiddenAddress = errors.New("forbidden address")
	// ErrTooLarge means the response body exceeded Options.MaxBody.
	ErrTooLarge = errors.New("response body too large")
	// ErrScheme means the URL's scheme is not allowed (only https, plus http
	// when Options.AllowHTTP is set).
	ErrScheme = errors.New("scheme not allowed")
	// ErrInvalidURL means the URL is not an absolute URL with a host and
	// without userinfo.
	ErrInvalidURL = errors.New("invalid url")
)

// blockedPrefixes are the ranges a remote-supplied URL must never reach.
// Beyond the obvious private ranges this covers reserved, benchmarking and
// documentation space: no real peer lives there, and some of it routes to
// infrastructure (NAT64, 6to4 relays) that could be used to reach back in.
var blockedPrefixes = mustPrefixes(
	// IPv4
	"0.0.0.0/8",       // "this network", incl. the unspecified 0.0.0.0
	"10.0.0.0/8",      // RFC 1918
	"100.64.0.0/10",   // CGNAT, RFC 6598
	"127.0.0.0/8",     // loopback
	"169.254.0.0/16",  // link-local, incl. cloud metadata 169.254.169.254
	"172.16.0.0/12",   // RFC 1918
	"192.0.0.0/24",    // IETF protocol assignments
	"192.0.2.0/24",    // TEST-NET-1
	"192.88.99.0/24",  // 6to4 relay anycast (deprecated)
	"192.168.0.0/16",  // RFC 1918
	"198.18.0.0/15",   // benchmarking
	"198.51.100.0/24", // TEST-NET-2
	"203.0.113.0/24",  // TEST-NET-3
	"224.0.0.0/4",     // multicast
	"240.0.0.0/4",     // reserved, incl. broadcast 255.255.255.255
	// IPv6 (IPv4-mapped ::ffff:0:0/96 is unmapped and checked as IPv4)
	"::/96",          // unspecified ::, loopback ::1, deprecated IPv4-compatible
	"64:ff9b:1::/48", // local-use NAT64
	"100::/64",       // discard-only
	"2001::/32",      // Teredo: tunnels to an embedded, obfuscated IPv4
	"2001:db8::/32",  // documentation
	"fc00::/7",       // unique local
	"fe80::/10",      // link-local
	"fec0::/10",      // site-local (deprecated, still routed by some stacks)
	"ff00::/8",       // multicast
)

// Prefixes that embed an IPv4 address: judged by the address they embed,
// so a translator cannot carry a request to a private IPv4 target.
var (
	nat64Prefix = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour   = netip.MustParsePrefix("2002::/16")
)

func mustPrefixes(ss ...string) []netip.Prefix {
	ps := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		ps[i] = netip.MustParsePrefix(s)
	}
	return ps
}

// IsPrivate reports whether ip is an address remote-supplied URLs must not
// reach. Invalid addresses count as private, so callers fail closed.
func IsPrivate(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	ip = ip.WithZone("").Unmap()
	if embedded, ok := embeddedIPv4(ip); ok {
		return IsPrivate(embedded)
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// embeddedIPv4 extracts the IPv4 address carried by NAT64 (last 32 bits)
// and 6to4 (bits 16–47) addresses.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case nat64Prefix.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// CheckURL is the cheap pre-check run before any request and on every
// redirect: the URL must be absolute, use an allowed scheme, name a host and
// carry no userinfo; a literal IP host must not be private. Host names are
// not resolved here — the dialer checks what they resolve to at connect
// time, which also defeats DNS rebinding.
func CheckURL(raw string, opt Options) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("check url: %w: %w", ErrInvalidURL, err)
	}
	if err := checkParsed(u, opt); err != nil {
		return nil, err
	}
	return u, nil
}

func checkParsed(u *url.URL, opt Options) error {
	if !u.IsAbs() || u.Opaque != "" {
		return fmt.Errorf("check url %q: %w: not an absolute URL", u.Redacted(), ErrInvalidURL)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !opt.AllowHTTP {
			return fmt.Errorf("check url %q: %w: plain http", u.Redacted(), ErrScheme)
		}
	default:
		return fmt.Errorf("check url %q: %w: %q", u.Redacted(), ErrScheme, u.Scheme)
	}
	// Userinfo would be sent as credentials to whoever the remote named,
	// and "https://trusted@evil/" is a classic way to mislead a reader.
	if u.User != nil {
		return fmt.Errorf("check url %q: %w: userinfo not allowed", u.Redacted(), ErrInvalidURL)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("check url %q: %w: no host", u.Redacted(), ErrInvalidURL)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !opt.AllowPrivate && IsPrivate(ip) {
		return fmt.Errorf("check url %q: %w: %s", u.Redacted(), ErrForbiddenAddress, ip)
	}
	return nil
}

// dialControl runs after name resolution, on the exact IP about to be
// connected, for every address the dialer tries (Happy Eyeballs included).
// Checking here rather than before resolving is what stops names that
// resolve — or re-resolve — to private addresses.
func dialControl(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		// Fail closed: an address we cannot read is one we cannot vouch for.
		return fmt.Errorf("%w: unparsable %s address %q", ErrForbiddenAddress, network, address)
	}
	// net wraps this in an *OpError that already names the address.
	if IsPrivate(ap.Addr()) {
		return fmt.Errorf("%w: refused at dial", ErrForbiddenAddress)
	}
	return nil
}
