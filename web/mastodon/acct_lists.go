package mastodon

import (
	"context"
	"net/http"
	"strings"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// listEntity is the List entity (research §7.9).
type listEntity struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	RepliesPolicy string `json:"replies_policy"`
	Exclusive     bool   `json:"exclusive"`
}

func toListEntity(l *storage.List) listEntity {
	return listEntity{ID: storage.FormatID(l.ID), Title: l.Title, RepliesPolicy: l.RepliesPolicy, Exclusive: l.Exclusive}
}

func writeListEntities(w http.ResponseWriter, lists []*storage.List) {
	out := make([]listEntity, 0, len(lists))
	for _, l := range lists {
		out = append(out, toListEntity(l))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// lists answers the viewer's lists.
func (a *API) lists(w http.ResponseWriter, r *http.Request) {
	lists, err := a.store.Lists(r.Context(), viewerFrom(r.Context()).Account.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeListEntities(w, lists)
}

// accountLists answers the viewer's lists that hold the {id} account.
func (a *API) accountLists(w http.ResponseWriter, r *http.Request) {
	other, err := a.pathAccount(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	lists, err := a.store.ListsContaining(r.Context(), viewerFrom(r.Context()).Account.ID, other.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeListEntities(w, lists)
}

// ownList loads the {id} list if the viewer owns it; someone else's list
// is answered as unknown.
func (a *API) ownList(r *http.Request) (*storage.List, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, storage.ErrNotFound
	}
	l, err := a.store.List(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if l.AccountID != viewerFrom(r.Context()).Account.ID {
		return nil, storage.ErrNotFound
	}
	return l, nil
}

// applyListParams copies title, replies_policy and exclusive onto l; a new
// list needs a title, an edit may leave it out.
func applyListParams(p params, l *storage.List) error {
	if p.has("title") || l.ID == 0 {
		l.Title = strings.TrimSpace(p.get("title"))
	}
	if l.Title == "" {
		return &paramError{"Validation failed: Title can't be blank"}
	}
	if p.has("replies_policy") {
		l.RepliesPolicy = strings.TrimSpace(p.get("replies_policy"))
	}
	switch l.RepliesPolicy {
	case "":
		l.RepliesPolicy = storage.RepliesList
	case storage.RepliesList, storage.RepliesFollowed, storage.RepliesNone:
	default:
		return &paramError{"Validation failed: Replies policy is not included in the list"}
	}
	if p.has("exclusive") {
		l.Exclusive = p.boolean("exclusive")
	}
	return nil
}

func (a *API) createList(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l := &storage.List{AccountID: viewerFrom(r.Context()).Account.ID}
	if err := applyListParams(p, l); err != nil {
		a.fail(w, r, err)
		return
	}
	l.ID = storage.NewID()
	if err := a.store.CreateList(r.Context(), l); err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toListEntity(l))
}

func (a *API) getList(w http.ResponseWriter, r *http.Request) {
	l, err := a.ownList(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toListEntity(l))
}

func (a *API) updateList(w http.ResponseWriter, r *http.Request) {
	l, err := a.ownList(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := readParams(r)
	if err == nil {
		err = applyListParams(p, l)
	}
	if err == nil {
		err = a.store.UpdateList(r.Context(), l)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toListEntity(l))
}

func (a *API) deleteList(w http.ResponseWriter, r *http.Request) {
	l, err := a.ownList(r)
	if err == nil {
		err = a.store.DeleteList(r.Context(), l.ID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	emptyObject(w)
}

// listAccounts pages a list's members by membership row. As on Mastodon,
// limit=0 asks for every member at once.
func (a *API) listAccounts(w http.ResponseWriter, r *http.Request) {
	l, err := a.ownList(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page := pageFrom(p, 40, 80)
	if strings.TrimSpace(p.get("limit")) == "0" {
		page.Limit = 10000
	}
	rows, err := a.store.ListMembers(r.Context(), l.ID, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rowIDs, acctIDs := make([]int64, len(rows)), make([]int64, len(rows))
	for i, m := range rows {
		rowIDs[i], acctIDs[i] = m.ID, m.AccountID
	}
	if page.Limit == 10000 {
		rowIDs = nil // everything was sent: no further page
	}
	a.writeAccounts(w, r, viewerFrom(r.Context()).Account, acctIDs, p, page.Limit, rowIDs)
}

// errNotFollowed is Mastodon's refusal to list an account one does not follow.
var errNotFollowed = &paramError{"Validation failed: Account has not been followed"}

// addListAccounts adds account_ids[]; every one must exist (404) and be
// followed by the viewer (422), or nothing is added.
func (a *API) addListAccounts(w http.ResponseWriter, r *http.Request) {
	a.changeListAccounts(w, r, func(ctx context.Context, l *storage.List, ids []int64) error {
		for _, id := range ids {
			if _, err := a.store.Account(ctx, id); err != nil {
				return err
			}
			if !a.follows(ctx, l.AccountID, id) {
				return errNotFollowed
			}
		}
		return a.store.AddListAccounts(ctx, l.ID, ids)
	})
}

func (a *API) removeListAccounts(w http.ResponseWriter, r *http.Request) {
	a.changeListAccounts(w, r, func(ctx context.Context, l *storage.List, ids []int64) error {
		return a.store.RemoveListAccounts(ctx, l.ID, ids)
	})
}

func (a *API) changeListAccounts(w http.ResponseWriter, r *http.Request, change func(context.Context, *storage.List, []int64) error) {
	l, err := a.ownList(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	raw := p.list("account_ids")
	if len(raw) == 0 {
		a.fail(w, r, &paramError{"Validation failed: account_ids is missing"})
		return
	}
	ids := uniqueIDs(raw) // malformed ids name no account: they are dropped
	if len(ids) == 0 {
		notFound(w)
		return
	}
	if err := change(r.Context(), l, ids); err != nil {
		a.fail(w, r, err)
		return
	}
	emptyObject(w)
}
