package mastodon

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// filterContexts are where Mastodon applies a filter.
var filterContexts = []string{"home", "notifications", "public", "thread", "account"}

type keywordEntity struct {
	ID        string `json:"id"`
	Keyword   string `json:"keyword"`
	WholeWord bool   `json:"whole_word"`
}

// filterEntity is the v2 Filter entity; Tusky needs context and
// filter_action, and statuses is always an (empty) array.
type filterEntity struct {
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Context      []string        `json:"context"`
	ExpiresAt    any             `json:"expires_at"`
	FilterAction string          `json:"filter_action"`
	Keywords     []keywordEntity `json:"keywords"`
	Statuses     []any           `json:"statuses"`
}

func toFilterEntity(f *storage.Filter) filterEntity {
	out := filterEntity{ID: storage.FormatID(f.ID), Title: f.Title, Context: append([]string{}, f.Context...),
		ExpiresAt: tsOrNil(f.ExpiresAt), FilterAction: f.Action, Keywords: []keywordEntity{}, Statuses: []any{}}
	for _, k := range f.Keywords {
		out.Keywords = append(out.Keywords, keywordEntity{ID: storage.FormatID(k.ID), Keyword: k.Keyword, WholeWord: k.WholeWord})
	}
	return out
}

func (a *API) filters(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.Filters(r.Context(), viewerFrom(r.Context()).Account.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := make([]filterEntity, 0, len(list))
	for _, f := range list {
		out = append(out, toFilterEntity(f))
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// ownFilter loads the {id} filter if the viewer owns it.
func (a *API) ownFilter(r *http.Request) (*storage.Filter, error) {
	id, ok := pathID(r)
	if !ok {
		return nil, storage.ErrNotFound
	}
	f, err := a.store.Filter(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if f.AccountID != viewerFrom(r.Context()).Account.ID {
		return nil, storage.ErrNotFound
	}
	return f, nil
}

func (a *API) getFilter(w http.ResponseWriter, r *http.Request) {
	f, err := a.ownFilter(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toFilterEntity(f))
}

func (a *API) deleteFilter(w http.ResponseWriter, r *http.Request) {
	f, err := a.ownFilter(r)
	if err == nil {
		err = a.store.DeleteFilter(r.Context(), f.ID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	emptyObject(w)
}

func (a *API) createFilter(w http.ResponseWriter, r *http.Request) {
	p, err := readParams(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f, err := filterFrom(p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	f.AccountID = viewerFrom(r.Context()).Account.ID
	if err := a.store.CreateFilter(r.Context(), f); err != nil {
		a.fail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, toFilterEntity(f))
}

// filterFrom reads title, context[], filter_action, expires_in and
// keywords_attributes[][keyword|whole_word].
func filterFrom(p params) (*storage.Filter, error) {
	f := &storage.Filter{Title: strings.TrimSpace(p.get("title")), Action: strings.TrimSpace(p.get("filter_action")),
		Context: []string{}, Keywords: []storage.FilterKeyword{}}
	if f.Title == "" {
		return nil, &paramError{"Validation failed: Title can't be blank"}
	}
	for _, c := range p.list("context") {
		if c = strings.TrimSpace(c); !slices.Contains(filterContexts, c) {
			return nil, &paramError{"Validation failed: Context contains an invalid value " + strconv.Quote(c)}
		}
		if !slices.Contains(f.Context, c) {
			f.Context = append(f.Context, c)
		}
	}
	if len(f.Context) == 0 {
		return nil, &paramError{"Validation failed: Context can't be blank"}
	}
	switch f.Action {
	case "":
		f.Action = storage.FilterWarn
	case storage.FilterWarn, storage.FilterHide:
	default:
		return nil, &paramError{"Validation failed: Filter action is not included in the list"}
	}
	if s := strings.TrimSpace(p.get("expires_in")); s != "" {
		secs, err := strconv.ParseInt(s, 10, 64)
		if err != nil || secs <= 0 || secs > 10*365*24*3600 {
			return nil, &paramError{"Validation failed: expires_in must be a positive number of seconds"}
		}
		f.ExpiresAt = time.Now().UTC().Add(time.Duration(secs) * time.Second)
	}
	for _, o := range p.objects("keywords_attributes") {
		kw := strings.TrimSpace(o["keyword"])
		if kw == "" {
			return nil, &paramError{"Validation failed: Keywords keyword can't be blank"}
		}
		_, given := o["whole_word"]
		f.Keywords = append(f.Keywords, storage.FilterKeyword{Keyword: kw, WholeWord: !given || lenientBool(o["whole_word"])})
	}
	return f, nil
}

// filtersV1 serves the older keyword-per-filter shape from the same
// storage, for clients that still read /api/v1/filters.
func (a *API) filtersV1(w http.ResponseWriter, r *http.Request) {
	list, err := a.store.Filters(r.Context(), viewerFrom(r.Context()).Account.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := []map[string]any{}
	for _, f := range list {
		for _, k := range f.Keywords {
			out = append(out, map[string]any{"id": storage.FormatID(k.ID), "phrase": k.Keyword, "context": f.Context,
				"whole_word": k.WholeWord, "expires_at": tsOrNil(f.ExpiresAt), "irreversible": f.Action == storage.FilterHide})
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}
