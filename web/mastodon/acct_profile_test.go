package mastodon

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

type credOut struct {
	accountOut
	DisplayName string `json:"display_name"`
	Note        string `json:"note"`
	Locked      bool   `json:"locked"`
	Bot         bool   `json:"bot"`
	Fields      []struct {
		Name, Value string
		VerifiedAt  any `json:"verified_at"`
	} `json:"fields"`
	Source struct {
		Privacy   string `json:"privacy"`
		Sensitive bool   `json:"sensitive"`
		Language  string `json:"language"`
		Note      string `json:"note"`
		Fields    []struct{ Name, Value string }
	} `json:"source"`
	Role *struct {
		Name string `json:"name"`
	} `json:"role"`
}

func TestUpdateCredentialsForm(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	in.newUser("bob", false)
	var out credOut
	in.call(alice, http.MethodPatch, "/api/v1/accounts/update_credentials", form{
		"display_name": {"Dr Alice"}, "note": {"Cardiology fellow\n@bob <script>x</script> #ecg"},
		"locked": {"1"}, "source[privacy]": {"private"}, "source[language]": {"en"}, "source[sensitive]": {"true"},
		"fields_attributes[0][name]": {"Pager"}, "fields_attributes[0][value]": {"4411"},
		"fields_attributes[1][name]": {"Site"}, "fields_attributes[1][value]": {"https://hospital.example/alice"},
		"fields_attributes[2][name]": {""}, "fields_attributes[2][value]": {""},
	}).want(t, http.StatusOK, &out)
	if out.DisplayName != "Dr Alice" || !out.Locked || out.Role == nil {
		t.Errorf("profile = %+v", out)
	}
	if strings.Contains(out.Note, "<script") || !strings.HasPrefix(out.Note, "<p>Cardiology fellow<br>") ||
		!strings.Contains(out.Note, `class="u-url mention"`) || !strings.Contains(out.Note, "hashtag") {
		t.Errorf("note HTML = %q", out.Note)
	}
	if len(out.Fields) != 2 || out.Fields[0].Name != "Pager" || !strings.Contains(out.Fields[1].Value, `<a href="https://hospital.example/alice"`) {
		t.Errorf("fields = %+v", out.Fields)
	}
	s := out.Source
	if s.Privacy != "private" || !s.Sensitive || s.Language != "en" || !strings.HasPrefix(s.Note, "Cardiology fellow\n@bob <script>") ||
		len(s.Fields) != 2 || s.Fields[1].Value != "https://hospital.example/alice" {
		t.Errorf("source = %+v", s)
	}
	// verify_credentials shows what was saved, and a partial PATCH keeps the rest.
	var again credOut
	in.call(alice, http.MethodPatch, "/api/v1/accounts/update_credentials", form{"bot": {"true"}}).want(t, http.StatusOK, nil)
	alice.get("/api/v1/accounts/verify_credentials").want(t, http.StatusOK, &again)
	if !again.Bot || again.DisplayName != "Dr Alice" || again.Source.Privacy != "private" || len(again.Fields) != 2 {
		t.Errorf("after partial update: %+v", again)
	}
	var prefs map[string]any
	alice.get("/api/v1/preferences").want(t, http.StatusOK, &prefs)
	if prefs["posting:default:visibility"] != "private" || prefs["posting:default:language"] != "en" ||
		prefs["posting:default:sensitive"] != true || prefs["reading:expand:spoilers"] != false {
		t.Errorf("preferences = %v", prefs)
	}
}

func TestUpdateCredentialsJSONAndMultipart(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	var out credOut
	in.call(alice, http.MethodPatch, "/api/v1/accounts/update_credentials", map[string]any{
		"note": "", "fields_attributes": []map[string]string{{"name": "Unit", "value": "CCU"}},
		"source": map[string]any{"privacy": "unlisted"},
	}).want(t, http.StatusOK, &out)
	if out.Note != "" || len(out.Fields) != 1 || out.Fields[0].Value != "CCU" || out.Source.Privacy != "unlisted" {
		t.Errorf("JSON update: %+v", out)
	}
	// masto.js sends update_credentials as multipart with indexed keys.
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"display_name": "Alice M", "fields_attributes[0][name]": "Ward", "fields_attributes[0][value]": "7"} {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPatch, in.srv.URL+"/api/v1/accounts/update_credentials", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+alice.token)
	in.send(req).want(t, http.StatusOK, &out)
	if out.DisplayName != "Alice M" || len(out.Fields) != 1 || out.Fields[0].Name != "Ward" {
		t.Errorf("multipart update: %+v", out)
	}
}

func TestUpdateCredentialsErrors(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	readOnly := in.newUser("reader", false, "read")
	const path = "/api/v1/accounts/update_credentials"
	checkAuthErrors(t, in, http.MethodPatch, path, form{"note": {"x"}}, readOnly)
	five := form{}
	for _, i := range []string{"0", "1", "2", "3", "4"} {
		five["fields_attributes["+i+"][name]"] = []string{"n" + i}
		five["fields_attributes["+i+"][value]"] = []string{"v"}
	}
	in.call(alice, http.MethodPatch, path, five).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	in.call(alice, http.MethodPatch, path, form{"source[privacy]": {"direct"}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	in.call(alice, http.MethodPatch, path, form{"display_name": {strings.Repeat("x", 31)}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
	in.call(alice, http.MethodPatch, path, form{"note": {strings.Repeat("x", 501)}}).wantError(t, http.StatusUnprocessableEntity, "Validation failed")
}

// A profile change reaches remote followers' servers as Update{Person}.
func TestUpdateCredentialsFederates(t *testing.T) {
	t.Parallel()
	in := startInstance(t)
	alice := in.newUser("alice", false)
	in.follows(in.remoteActor("rita", "remote.example"), alice.acct)
	in.call(alice, http.MethodPatch, "/api/v1/accounts/update_credentials", form{"display_name": {"Dr A"}}).want(t, http.StatusOK, nil)
	jobs := in.pendingJobs()
	if len(jobs) != 1 || jobs[0].inbox != "https://remote.example/inbox" || jobs[0].activity.Type != "Update" ||
		jobs[0].activity.Actor != alice.acct.URI {
		t.Fatalf("jobs = %+v", jobs)
	}
	var person struct{ ID, Type, Name string }
	if err := json.Unmarshal(jobs[0].activity.Object, &person); err != nil {
		t.Fatal(err)
	}
	if person.ID != alice.acct.URI || person.Type != "Person" || person.Name != "Dr A" {
		t.Errorf("updated actor = %+v", person)
	}
}
