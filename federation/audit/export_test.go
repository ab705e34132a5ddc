package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestExportWritesJSONLinesInOrder(t *testing.T) {
	l := newLog(t)
	l.fill(t, 1200) // more than two export pages
	var buf bytes.Buffer
	if err := Export(t.Context(), l.st, &buf, Filter{}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var n int64
	prev := genesisHash
	for sc.Scan() {
		n++
		var got map[string]any
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", n, err, sc.Text())
		}
		var line Line
		_ = json.Unmarshal(sc.Bytes(), &line)
		if line.Seq != n || line.PrevHash != prev || line.Actor != "admin" || line.IP != "10.0.0.1" || line.ActorID != "7" {
			t.Fatalf("line %d: %s", n, sc.Text())
		}
		if _, err := time.Parse(time.RFC3339, line.TS); err != nil {
			t.Fatalf("line %d: ts %q: %v", n, line.TS, err)
		}
		if d, ok := got["detail"].(map[string]any); !ok || d["role"] != "member" {
			t.Fatalf("line %d: detail is not the object recorded: %s", n, sc.Text())
		}
		prev = line.Hash
	}
	if n != 1200 {
		t.Fatalf("exported %d lines, want 1200", n)
	}
}

func TestExportAndListFilter(t *testing.T) {
	l := newLog(t)
	l.fill(t, 40)
	var buf bytes.Buffer
	if err := Export(t.Context(), l.st, &buf, Filter{Action: TokenGrant, Limit: 1}); err != nil {
		t.Fatal(err)
	}
	var line Line
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil || line.Action != TokenGrant || line.Seq != 3 {
		t.Fatalf("filtered export: %v %s", err, buf.String())
	}

	// fill cycles through Actions: TokenGrant is entry 3, then every len(Actions).
	var want []int64
	for seq := int64(3); seq <= 40; seq += int64(len(Actions)) {
		want = append([]int64{seq}, want...)
	}
	list, err := List(t.Context(), l.st, Filter{Action: TokenGrant})
	if err != nil || len(list) != len(want) {
		t.Fatalf("list by action: %v %+v, want seqs %v", err, list, want)
	}
	for i, e := range list {
		if e.Seq != want[i] {
			t.Fatalf("list by action: seq %d at %d, want %v", e.Seq, i, want)
		}
	}
	list, _ = List(t.Context(), l.st, Filter{Limit: 5})
	if len(list) != 5 || list[0].Seq != 40 {
		t.Fatalf("list with limit: %+v", list)
	}
	if list, _ := List(t.Context(), l.st, Filter{Actor: "nobody"}); len(list) != 0 {
		t.Fatalf("list by actor: %+v", list)
	}
	future := time.Now().Add(time.Hour)
	if list, _ := List(t.Context(), l.st, Filter{Since: future}); len(list) != 0 {
		t.Fatalf("list since the future: %+v", list)
	}
	if list, _ := List(t.Context(), l.st, Filter{Until: future}); len(list) != 40 {
		t.Fatalf("list until the future: %d entries", len(list))
	}
}
