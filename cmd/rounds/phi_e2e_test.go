package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rounds-social/rounds/config"
)

// postRaw posts and returns the HTTP status and the error message, if any.
func postRaw(c *fedClient, text, visibility string) (int, string) {
	form := url.Values{"status": {text}, "visibility": {visibility}}
	req, _ := http.NewRequest("POST", c.base+"/api/v1/statuses", strings.NewReader(form.Encode()))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct{ Error string }
	_ = json.NewDecoder(resp.Body).Decode(&e)
	return resp.StatusCode, e.Error
}

// TestPHIGuardEndToEnd: a post with a date of birth is refused with a
// message a clinician understands and goes nowhere; under a permissive rule
// it is delivered and the warning audited; a remote post with a
// high-confidence identifier is held from timelines and reported.
func TestPHIGuardEndToEnd(t *testing.T) {
	hostA, hostB, hostW := fedFreeHost(t), fedFreeHost(t), fedFreeHost(t)
	a := fedStart(t, hostA, fedDB(t, "a"))
	// B accepts remote posts with dates of birth (its own rule), but not SSNs.
	b := fedStartWith(t, hostB, fedDB(t, "b"), func(c *config.Config) { c.PHI.Rules = []string{"dob:public:warn"} })
	w := fedStartWith(t, hostW, fedDB(t, "w"), func(c *config.Config) {
		c.PHI.Rules = []string{"dob:public:warn", "ssn:public:allow"}
	})
	alice, wendy, bob := a.user("alice", false), w.user("wendy", false), b.user("bob", false)
	for _, acct := range []string{"alice@" + hostA, "wendy@" + hostW} {
		id := bob.resolve(acct)
		bob.do("POST", "/api/v1/accounts/"+id+"/follow", nil, nil)
		eventually(t, "bob follows "+acct, func() bool { return bob.relationship(id)["following"] == true })
	}

	// Blocked: 422 with the message, nothing stored, nothing delivered.
	code, msg := postRaw(alice, "Pt seen today, DOB 04/02/1931, stable", "public")
	if code != 422 || !strings.Contains(msg, "date of birth") || !strings.Contains(msg, "DOB 04/02/1931") ||
		!strings.Contains(msg, "Remove patient identifiers before posting") {
		t.Fatalf("post with a DOB: %d %q", code, msg)
	}
	alice.post("control post after the blocked one", "public")
	eventually(t, "the control post reaches B", func() bool { return hasContent(bob.home(), "control post") == 1 })
	if hasContent(bob.home(), "stable") != 0 || hasContent(alice.home(), "stable") != 0 {
		t.Fatal("the blocked post was stored or delivered")
	}
	if list := a.admin("audit", "list", "--action", "phi.block"); !strings.Contains(list, "phi.block") || strings.Contains(list, "1931") {
		t.Fatalf("block not audited, or audited with the identifier:\n%s", list)
	}
	var profile struct{ Error string }
	if code := alice.do("PATCH", "/api/v1/accounts/update_credentials", url.Values{"note": {"Ask me about MRN 84422190"}}, &profile); code == 200 {
		t.Fatal("a profile with an MRN was accepted")
	}

	// Warned under a permissive rule: delivered, and audited without the text.
	wendy.post("Follow-up of pt DOB 04/02/1931 went well", "public")
	eventually(t, "the warned post reaches B", func() bool { return hasContent(bob.home(), "went well") == 1 })
	export := w.admin("audit", "export")
	if !strings.Contains(export, `"phi.warn"`) || !strings.Contains(export, `"dob"`) || strings.Contains(export, "1931") {
		t.Fatalf("warning not audited as expected:\n%s", export)
	}

	// Held on arrival: W allows SSNs, B does not want them in its timelines.
	wendy.post("Billing question for SSN 536-22-1876 please", "public")
	wendy.post("second control post", "public")
	eventually(t, "the second control reaches B", func() bool { return hasContent(bob.home(), "second control") == 1 })
	if hasContent(bob.home(), "Billing question") != 0 {
		t.Fatal("a remote post with an SSN reached a home timeline")
	}
	store, err := openStore(context.Background(), fedConfig(b.host, b.db))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	reports, err := store.Reports(context.Background(), false, 10)
	if err != nil || len(reports) != 1 || !strings.Contains(reports[0].Comment, "Social Security") || strings.Contains(reports[0].Comment, "536-22") {
		t.Fatalf("held post report: %+v %v", reports, err)
	}
}
