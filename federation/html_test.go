package federation

import (
	"slices"
	"strings"
	"testing"
)

func TestHashtagsNeedALetter(t *testing.T) {
	got := hashtagsIn("Bed #2 is free; #ICU2 rounds at 9 #cardiology #2024")
	if want := []string{"icu2", "cardiology"}; !slices.Equal(got, want) {
		t.Fatalf("hashtagsIn = %v, want %v", got, want)
	}
	html := renderText("Bed #2 then #ward", func(string) string { return "" }, func(n string) string { return "https://x/tags/" + n })
	if strings.Contains(html, "tags/2") || !strings.Contains(html, "tags/ward") {
		t.Fatalf("rendered %s", html)
	}
}

func TestRenderTextEscapesAndLinks(t *testing.T) {
	html := renderText("<script>alert(1)</script> see https://example.org/a?b=1&c=2 @alice", func(acct string) string {
		if acct == "alice" {
			return "https://h.example/@alice"
		}
		return ""
	}, func(n string) string { return "https://h.example/tags/" + n })
	for _, bad := range []string{"<script", "alert(1)</script>"} {
		if strings.Contains(html, bad) {
			t.Fatalf("unescaped %q in %s", bad, html)
		}
	}
	for _, want := range []string{`href="https://example.org/a?b=1&amp;c=2"`, `href="https://h.example/@alice"`, "<p>"} {
		if !strings.Contains(html, want) {
			t.Fatalf("missing %q in %s", want, html)
		}
	}
}
