package mastodon

import (
	"net/http"
	"strconv"

	"github.com/rounds-social/rounds/web/httpx"
)

func (a *API) versionString() string { return "4.2.0 (compatible; Rounds " + a.inst.Version + ")" }

func (a *API) streamingURL() string {
	if len(a.base.Origin) > 5 && a.base.Origin[:5] == "https" {
		return "wss" + a.base.Origin[5:]
	}
	return "ws" + a.base.Origin[4:]
}

func (a *API) rules() []map[string]string {
	out := []map[string]string{}
	for i, r := range a.inst.Rules {
		out = append(out, map[string]string{"id": strconv.Itoa(i + 1), "text": r, "hint": ""})
	}
	return out
}

// Limits shared by v1 and v2; clients size their composers from them.
func limits() map[string]any {
	return map[string]any{
		"accounts": map[string]any{"max_featured_tags": 10, "max_pinned_statuses": 5, "max_display_name_length": 30,
			"max_note_length": 500, "max_profile_fields": 4, "profile_field_name_limit": 255, "profile_field_value_limit": 255},
		"statuses": map[string]any{"max_characters": 5000, "max_media_attachments": 4, "characters_reserved_per_url": 23},
		"media_attachments": map[string]any{"supported_mime_types": []string{"image/jpeg", "image/png", "image/gif", "image/webp"},
			"description_limit": 1500, "image_size_limit": 16777216, "image_matrix_limit": 33177600,
			"video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0},
		"polls": map[string]any{"max_options": 4, "max_characters_per_option": 50, "min_expiration": 300, "max_expiration": 2629746},
	}
}

func (a *API) instanceV2(w http.ResponseWriter, r *http.Request) {
	users, err := a.store.CountLocalAccounts(r.Context())
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	conf := limits()
	conf["urls"] = map[string]any{"streaming": a.streamingURL(), "status": nil, "about": a.base.Origin + "/about",
		"privacy_policy": nil, "terms_of_service": nil}
	conf["vapid"] = map[string]string{"public_key": ""}
	conf["translation"] = map[string]bool{"enabled": false}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"domain": a.base.Host(), "title": a.inst.Name, "version": a.versionString(),
		"source_url": "https://github.com/rounds-social/rounds", "description": a.inst.Description,
		"usage":     map[string]any{"users": map[string]int{"active_month": users}},
		"thumbnail": map[string]any{"url": a.base.Origin + "/static/thumbnail.png", "blurhash": nil, "versions": map[string]string{}},
		"icon":      []any{}, "languages": []string{"en"}, "configuration": conf,
		"registrations": map[string]any{"enabled": a.inst.Registrations == "open", "approval_required": false,
			"reason_required": false, "message": nil, "min_age": nil, "url": nil},
		"contact": map[string]any{"email": a.inst.ContactEmail, "account": nil},
		"rules":   a.rules(),
	})
}

func (a *API) instanceV1(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	users, err := a.store.CountLocalAccounts(ctx)
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	posts, err := a.store.CountLocalStatuses(ctx)
	if err != nil {
		httpx.WriteError(w, http.StatusInternalServerError, "internal server error")
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{
		"uri": a.base.Host(), "title": a.inst.Name, "short_description": a.inst.Description,
		"description": a.inst.Description, "email": a.inst.ContactEmail, "version": a.versionString(),
		"urls":      map[string]string{"streaming_api": a.streamingURL()},
		"stats":     map[string]int{"user_count": users, "status_count": posts, "domain_count": 0},
		"thumbnail": a.base.Origin + "/static/thumbnail.png", "languages": []string{"en"},
		"registrations": a.inst.Registrations == "open", "approval_required": false,
		"invites_enabled": a.inst.Registrations == "invite", "configuration": limits(),
		"contact_account": nil, "rules": a.rules(),
	})
}
