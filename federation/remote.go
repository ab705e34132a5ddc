package federation

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/fetch"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/storage"
)

// ErrGone means a remote document answered 410 Gone (a deleted actor).
var ErrGone = errors.New("gone")

// ErrRefused means federation policy forbids talking to that domain.
var ErrRefused = errors.New("domain refused by federation policy")

const asAccept = `application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"`

// signedGet fetches an ActivityPub document signed as the instance actor
// (peers in authorized-fetch mode refuse unsigned GETs).
func (s *Service) signedGet(ctx context.Context, raw string) ([]byte, error) {
	u, err := fetch.CheckURL(raw, s.client.Options())
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", raw, err)
	}
	if !s.policy.Allowed(ctx, u.Host) {
		return nil, fmt.Errorf("fetch %s: %w", raw, ErrRefused)
	}
	ia, err := s.InstanceActor(ctx)
	if err != nil {
		return nil, err
	}
	key, err := s.privateKey(ia)
	if err != nil {
		return nil, err
	}
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", raw, err)
	}
	req.Header.Set("Accept", asAccept)
	if err := signature.Sign(req, nil, ia.PublicKeyID, key, time.Now()); err != nil {
		return nil, fmt.Errorf("sign fetch of %s: %w", raw, err)
	}
	status, _, body, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	switch {
	case status == http.StatusGone:
		return nil, fmt.Errorf("fetch %s: %w", raw, ErrGone)
	case status != http.StatusOK:
		return nil, fmt.Errorf("fetch %s: HTTP %d", raw, status)
	}
	return body, nil
}

// privateKey parses (and caches in the account struct's lifetime) a local key.
func (s *Service) privateKey(a *storage.Account) (*rsa.PrivateKey, error) {
	key, err := signature.ParsePrivateKeyPEM(a.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("key of %s: %w", a.Username, err)
	}
	return key, nil
}

// ResolveAcct finds user@host: a local account, a known remote one, or via
// WebFinger and a signed actor fetch.
func (s *Service) ResolveAcct(ctx context.Context, acct string) (*storage.Account, error) {
	acct = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(acct), "acct:"), "@")
	user, host, ok := strings.Cut(acct, "@")
	if !ok || user == "" || host == "" || strings.ContainsAny(acct, " /?#") {
		return nil, inputErr("%q is not an account address (expected user@host)", acct)
	}
	host = strings.ToLower(host)
	if host == s.base.Host() {
		return s.store.AccountByUsername(ctx, user, "")
	}
	if a, err := s.store.AccountByUsername(ctx, user, host); err == nil && time.Since(a.FetchedAt) < s.ttl {
		return a, nil
	}
	actorURL, err := s.webfinger(ctx, user, host)
	if err != nil {
		return nil, err
	}
	return s.ResolveActor(ctx, actorURL, true)
}

func (s *Service) webfinger(ctx context.Context, user, host string) (string, error) {
	if !s.policy.Allowed(ctx, host) {
		return "", fmt.Errorf("webfinger %s@%s: %w", user, host, ErrRefused)
	}
	scheme := "https"
	if s.client.Options().AllowHTTP && strings.HasPrefix(s.base.Origin, "http://") {
		scheme = "http" // development and tests run every instance over plain http
	}
	wf := scheme + "://" + host + "/.well-known/webfinger?resource=" + url.QueryEscape("acct:"+user+"@"+host)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wf, nil)
	if err != nil {
		return "", fmt.Errorf("webfinger %s@%s: %w", user, host, err)
	}
	req.Header.Set("Accept", "application/jrd+json, application/json")
	status, _, body, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("webfinger %s@%s: %w", user, host, err)
	}
	if status == http.StatusNotFound {
		return "", &NotFoundError{What: "account " + user + "@" + host}
	}
	if status != http.StatusOK {
		return "", fmt.Errorf("webfinger %s@%s: HTTP %d", user, host, status)
	}
	return selfLink(body, user, host)
}

// selfLink picks the ActivityPub actor URL out of a WebFinger document.
func selfLink(body []byte, user, host string) (string, error) {
	var doc struct {
		Links []struct{ Rel, Type, Href string } `json:"links"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("webfinger %s@%s: bad JSON: %w", user, host, err)
	}
	for _, l := range doc.Links {
		if l.Rel == "self" && (strings.HasPrefix(l.Type, "application/activity+json") || strings.HasPrefix(l.Type, "application/ld+json")) && l.Href != "" {
			return l.Href, nil
		}
	}
	return "", fmt.Errorf("webfinger %s@%s: no ActivityPub self link", user, host)
}

// NotFoundError says a thing does not exist; its message is safe to show.
type NotFoundError struct{ What string }

func (e *NotFoundError) Error() string { return e.What + " not found" }

// ResolveActor returns the account for a remote actor id, fetching it when
// unknown, stale or refresh is set.
func (s *Service) ResolveActor(ctx context.Context, uri string, refresh bool) (*storage.Account, error) {
	if s.base.Owns(uri) {
		return s.store.AccountByURI(ctx, uri)
	}
	unlock := s.locks.lock("actor " + uri)
	defer unlock()
	known, err := s.store.AccountByURI(ctx, uri)
	if err == nil && !refresh && time.Since(known.FetchedAt) < s.ttl {
		return known, nil
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	body, err := s.signedGet(ctx, uri)
	if err != nil {
		if known != nil && !errors.Is(err, ErrGone) {
			return known, nil // a stale copy beats none while the peer is down
		}
		return nil, err
	}
	doc, err := activitypub.ParseActor(body)
	if err != nil {
		return nil, fmt.Errorf("actor %s: %w", uri, err)
	}
	return s.storeActor(ctx, uri, doc)
}

// storeActor validates a fetched actor and upserts it with its key.
func (s *Service) storeActor(ctx context.Context, fetchedFrom string, doc *activitypub.Actor) (*storage.Account, error) {
	u, err := url.Parse(doc.ID)
	if err != nil || u.Host == "" || doc.ID != fetchedFrom && !sameHost(doc.ID, fetchedFrom) {
		return nil, fmt.Errorf("actor %s: document claims id %q", fetchedFrom, doc.ID)
	}
	if doc.PreferredUsername == "" || doc.Inbox == "" || doc.PublicKey == nil {
		return nil, fmt.Errorf("actor %s: missing preferredUsername, inbox or publicKey", doc.ID)
	}
	if !sameHost(doc.Inbox, doc.ID) || doc.PublicKey.Owner != doc.ID {
		return nil, fmt.Errorf("actor %s: inbox or key owner on another origin", doc.ID)
	}
	a, err := s.store.AccountByURI(ctx, doc.ID)
	if errors.Is(err, storage.ErrNotFound) {
		a, err = &storage.Account{URI: doc.ID}, nil
	}
	if err != nil {
		return nil, err
	}
	fillAccount(a, doc, strings.ToLower(u.Host))
	a.Credential, a.CredentialVerifiedAt = s.verifyCredential(ctx, doc.ID, doc.Credential)
	err = s.store.Tx(ctx, func(tx storage.Store) error {
		if a.ID == 0 {
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
		} else if err := tx.UpdateAccount(ctx, a); err != nil {
			return err
		}
		return tx.PutRemoteKey(ctx, &storage.RemoteKey{KeyID: doc.PublicKey.ID, OwnerURI: doc.ID,
			PublicKeyPEM: doc.PublicKey.PEM, FetchedAt: time.Now().UTC()})
	})
	if err != nil {
		return nil, fmt.Errorf("store actor %s: %w", doc.ID, err)
	}
	return a, nil
}

func fillAccount(a *storage.Account, doc *activitypub.Actor, domain string) {
	a.Username, a.Domain = doc.PreferredUsername, domain
	a.DisplayName, a.Note = doc.Name, SanitizeHTML(doc.Summary)
	a.URL = doc.URL
	if a.URL == "" {
		a.URL = doc.ID
	}
	a.InboxURI, a.OutboxURI, a.SharedInboxURI = doc.Inbox, doc.Outbox, ""
	if doc.SharedInbox != "" && sameHost(doc.SharedInbox, doc.ID) {
		a.SharedInboxURI = doc.SharedInbox
	}
	a.FollowersURI, a.FollowingURI = doc.Followers, doc.Following
	a.PublicKeyID, a.PublicKeyPEM = doc.PublicKey.ID, doc.PublicKey.PEM
	a.Locked, a.Discoverable, a.Bot = doc.Locked, doc.Discoverable, doc.Bot
	a.AvatarURL, a.HeaderURL = doc.IconURL, doc.ImageURL
	a.Fields = doc.Fields
	a.FetchedAt, a.DeletedAt = time.Now().UTC(), time.Time{}
}

func sameHost(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && strings.EqualFold(ua.Host, ub.Host)
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}
