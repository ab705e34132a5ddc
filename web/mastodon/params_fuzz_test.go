package mastodon

import (
	"bytes"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// paramsSize is how many bytes of keys and values readParams produced.
func paramsSize(p params) int {
	n := 0
	for k, vs := range p {
		for _, v := range vs {
			n += len(k) + len(v)
		}
		n += len(k)
	}
	return n
}

// paramsBudget is the bound the fuzzer holds readParams to: output linear in
// the input (a form's or JSON's keys repeat per array element, hence the
// factor), whatever the body's shape.
func paramsBudget(body []byte, query string) int {
	return 16*(len(body)+len(query)) + 64<<10
}

func paramsRequest(ct, query string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/api/v1/statuses", bytes.NewReader(body))
	if q := strings.TrimPrefix(query, "?"); q != "" && !strings.ContainsAny(q, " #\x00\r\n") {
		r.URL.RawQuery = q
	}
	if ct != "" {
		r.Header.Set("Content-Type", ct)
	}
	return r
}

func multipartSeed() (string, []byte) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("status", "hello")
	_ = w.WriteField("media_ids[]", "1")
	_ = w.Close()
	return w.FormDataContentType(), b.Bytes()
}

// FuzzReadParams feeds arbitrary forms and JSON bodies to readParams: it must
// never panic, never fail with anything but a paramError, and produce
// parameters whose size is linear in what was sent.
func FuzzReadParams(f *testing.F) {
	mpCT, mpBody := multipartSeed()
	for _, s := range []struct{ ct, query, body string }{
		{"application/json", "", `{"status":"hi","media_ids":["1","2"],"poll":{"options":["a","b"],"expires_in":300},"sensitive":true}`},
		{"application/json", "limit=5", `{"a":{"b":{"c":[{"d":1},{"e":[1,2,[3,4]]}]}}}`},
		{"application/x-www-form-urlencoded", "", "status=hi&media_ids[]=1&media_ids[]=2&poll[options][]=a"},
		{"", "", `{"no":"content-type"}`},
		{"text/plain", "", "a=1&b=%zz"},
		{"application/json", "", `{"a":null,"b":1e999,"c":-0,"d":12345678901234567890}`},
		{"application/json", "", `[1,2,3]`},
		{"application/json", "", `{"a":1}{"b":2}`},
		{"application/json", "", `{"` + strings.Repeat("k", 200) + `":{"a":1,"b":2,"c":3,"d":4}}`},
		{"application/json", "", strings.Repeat(`{"a":`, 100) + "1" + strings.Repeat("}", 100)},
		{"application/json", "", `{"a":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`},
		{"application/json; charset=utf-8", "", "{\"\\u0000\":\"\\ud800\"}"},
		{mpCT, "", string(mpBody)},
		{"multipart/form-data; boundary=x", "", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--"},
		{"multipart/form-data", "", "garbage"},
		{"application/x-www-form-urlencoded", "a=1;b=2", ";;&&==%"},
	} {
		f.Add(s.ct, s.query, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ct, query string, body []byte) {
		r := paramsRequest(ct, query, body)
		p, err := readParams(r)
		if err != nil {
			var pe *paramError
			if !errors.As(err, &pe) && !errors.Is(err, errBodyTooLarge) {
				t.Fatalf("readParams: unexpected error type %T: %v", err, err)
			}
			return
		}
		if n, most := paramsSize(p), paramsBudget(body, r.URL.RawQuery); n > most {
			t.Fatalf("readParams produced %d bytes of parameters from %d bytes of body (bound %d)", n, len(body), most)
		}
		// The helpers handlers use must cope with whatever came out.
		for k := range p {
			_ = p.list(strings.TrimSuffix(k, "[]"))
			_ = p.boolean(k)
		}
		_ = p.limit(20, 40)
	})
}

// TestJSONParamsAmplification: a JSON body whose long key prefixes many
// leaves must not be expanded into prefix×leaves bytes of form keys (a 1 MiB
// body could otherwise allocate gigabytes).
func TestJSONParamsAmplification(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"` + strings.Repeat("k", 60000) + `":{`)
	for i := range 20000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"%d":1`, i)
	}
	b.WriteString("}}")
	deep := strings.Repeat(`{"abcdefgh":`, 9000) + "1" + strings.Repeat("}", 9000)
	deepArr := `{"a":` + strings.Repeat(`[`, 9000) + "1" + strings.Repeat(`]`, 9000) + `}`
	for name, body := range map[string]string{"wide": b.String(), "deep objects": deep, "deep arrays": deepArr} {
		p, err := readParams(paramsRequest("application/json", "", []byte(body)))
		if err != nil {
			var pe *paramError
			if !errors.As(err, &pe) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if n, most := paramsSize(p), paramsBudget([]byte(body), ""); n > most {
			t.Errorf("%s: %d bytes of parameters from a %d-byte body (bound %d)", name, n, len(body), most)
		}
	}
}
