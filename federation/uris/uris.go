// Package uris is the one place that knows the shape of this instance's
// ActivityPub ids and page URLs, so the router, the documents and the
// federation rules cannot disagree about them.
package uris

import (
	"net/url"
	"strconv"
	"strings"
)

// Base builds URLs under one instance's public origin.
type Base struct {
	Origin string // "https://hospital-a.example" or "http://127.0.0.1:8080"
}

// New returns a Base for protocol ("https" or "http") and host[:port].
func New(protocol, host string) Base { return Base{Origin: protocol + "://" + host} }

// Host is the host[:port] part of the origin.
func (b Base) Host() string {
	u, err := url.Parse(b.Origin)
	if err != nil {
		return ""
	}
	return u.Host
}

func (b Base) Actor(username string) string     { return b.Origin + "/users/" + username }
func (b Base) Key(username string) string       { return b.Actor(username) + "#main-key" }
func (b Base) Inbox(username string) string     { return b.Actor(username) + "/inbox" }
func (b Base) Outbox(username string) string    { return b.Actor(username) + "/outbox" }
func (b Base) Followers(username string) string { return b.Actor(username) + "/followers" }
func (b Base) Following(username string) string { return b.Actor(username) + "/following" }
func (b Base) SharedInbox() string              { return b.Origin + "/inbox" }
func (b Base) Profile(username string) string   { return b.Origin + "/@" + username }

// Status is a local status's ActivityPub id.
func (b Base) Status(username string, id int64) string {
	return b.Actor(username) + "/statuses/" + strconv.FormatInt(id, 10)
}

// StatusActivity is the id of the Create that published a status.
func (b Base) StatusActivity(username string, id int64) string {
	return b.Status(username, id) + "/activity"
}

// StatusReplies is the replies collection of a status.
func (b Base) StatusReplies(username string, id int64) string {
	return b.Status(username, id) + "/replies"
}

// StatusPage is a status's HTML page.
func (b Base) StatusPage(username string, id int64) string {
	return b.Profile(username) + "/" + strconv.FormatInt(id, 10)
}

// Activity is the id of any other activity (Follow, Like, Undo, Accept, …).
func (b Base) Activity(username string, id int64) string {
	return b.Actor(username) + "/activities/" + strconv.FormatInt(id, 10)
}

// Tag is a hashtag's page.
func (b Base) Tag(name string) string {
	return b.Origin + "/tags/" + url.PathEscape(strings.ToLower(name))
}

// Owns reports whether raw is a URL on this instance.
func (b Base) Owns(raw string) bool {
	return raw == b.Origin || strings.HasPrefix(raw, b.Origin+"/") || strings.HasPrefix(raw, b.Origin+"#")
}

// LocalUsername extracts the username from a local actor id (or key id).
func (b Base) LocalUsername(actorURI string) (string, bool) {
	rest, ok := strings.CutPrefix(actorURI, b.Origin+"/users/")
	if !ok {
		return "", false
	}
	rest, _, _ = strings.Cut(rest, "#")
	if rest == "" || strings.Contains(rest, "/") {
		return "", false
	}
	return rest, true
}

// LocalStatusID extracts the status id from a local status id URI.
func (b Base) LocalStatusID(uri string) (int64, bool) {
	rest, ok := strings.CutPrefix(uri, b.Origin+"/users/")
	if !ok {
		return 0, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || parts[1] != "statuses" {
		return 0, false
	}
	id, err := strconv.ParseInt(parts[2], 10, 64)
	return id, err == nil && id > 0
}
