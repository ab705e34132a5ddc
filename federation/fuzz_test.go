package federation

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzSelfLink feeds WebFinger documents (remote-controlled JSON) to
// selfLink: no panic, and any link it returns is one the document holds with
// rel self and an ActivityPub type.
func FuzzSelfLink(f *testing.F) {
	for _, s := range []string{
		`{"subject":"acct:alice@a.example","links":[{"rel":"self","type":"application/activity+json","href":"https://a.example/users/alice"}]}`,
		`{"links":[{"rel":"http://webfinger.net/rel/profile-page","type":"text/html","href":"https://a.example/@alice"},{"rel":"self","type":"application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"","href":"https://a.example/u/1"}]}`,
		`{"links":[{"rel":"self","type":"application/activity+json","href":""}]}`,
		`{"links":[{"rel":"self","href":"https://a.example/no-type"}]}`,
		`{"links":{"rel":"self"}}`,
		`{"links":[null,1,"x",{"rel":["self"]}]}`,
		`{"links":[{"rel":"self","type":"application/activity+json","href":"http://127.0.0.1/users/alice"}]}`,
		`{"links":[{"rel":"self","type":"application/activity+json","href":"javascript:alert(1)"}]}`,
		`[]`, `null`, ``, `{`, `{"links":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		href, err := selfLink(body, "alice", "a.example")
		if err != nil {
			if href != "" {
				t.Fatalf("error %v with href %q", err, href)
			}
			return
		}
		if href == "" {
			t.Fatal("no error and no href")
		}
		var doc struct {
			Links []struct{ Rel, Type, Href string } `json:"links"`
		}
		if json.Unmarshal(body, &doc) != nil {
			t.Fatalf("accepted a document that does not decode: %q", body)
		}
		for _, l := range doc.Links {
			if l.Href == href && l.Rel == "self" && strings.Contains(l.Type, "json") {
				return
			}
		}
		t.Fatalf("href %q is not a self link of %q", href, body)
	})
}

var sanitizeSeeds = []string{
	`<p>Hello <a href="https://a.example/@bob" class="u-url mention">@<span>bob</span></a></p>`,
	`<script>alert(1)</script>`,
	`<SCRIPT SRC=//evil/x.js></SCRIPT>`,
	`<scr<script>ipt>alert(1)</scr</script>ipt>`,
	`<img src=x onerror=alert(1)>`,
	`<a href="javascript:alert(1)">x</a>`,
	`<a href="JaVaScRiPt:alert(1)">x</a>`,
	`<a href="java&#x09;script:alert(1)">x</a>`,
	`<a href="&#106;avascript:alert(1)">x</a>`,
	`<a href=" javascript:alert(1)">x</a>`,
	`<a href="data:text/html,<script>alert(1)</script>">x</a>`,
	`<a href="vbscript:x">x</a>`,
	`<a href="https://ok.example/" onclick="x()" onmouseover=y>ok</a>`,
	`<svg><script>alert(1)</script></svg>`,
	`<math><mi xlink:href="javascript:alert(1)">x</mi></math>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<style>body{background:url(javascript:alert(1))}</style>`,
	`<p style="background:url(javascript:alert(1))">x</p>`,
	`<!--<script>alert(1)</script>-->`,
	`<noscript><p title="</noscript><script>alert(1)</script>">`,
	`<textarea><script>alert(1)</script></textarea>`,
	`<a href="https://a.example/" rel="nofollow noopener" class="mention hashtag">#tag</a>`,
	`<span class="invisible">https://</span><span class="ellipsis">example.org/long</span>`,
	`&lt;script&gt;alert(1)&lt;/script&gt;`,
	`<p>unclosed <b>bold <i>italic</p>`,
	"<a href=\"https://x.example/\x00\">nul</a>",
	`<base href="javascript:alert(1)//">`,
	`<form action="javascript:alert(1)"><button>x</button></form>`,
	`<a href="//evil.example/">protocol-relative</a>`,
}

// inert parses sanitised HTML and reports the first thing that could run:
// a script-ish element, an on* attribute, a style, or a link whose scheme is
// not http(s).
func inert(s string) string {
	if strings.Contains(strings.ToLower(s), "<script") {
		return "<script"
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "img", "form", "base", "meta", "link":
				return "<" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				k := strings.ToLower(a.Key)
				if strings.HasPrefix(k, "on") || k == "style" || k == "src" || k == "action" || k == "formaction" {
					return "attribute " + a.Key
				}
				if k == "href" {
					u, err := url.Parse(strings.TrimSpace(a.Val))
					if err != nil {
						return "unparseable href " + a.Val
					}
					if sch := strings.ToLower(u.Scheme); sch != "http" && sch != "https" {
						return "href scheme " + a.Val
					}
				}
			}
		}
	}
}

// FuzzSanitizeHTML: whatever a peer sends, the sanitised HTML has nothing
// executable, and sanitising it again changes nothing.
func FuzzSanitizeHTML(f *testing.F) {
	for _, s := range sanitizeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		once := SanitizeHTML(in)
		if bad := inert(once); bad != "" {
			t.Fatalf("SanitizeHTML(%q) = %q: %s survived", in, once, bad)
		}
		if twice := SanitizeHTML(once); twice != once {
			t.Fatalf("not idempotent for %q:\nonce  %q\ntwice %q", in, once, twice)
		}
	})
}

// FuzzRenderText: a clinician's plain text never becomes markup. The only
// tags are those renderText writes, every '<' typed is text in the result,
// and the result is inert.
func FuzzRenderText(f *testing.F) {
	for _, s := range []string{
		"hello world",
		"<script>alert(1)</script>",
		"see https://example.org/a?b=1&c=<x> and @alice and @bob@other.example:8443 #cardiology #2",
		"line one\nline two\r\n\r\npara <b>two</b>",
		`"><img src=x onerror=alert(1)>`,
		"https://x.example/\"onmouseover=\"alert(1)",
		"javascript:alert(1) http://javascript:alert(1)@x.example",
		"@alice<script>@bob #tag<i>",
		"&lt;already escaped&gt; &amp; <",
		"#" + strings.Repeat("a", 70) + " @" + strings.Repeat("b", 40),
		"\x00<\x00script>",
	} {
		f.Add(s)
	}
	link := func(acct string) string {
		if strings.HasPrefix(acct, "a") || strings.Contains(acct, "@") {
			return "https://h.example/@" + acct
		}
		return ""
	}
	tagURL := func(n string) string { return "https://h.example/tags/" + n }
	allowed := map[string]bool{"p": true, "br": true, "a": true, "span": true}
	f.Fuzz(func(t *testing.T, in string) {
		out := renderText(in, link, tagURL)
		if bad := inert(out); bad != "" {
			t.Fatalf("renderText(%q) = %q: %s", in, out, bad)
		}
		lt := 0
		z := html.NewTokenizer(strings.NewReader(out))
		for done := false; !done; {
			switch z.Next() {
			case html.ErrorToken:
				done = true
			case html.TextToken:
				lt += strings.Count(string(z.Text()), "<")
			case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
				name, _ := z.TagName()
				if !allowed[string(name)] {
					t.Fatalf("renderText(%q) = %q: tag <%s> from the input", in, out, name)
				}
			case html.CommentToken, html.DoctypeToken:
				t.Fatalf("renderText(%q) = %q: markup from the input", in, out)
			}
		}
		if want := strings.Count(in, "<"); lt != want {
			t.Fatalf("renderText(%q) = %q: %d '<' as text, want %d", in, out, lt, want)
		}
	})
}
