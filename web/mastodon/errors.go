package mastodon

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gorilla/mux"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/storage"
	"github.com/rounds-social/rounds/web/httpx"
)

// notFound is Mastodon's answer for any id the caller may not know about;
// the same message for "missing" and "hidden" leaks nothing.
func notFound(w http.ResponseWriter) {
	httpx.WriteError(w, http.StatusNotFound, "Record not found")
}

// fail answers err with the status and message a client may see; only the
// 500 case hides the cause (it is logged instead).
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	var nf *federation.NotFoundError
	var ie *federation.InputError
	var pe *paramError
	switch {
	case errors.As(err, &nf), errors.Is(err, storage.ErrNotFound):
		notFound(w)
	case errors.As(err, &ie):
		httpx.WriteError(w, http.StatusUnprocessableEntity, ie.Msg)
	case errors.As(err, &pe):
		httpx.WriteError(w, http.StatusUnprocessableEntity, pe.msg)
	case errors.Is(err, errBodyTooLarge):
		httpx.WriteError(w, http.StatusRequestEntityTooLarge, "Request body too large")
	case errors.Is(err, federation.ErrRefused):
		httpx.WriteError(w, http.StatusUnprocessableEntity, "That server is not federated with this instance")
	default:
		a.serverError(w, r, err)
	}
}

// pathID is the {id} of the route, or false when it is not an id (which the
// caller answers with 404, as for an unknown one).
func pathID(r *http.Request) (int64, bool) {
	id, err := storage.ParseID(mux.Vars(r)["id"])
	return id, err == nil
}

// optionalID parses an id parameter: 0 when absent, an error when malformed.
func optionalID(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, &federation.NotFoundError{What: "id " + s}
	}
	return id, nil
}
