package mastodon

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/rounds-social/rounds/storage"
)

// remoteActor stores a remote account as a fetch would have, so blocks and
// profile updates have a server to deliver to without a network.
func (in *instance) remoteActor(name, domain string) *storage.Account {
	in.t.Helper()
	uri := "https://" + domain + "/users/" + name
	a := &storage.Account{Username: name, Domain: domain, URI: uri, URL: "https://" + domain + "/@" + name,
		InboxURI: uri + "/inbox", SharedInboxURI: "https://" + domain + "/inbox", PublicKeyID: uri + "#main-key",
		PublicKeyPEM: "PEM", Discoverable: true, Fields: []storage.Field{}}
	if err := in.store.CreateAccount(context.Background(), a); err != nil {
		in.t.Fatal(err)
	}
	return a
}

// follows makes from follow to directly in storage (accepted).
func (in *instance) follows(from, to *storage.Account) {
	in.t.Helper()
	f := &storage.Follow{AccountID: from.ID, TargetAccountID: to.ID, URI: from.URI + "#follows/" + to.Username,
		State: storage.FollowAccepted, ShowReblogs: true}
	if err := in.store.CreateFollow(context.Background(), f); err != nil {
		in.t.Fatal(err)
	}
}

// queued is one pending delivery, decoded.
type queued struct {
	inbox    string
	activity struct {
		ID     string          `json:"id"`
		Type   string          `json:"type"`
		Actor  string          `json:"actor"`
		Object json.RawMessage `json:"object"`
	}
}

// pendingJobs lists the deliveries waiting in the queue (no workers run in
// these tests, so everything enqueued is still there).
func (in *instance) pendingJobs() []queued {
	in.t.Helper()
	jobs, err := in.store.Deliveries(context.Background(), storage.JobPending, 100)
	if err != nil {
		in.t.Fatal(err)
	}
	out := []queued{}
	for _, j := range jobs {
		q := queued{inbox: j.Inbox}
		if err := json.Unmarshal(j.Body, &q.activity); err != nil {
			in.t.Fatalf("job body %s: %v", j.Body, err)
		}
		out = append(out, q)
	}
	return out
}

// anon makes a request without a token.
func (in *instance) anon(path string) *reply {
	in.t.Helper()
	return in.call(nil, http.MethodGet, path, nil)
}

// withToken is u with another token (other scopes, or a bad one).
func (u *user) withToken(tok string) *user { return &user{acct: u.acct, token: tok, in: u.in} }

// checkAuthErrors asserts the 401 (no token, bad token) and 403 (a token
// without the scope) answers of an endpoint.
func checkAuthErrors(t *testing.T, in *instance, method, path string, body any, narrow *user) {
	t.Helper()
	in.call(nil, method, path, body).wantError(t, http.StatusUnauthorized, "The access token is invalid")
	in.call(narrow.withToken("nope"), method, path, body).wantError(t, http.StatusUnauthorized, "The access token is invalid")
	in.call(narrow, method, path, body).wantError(t, http.StatusForbidden, "This action is outside the authorized scopes")
}

func itoa(id int64) string { return storage.FormatID(id) }
