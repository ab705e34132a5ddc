package phi

import (
	"bufio"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// corpusOptions is the hospital the corpus was written for: its MRNs are
// "E" and seven digits, these are its published numbers, and these are some
// of its clinicians.
var corpusOptions = Options{
	MRNPattern:  regexp.MustCompile(`\bE\d{7}\b`),
	AllowPhones: []string{"617-555-0100", "+44 20 7946 0000", "1-800-555-0199"},
	StaffNames:  []string{"Priya Raman", "Tom O'Neil", "Amara Okafor", "Sanjay Patel", "Hannah Kowalski", "Luis Ortega"},
}

type corpusLabel struct {
	Category Category `json:"category"`
	Match    string   `json:"match"`
}

type corpusPost struct {
	Text   string        `json:"text"`
	Labels []corpusLabel `json:"labels"`
}

func loadCorpus(t testing.TB) []corpusPost {
	t.Helper()
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var posts []corpusPost
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for line := 1; sc.Scan(); line++ {
		var p corpusPost
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("corpus line %d: %v", line, err)
		}
		for _, l := range p.Labels {
			if !strings.Contains(p.Text, l.Match) {
				t.Fatalf("corpus line %d: label %q not in text", line, l.Match)
			}
		}
		posts = append(posts, p)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return posts
}

// nhsRow is a pseudo-category in the table: the health_plan labels that are
// NHS numbers, which the issue names separately.
const nhsRow Category = "health_plan (NHS)"

// recallTargets are the targets for the categories that must
// almost never be missed.
var recallTargets = map[Category]float64{
	DOB: 0.97, SSN: 0.97, MRN: 0.97, Phone: 0.97, Email: 0.97, HealthPlan: 0.97, nhsRow: 0.97,
}

const (
	overallRecallTarget = 0.90
	falsePositiveTarget = 0.03
)

type tally struct{ labelled, found int }

// TestCorpusQuality measures per-category recall on the labelled posts and
// the false-positive rate on the clean ones, and fails below the targets.
// Run with -v to see the table.
func TestCorpusQuality(t *testing.T) {
	posts := loadCorpus(t)
	per := map[Category]*tally{}
	var clean, dirty, stray int
	for _, p := range posts {
		got := Scan(p.Text, corpusOptions)
		if len(p.Labels) == 0 {
			clean++
			if len(got) > 0 {
				dirty++
				t.Logf("false positive: %v in %q", got, p.Text)
			}
			continue
		}
		used := make([]bool, len(got))
		for _, l := range p.Labels {
			start := strings.Index(p.Text, l.Match)
			k := overlapping(got, l.Category, start, start+len(l.Match))
			count(per, l.Category, k >= 0)
			if l.Category == HealthPlan && validNHS(l.Match) {
				count(per, nhsRow, k >= 0)
			}
			if k >= 0 {
				used[k] = true
			} else {
				t.Logf("missed %s %q in %q (got %v)", l.Category, l.Match, p.Text, got)
			}
		}
		for k := range got {
			if !used[k] && !overlapsAnyLabel(p, got[k]) {
				stray++
				t.Logf("unlabelled %v %q in %q", got[k], got[k].Match, p.Text)
			}
		}
	}
	var total tally
	cats := make([]string, 0, len(per))
	for c := range per {
		cats = append(cats, string(c))
	}
	sort.Strings(cats)
	t.Logf("%-18s %8s %6s %7s", "category", "labelled", "found", "recall")
	for _, c := range cats {
		tl := per[Category(c)]
		if Category(c) != nhsRow {
			total.labelled += tl.labelled
			total.found += tl.found
		}
		r := float64(tl.found) / float64(tl.labelled)
		t.Logf("%-18s %8d %6d %7.3f", c, tl.labelled, tl.found, r)
		if want, ok := recallTargets[Category(c)]; ok && r < want {
			t.Errorf("recall for %s is %.3f, want at least %.2f", c, r, want)
		}
	}
	overall := float64(total.found) / float64(total.labelled)
	fp := float64(dirty) / float64(clean)
	t.Logf("%-18s %8d %6d %7.3f", "overall", total.labelled, total.found, overall)
	t.Logf("false positives: %d of %d clean posts (%.1f%%); unlabelled findings in labelled posts: %d",
		dirty, clean, 100*fp, stray)
	if overall < overallRecallTarget {
		t.Errorf("overall recall %.3f, want at least %.2f", overall, overallRecallTarget)
	}
	if fp > falsePositiveTarget {
		t.Errorf("false-positive rate %.3f, want at most %.2f", fp, falsePositiveTarget)
	}
	for c := range recallTargets {
		if per[c] == nil || per[c].labelled < 5 {
			t.Errorf("corpus has too few %s labels to measure recall", c)
		}
	}
}

func count(per map[Category]*tally, c Category, found bool) {
	tl := per[c]
	if tl == nil {
		tl = &tally{}
		per[c] = tl
	}
	tl.labelled++
	if found {
		tl.found++
	}
}

// overlapping returns the index of a finding of category c overlapping
// [start, end), or -1.
func overlapping(got []Finding, c Category, start, end int) int {
	for k, f := range got {
		if f.Start < end && start < f.End && f.Category == c {
			return k
		}
	}
	return -1
}

func overlapsAnyLabel(p corpusPost, f Finding) bool {
	for _, l := range p.Labels {
		start := strings.Index(p.Text, l.Match)
		if f.Start < start+len(l.Match) && start < f.End {
			return true
		}
	}
	return false
}
