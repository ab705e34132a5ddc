package signature

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const mastodonHeader = `keyId="https://mastodon.example/users/alice#main-key",algorithm="rsa-sha256",` +
	`headers="(request-target) host date digest",signature="c2lnbmF0dXJl"`

func TestParseHeader(t *testing.T) {
	want := Params{
		KeyID:     "https://mastodon.example/users/alice#main-key",
		Algorithm: "rsa-sha256",
		Headers:   []string{"(request-target)", "host", "date", "digest"},
		Signature: []byte("signature"),
	}
	valid := map[string]string{
		"mastodon":              mastodonHeader,
		"authorization form":    "Signature " + mastodonHeader,
		"lowercase scheme":      "signature  " + mastodonHeader,
		"spaces around commas":  strings.ReplaceAll(mastodonHeader, `",`, `" , `),
		"uppercase algorithm":   strings.Replace(mastodonHeader, "rsa-sha256", "RSA-SHA256", 1),
		"unknown param ignored": mastodonHeader + `,foo="bar"`,
	}
	for name, h := range valid {
		got, err := ParseHeader(h)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ParseHeader = %+v, %v; want %+v", name, got, err, want)
		}
	}
}

func TestParseHeaderDefaultsAndTimestamps(t *testing.T) {
	p, err := ParseHeader(`keyId="k",signature="AAAA"`)
	if err != nil || !reflect.DeepEqual(p.Headers, []string{"date"}) || p.Algorithm != "" {
		t.Errorf("defaults: %+v, %v", p, err)
	}
	p, err = ParseHeader(`keyId="k",created=1700000000,expires="1700000300",headers="(created) (expires) Host",signature="AAAA"`)
	if err != nil || p.Created != 1700000000 || p.Expires != 1700000300 || p.Headers[2] != "host" {
		t.Errorf("timestamps: %+v, %v", p, err)
	}
}

func TestParseHeaderRefuses(t *testing.T) {
	long := `keyId="` + strings.Repeat("a", 9000) + `",signature="AAAA"`
	bad := map[string]string{
		"empty":                "",
		"garbage":              "garbage",
		"missing keyId":        `signature="AAAA"`,
		"empty keyId":          `keyId="",signature="AAAA"`,
		"missing signature":    `keyId="k"`,
		"bad base64":           `keyId="k",signature="A*AA"`,
		"unpadded base64":      `keyId="k",signature="AAA"`,
		"huge signature":       `keyId="k",signature="` + strings.Repeat("A", 2000) + `"`,
		"duplicate keyId":      `keyId="k",keyId="j",signature="AAAA"`,
		"duplicate any case":   `keyId="k",signature="AAAA",Signature="BBBB"`,
		"unterminated quote":   `keyId="k,signature="AAAA`,
		"escape in quotes":     `keyId="k\"",signature="AAAA"`,
		"control char":         "keyId=\"k\x00\",signature=\"AAAA\"",
		"trailing comma":       `keyId="k",signature="AAAA",`,
		"empty element":        `keyId="k",,signature="AAAA"`,
		"no value":             `keyId,signature="AAAA"`,
		"empty value":          `keyId=,signature="AAAA"`,
		"missing comma":        `keyId="k" signature="AAAA"`,
		"too long":             long,
		"empty headers":        `keyId="k",headers="",signature="AAAA"`,
		"bad header name":      `keyId="k",headers="(request-target) ho:st",signature="AAAA"`,
		"unknown pseudo":       `keyId="k",headers="(path)",signature="AAAA"`,
		"repeated header":      `keyId="k",headers="date date",signature="AAAA"`,
		"(created) without it": `keyId="k",headers="(created)",signature="AAAA"`,
		"negative created":     `keyId="k",created=-5,signature="AAAA"`,
		"signed created":       `keyId="k",created=+5,signature="AAAA"`,
		"huge created":         `keyId="k",created=99999999999999999999,signature="AAAA"`,
		"algorithm with space": `keyId="k",algorithm="rsa sha256",signature="AAAA"`,
		"too many params":      `keyId="k",signature="AAAA",a=1,b=1,c=1,d=1,e=1,f=1,g=1,h=1,i=1,j=1,k=1,l=1,m=1,n=1,o=1`,
		"scheme only":          "Signature ",
	}
	for name, h := range bad {
		if p, err := ParseHeader(h); !errors.Is(err, ErrBadHeader) {
			t.Errorf("%s: ParseHeader = %+v, %v; want ErrBadHeader", name, p, err)
		}
	}
}

func TestFormatHeaderRoundTrip(t *testing.T) {
	p, err := ParseHeader(mastodonHeader)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseHeader(formatHeader(p))
	if err != nil || !reflect.DeepEqual(p, q) {
		t.Errorf("round trip: %+v, %v; want %+v", q, err, p)
	}
}
