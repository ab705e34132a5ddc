package fetch

import (
	"errors"
	"net/netip"
	"testing"
)

// Classification only: nothing here opens a connection.
func TestIsPrivate(t *testing.T) {
	tests := []struct {
		ip      string
		private bool
	}{
		{"127.0.0.1", true},
		{"127.255.255.254", true},
		{"::1", true},
		{"10.0.0.1", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"169.254.169.254", true},
		{"169.254.0.1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"0.0.0.0", true},
		{"0.1.2.3", true},
		{"::", true},
		{"224.0.0.1", true},
		{"239.255.255.250", true},
		{"ff02::1", true},
		{"255.255.255.255", true},
		{"240.0.0.1", true},
		{"192.0.0.8", true},
		{"198.18.0.1", true},
		{"198.19.255.255", true},
		{"192.0.2.1", true},
		{"198.51.100.1", true},
		{"203.0.113.1", true},
		{"2001:db8::1", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.0.0.1", true},
		{"::ffff:169.254.169.254", true},
		{"::ffff:0.0.0.0", true},
		{"::127.0.0.1", true},           // IPv4-compatible
		{"64:ff9b::7f00:1", true},       // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", true},    // NAT64 of 169.254.169.254
		{"2002:c0a8:0101::1", true},     // 6to4 of 192.168.1.1
		{"2002:7f00:0001::1", true},     // 6to4 of 127.0.0.1
		{"2001:0:4136:e378::1", true},   // Teredo
		{"fec0::1", true},               // site-local
		{"8.8.8.8", false},              // public
		{"1.1.1.1", false},              // public
		{"172.32.0.1", false},           // just past 172.16/12
		{"100.128.0.1", false},          // just past 100.64/10
		{"2001:4860::8888", false},      // public
		{"2606:4700:4700::1111", false}, // public
		{"::ffff:8.8.8.8", false},       // mapped public
		{"64:ff9b::808:808", false},     // NAT64 of 8.8.8.8
		{"2002:0808:0808::1", false},    // 6to4 of 8.8.8.8
	}
	for _, tt := range tests {
		ip := netip.MustParseAddr(tt.ip)
		if got := IsPrivate(ip); got != tt.private {
			t.Errorf("IsPrivate(%s) = %v, want %v", tt.ip, got, tt.private)
		}
	}
	if !IsPrivate(netip.Addr{}) {
		t.Error("IsPrivate(zero Addr) = false, want true (fail closed)")
	}
}

func TestCheckURL(t *testing.T) {
	strict := Options{}
	dev := Options{AllowHTTP: true, AllowPrivate: true}
	tests := []struct {
		url  string
		opt  Options
		want error // nil means allowed
	}{
		{"https://example.org/users/alice", strict, nil},
		{"https://8.8.8.8/", strict, nil},
		{"https://[2001:4860::8888]:8443/", strict, nil},
		{"http://example.org/", strict, ErrScheme},
		{"http://example.org/", Options{AllowHTTP: true}, nil},
		{"ftp://example.org/", dev, ErrScheme},
		{"file:///etc/passwd", dev, ErrScheme},
		{"gopher://example.org/", dev, ErrScheme},
		{"https://user:pass@example.org/", strict, ErrInvalidURL},
		{"https://user@example.org/", dev, ErrInvalidURL},
		{"/relative/path", strict, ErrInvalidURL},
		{"https:opaque", strict, ErrInvalidURL},
		{"https:///nohost", strict, ErrInvalidURL},
		{"https://%zz", strict, ErrInvalidURL},
		{"https://127.0.0.1:8443/", strict, ErrForbiddenAddress},
		{"https://[::1]/", strict, ErrForbiddenAddress},
		{"https://169.254.169.254/latest/meta-data/", strict, ErrForbiddenAddress},
		{"https://10.0.0.1/", strict, ErrForbiddenAddress},
		{"https://192.168.1.1/", strict, ErrForbiddenAddress},
		{"https://0.0.0.0/", strict, ErrForbiddenAddress},
		{"https://[::ffff:127.0.0.1]/", strict, ErrForbiddenAddress},
		{"https://[fe80::1%25eth0]/", strict, ErrForbiddenAddress},
		{"http://127.0.0.1:3000/", dev, nil},
		{"http://[::1]:3000/", dev, nil},
	}
	for _, tt := range tests {
		u, err := CheckURL(tt.url, tt.opt)
		if tt.want == nil {
			if err != nil || u == nil {
				t.Errorf("CheckURL(%q) = %v, %v; want allowed", tt.url, u, err)
			}
			continue
		}
		if !errors.Is(err, tt.want) {
			t.Errorf("CheckURL(%q) error = %v, want %v", tt.url, err, tt.want)
		}
	}
}

// The dial guard is called directly with the addresses a resolver could
// return; no socket is involved.
func TestDialControl(t *testing.T) {
	refused := []string{
		"127.0.0.1:80", "[::1]:443", "10.0.0.1:80", "192.168.1.1:80",
		"172.16.5.4:443", "169.254.169.254:80", "100.64.0.1:80",
		"0.0.0.0:80", "[::]:80", "[::ffff:127.0.0.1]:80", "[fe80::1%eth0]:80",
		"[fd00::1]:443", "224.0.0.1:80", "255.255.255.255:80",
		"not-an-address", "",
	}
	for _, a := range refused {
		if err := dialControl("tcp", a, nil); !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("dialControl(%q) = %v, want ErrForbiddenAddress", a, err)
		}
	}
	for _, a := range []string{"8.8.8.8:443", "[2001:4860::8888]:443"} {
		if err := dialControl("tcp", a, nil); err != nil {
			t.Errorf("dialControl(%q) = %v, want allowed", a, err)
		}
	}
}
