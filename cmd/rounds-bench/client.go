package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// api is a Mastodon API client for one token.
type api struct {
	base, token string
	c           *http.Client
}

func newAPI(base, token string) *api {
	return &api{base: base, token: token, c: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
}

// do sends a request and decodes a JSON answer into out (if not nil).
func (a *api) do(method, path string, form url.Values, out any) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: HTTP %d: %.200s", method, path, resp.StatusCode, data)
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(data, out)
	}
	return resp.StatusCode, nil
}

type apiAccount struct {
	ID             string `json:"id"`
	Acct           string `json:"acct"`
	FollowersCount int    `json:"followers_count"`
}

type apiStatus struct {
	ID string `json:"id"`
}

// resolve finds a remote account by acct through search?resolve=true.
func (a *api) resolve(acct string) (string, error) {
	var res struct {
		Accounts []apiAccount `json:"accounts"`
	}
	q := url.Values{"q": {"@" + acct}, "resolve": {"true"}, "type": {"accounts"}}
	if _, err := a.do(http.MethodGet, "/api/v2/search?"+q.Encode(), nil, &res); err != nil {
		return "", err
	}
	if len(res.Accounts) == 0 {
		return "", fmt.Errorf("search %s: no account", acct)
	}
	return res.Accounts[0].ID, nil
}

func (a *api) follow(id string) error {
	_, err := a.do(http.MethodPost, "/api/v1/accounts/"+id+"/follow", url.Values{}, nil)
	return err
}

// following counts how many of ids the token's account follows (accepted).
func (a *api) following(ids []string) (int, error) {
	n := 0
	for chunk := range slices.Chunk(ids, 40) {
		q := url.Values{"id[]": chunk}
		var rels []struct {
			Following bool `json:"following"`
		}
		if _, err := a.do(http.MethodGet, "/api/v1/accounts/relationships?"+q.Encode(), nil, &rels); err != nil {
			return 0, err
		}
		for _, r := range rels {
			if r.Following {
				n++
			}
		}
	}
	return n, nil
}

func (a *api) me() (apiAccount, error) {
	var acc apiAccount
	_, err := a.do(http.MethodGet, "/api/v1/accounts/verify_credentials", nil, &acc)
	return acc, err
}

// stats summarises latencies.
type stats struct {
	n             int
	p50, p99, max time.Duration
}

func summarise(d []time.Duration) stats {
	if len(d) == 0 {
		return stats{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return stats{n: len(s), p50: at(0.50), p99: at(0.99), max: s[len(s)-1]}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// result is one scenario's figures: printed as a table, appended as a JSON line.
type result struct {
	Scenario string         `json:"scenario"`
	At       string         `json:"at"`
	Params   map[string]any `json:"params"`
	Rows     []row          `json:"figures"`
}

type row struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Target string  `json:"target,omitempty"`
	Met    *bool   `json:"met,omitempty"`
}

func (r *result) add(name string, v float64, unit string) {
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit})
}

// target adds a figure with a goal: atLeast when bigger is better.
func (r *result) target(name string, v float64, unit string, goal float64, atLeast bool) {
	met := v <= goal
	t := fmt.Sprintf("≤ %g", goal)
	if atLeast {
		met, t = v >= goal, fmt.Sprintf("≥ %g", goal)
	}
	r.Rows = append(r.Rows, row{Name: name, Value: v, Unit: unit, Target: t, Met: &met})
}

func (r *result) print(w io.Writer) {
	fmt.Fprintf(w, "\n== %s  %v\n", r.Scenario, r.Params)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIGURE\tVALUE\tUNIT\tTARGET\tMET")
	for _, x := range r.Rows {
		met := ""
		if x.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*x.Met]
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%s\t%s\t%s\n", x.Name, x.Value, x.Unit, x.Target, met)
	}
	tw.Flush()
}

func (r *result) save(path string) error {
	if path == "" {
		return nil
	}
	r.At = time.Now().UTC().Format(time.RFC3339)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	return json.NewEncoder(f).Encode(r)
}

// waitFor polls cond every interval until it holds or limit passes.
func waitFor(what string, limit, interval time.Duration, cond func() (bool, error)) error {
	deadline := time.Now().Add(limit)
	for {
		ok, err := cond()
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %s waiting for %s (last error: %v)", limit, what, err)
		}
		time.Sleep(interval)
	}
}
