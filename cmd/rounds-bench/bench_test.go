package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestScenariosRunSmall runs every scenario at toy sizes against a real
// `rounds serve`, so the tool keeps working as the server changes. It checks
// that each scenario completes and reports; it asserts no speed.
func TestScenariosRunSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts real servers")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "rounds")
	if out, err := exec.Command("go", "build", "-o", bin, "../rounds").CombinedOutput(); err != nil {
		t.Fatalf("build rounds: %v\n%s", err, out)
	}
	o := &options{serverBin: bin, workdir: dir, results: filepath.Join(dir, "results.jsonl"),
		notes: 40, senders: 4, actors: 4, instances: 2, users: 1,
		followers: 6, fanInstances: 2, noShared: 4, statuses: 400, requests: 5, keys: 2, timeout: 30 * time.Second}
	if err := run(o, []string{"ingest", "fanout", "timeline"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(o.results)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ingest": "visible in home", "fanout": "no shared inbox: deliveries received",
		"timeline": "home p99"}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		checkResult(t, r, want[r.Scenario])
		delete(want, r.Scenario)
	}
	if len(want) > 0 {
		t.Errorf("no results for %v", want)
	}
}

func checkResult(t *testing.T, r result, figure string) {
	t.Helper()
	byName := map[string]float64{}
	for _, x := range r.Rows {
		byName[x.Name] = x.Value
	}
	if byName[figure] <= 0 {
		t.Errorf("%s: figure %q missing or zero in %+v", r.Scenario, figure, r.Rows)
	}
	switch r.Scenario {
	case "ingest":
		if byName["status 202"] != 40 || byName["visible in home"] != 40 {
			t.Errorf("ingest: want 40 accepted and 40 visible, got %+v", r.Rows)
		}
	case "fanout":
		if byName["shared inboxes: deliveries received"] != 2 || byName["no shared inbox: deliveries received"] != 4 {
			t.Errorf("fanout: want 2 shared and 4 personal deliveries, got %+v", r.Rows)
		}
	}
}

func TestSummarise(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := summarise(d)
	if s.p50 != 51*time.Millisecond || s.p99 != 100*time.Millisecond || s.n != 100 {
		t.Errorf("summarise = %+v", s)
	}
}
