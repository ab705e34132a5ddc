package mastodon

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// searchJSON is the v2 Search result; Tusky requires all three keys, as
// arrays, even when a type was not asked for.
type searchJSON struct {
	Accounts []*accountJSON `json:"accounts"`
	Statuses []*statusJSON  `json:"statuses"`
	Hashtags []hashtagJSON  `json:"hashtags"`
}

// hashtagJSON is the Tag entity; Rounds keeps no usage history yet.
type hashtagJSON struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	History   []any  `json:"history"`
	Following bool   `json:"following"`
}

var (
	// acctRE matches user@host and @user@host (host may carry a port in tests).
	acctRE = regexp.MustCompile(`^@?[a-zA-Z0-9_]{1,30}@[a-zA-Z0-9.\-]+(:[0-9]{1,5})?$`)
	// tagRE is the hashtag syntax federation links in posts.
	tagRE = regexp.MustCompile(`^#?([\p{L}\p{N}_]{1,64})$`)
)

// searchQuery is what GET /api/v2/search was asked.
type searchQuery struct {
	q, kind       string
	resolve       bool
	limit, offset int
}

func (q searchQuery) wants(kind string) bool { return q.kind == "" || q.kind == kind }

func (a *API) search(w http.ResponseWriter, r *http.Request) {
	ctx, me := r.Context(), viewerFrom(r.Context()).Account
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offset, _ := strconv.Atoi(p.get("offset"))
	q := searchQuery{q: strings.TrimSpace(p.get("q")), kind: p.get("type"), resolve: p.boolean("resolve"),
		limit: p.limit(20, 40), offset: max(offset, 0)}
	out := searchJSON{Accounts: []*accountJSON{}, Statuses: []*statusJSON{}, Hashtags: []hashtagJSON{}}
	if q.q == "" {
		httpx.WriteJSON(w, http.StatusOK, out)
		return
	}
	if err := a.fillSearch(ctx, me, q, &out); err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (a *API) fillSearch(ctx context.Context, me *storage.Account, q searchQuery, out *searchJSON) error {
	rd := a.renderer(me)
	var statuses []*storage.Status
	if q.wants("statuses") || q.wants("accounts") {
		statuses = a.findStatuses(ctx, me, q)
	}
	if q.wants("statuses") {
		list, err := rd.statusList(ctx, statuses)
		if err != nil {
			return err
		}
		out.Statuses = list
	}
	if q.wants("accounts") && len(statuses) == 0 { // a URL that named a post names no account
		accts, err := a.findAccounts(ctx, q)
		if err != nil {
			return err
		}
		for _, acct := range accts {
			rd.accounts[acct.ID] = acct // already loaded: render without a second lookup
			e, err := rd.account(ctx, acct.ID)
			if err != nil {
				return err
			}
			if e != nil {
				out.Accounts = append(out.Accounts, e)
			}
		}
	}
	if m := tagRE.FindStringSubmatch(q.q); m != nil && q.wants("hashtags") && q.offset == 0 {
		name := strings.ToLower(m[1])
		out.Hashtags = append(out.Hashtags, hashtagJSON{Name: name, URL: a.base.Tag(name), History: []any{}})
	}
	return nil
}

// webURL parses q as a URL this instance may look up: https, or http when
// this instance itself runs on http (development and tests).
func (a *API) webURL(q string) bool {
	u, err := url.Parse(q)
	if err != nil || u.Host == "" {
		return false
	}
	return u.Scheme == "https" || u.Scheme == "http" && strings.HasPrefix(a.base.Origin, "http://")
}

// findStatuses finds a post by its URL among those already known here.
func (a *API) findStatuses(ctx context.Context, me *storage.Account, q searchQuery) []*storage.Status {
	if !a.webURL(q.q) || q.offset > 0 {
		return nil
	}
	st, err := a.store.StatusByURI(ctx, q.q)
	if err != nil {
		return nil
	}
	if ok, err := a.svc.CanSee(ctx, me, st); err != nil || !ok {
		return nil
	}
	return []*storage.Status{st}
}

// findAccounts resolves an address or actor URL (fetching remote ones only
// when the client asked to resolve), or else searches local knowledge.
// Failing to resolve is not an error to the client: it finds nothing.
func (a *API) findAccounts(ctx context.Context, q searchQuery) ([]*storage.Account, error) {
	var acct *storage.Account
	var err error
	switch {
	case a.webURL(q.q) && q.resolve:
		acct, err = a.svc.ResolveActor(ctx, q.q, false)
	case a.webURL(q.q):
		acct, err = a.store.AccountByURI(ctx, q.q)
	case acctRE.MatchString(q.q) && (q.resolve || a.ownAcct(q.q)):
		acct, err = a.svc.ResolveAcct(ctx, q.q)
	default:
		return a.searchLocal(ctx, q)
	}
	if err != nil {
		a.log.Debug("search: not resolved", "err", err)
		return nil, nil
	}
	if q.offset > 0 || !listable(acct) {
		return nil, nil
	}
	return []*storage.Account{acct}, nil
}

// ownAcct reports whether user@host names this instance, which needs no
// fetch and so no resolve=true.
func (a *API) ownAcct(q string) bool {
	_, host, _ := strings.Cut(strings.TrimPrefix(q, "@"), "@")
	return strings.EqualFold(host, a.base.Host())
}

func (a *API) searchLocal(ctx context.Context, q searchQuery) ([]*storage.Account, error) {
	list, err := a.store.SearchAccounts(ctx, q.q, q.limit+q.offset)
	if err != nil {
		return nil, err
	}
	out := []*storage.Account{}
	for _, acct := range list {
		if listable(acct) {
			out = append(out, acct)
		}
	}
	if q.offset >= len(out) {
		return nil, nil
	}
	return out[q.offset:], nil
}

// listable leaves out accounts nobody should find: gone, suspended, or the
// instance actor (a signing key, not a person).
func listable(a *storage.Account) bool {
	return a.DeletedAt.IsZero() && !a.Suspended() && !(a.Local() && a.Username == storage.InstanceActorUsername)
}
