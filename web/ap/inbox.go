package ap

import (
	"errors"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/rounds-social/rounds/federation"
	"github.com/rounds-social/rounds/federation/activitypub"
	"github.com/rounds-social/rounds/federation/signature"
	"github.com/rounds-social/rounds/web/httpx"
)

// inbox is POST /inbox and /users/{name}/inbox: policy before any fetch, then
// signature (with Digest and Date), then parse, dedupe and queue; 202.
func (h *Handler) inbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !jsonContentType(r.Header.Get("Content-Type")) {
		httpx.WriteError(w, http.StatusUnsupportedMediaType, "activities must be sent as application/activity+json")
		return
	}
	body, ok, err := httpx.ReadBody(r)
	if !ok {
		httpx.WriteError(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	if err != nil {
		httpx.WriteError(w, http.StatusBadRequest, "could not read body")
		return
	}
	keyID, err := signature.KeyIDOf(r)
	if err != nil {
		httpx.WriteError(w, http.StatusUnauthorized, "missing or malformed HTTP signature")
		return
	}
	// Counted by the keyId's host before any key fetch, so a flood costs
	// neither a fetch nor a signature check.
	if now := time.Now(); h.opt.InboxLimit != nil {
		if res := h.opt.InboxLimit.Allow(keyID.Host, now); !res.Allowed {
			h.log.Info("inbox: rate limited", "host", keyID.Host)
			res.Refuse(w, now)
			return
		}
	}
	if !h.svc.Policy().Allowed(ctx, keyID.Host) {
		httpx.WriteError(w, http.StatusForbidden, "domain refused by federation policy")
		return
	}
	v, err := signature.Verify(ctx, r, body, h.svc.Keys(), signature.Options{Now: time.Now()})
	if err != nil {
		if errors.Is(err, signature.ErrKeyGone) && h.goneActorDelete(r, body) {
			w.WriteHeader(http.StatusAccepted)
			return
		}
		h.log.Info("inbox: signature refused", "key", keyID.String(), "err", err)
		httpx.WriteError(w, http.StatusUnauthorized, "HTTP signature verification failed")
		return
	}
	if err := h.svc.Receive(ctx, v.Owner, body); err != nil {
		var rej *federation.RejectError
		if errors.As(err, &rej) {
			h.log.Info("inbox: refused", "signer", v.Owner, "status", rej.Status, "reason", rej.Msg)
			httpx.WriteError(w, rej.Status, rej.Msg)
			return
		}
		h.serverError(w, r, err)
		return
	}
	h.opt.Wake()
	w.WriteHeader(http.StatusAccepted)
}

// goneActorDelete handles Mastodon's Delete of an account, signed by a key
// that now answers 410. No signature can be checked, so the deletion is
// applied only when the key is the actor's own and the actor document itself
// answers 410 Gone: then the origin has confirmed it, whoever sent this.
func (h *Handler) goneActorDelete(r *http.Request, body []byte) bool {
	act, err := activitypub.ParseActivity(body)
	if err != nil || act.Type != "Delete" || act.ObjectIRI != act.Actor {
		return false
	}
	keyID, err := signature.KeyIDOf(r)
	if err != nil {
		return false
	}
	keyID.Fragment = ""
	if keyID.String() != act.Actor {
		return false
	}
	if _, err := h.svc.ResolveActor(r.Context(), act.Actor, true); !errors.Is(err, federation.ErrGone) {
		return false
	}
	if err := h.svc.ForgetActor(r.Context(), act.Actor); err != nil {
		h.log.Error("inbox: forget deleted actor", "actor", act.Actor, "err", err)
	}
	return true
}

// jsonContentType accepts the JSON media types peers use for activities
// (activity+json, ld+json, plain json) or none at all; anything else (a form,
// text/plain) is not an ActivityPub delivery.
func jsonContentType(ct string) bool {
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}
