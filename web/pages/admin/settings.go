package admin

import "net/http"

type settingsData struct {
	base
	Registrations string
	Mode          string
	Partners      []string
	Settings      []Setting
}

// settings shows the effective configuration. It is read-only: settings
// live in rounds.yaml (or ROUNDS_* variables) and take effect on restart.
func (c *Console) settings(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, "admin_settings", "Instance settings", 0, settingsData{base: c.base(r, "settings"),
		Registrations: c.opt.Registrations, Mode: c.svc.Policy().Mode(), Partners: c.svc.Policy().Partners(),
		Settings: c.opt.Settings})
}
