package phi

import (
	"strings"
	"testing"
)

// BenchmarkScan measures throughput over the labelled corpus: a realistic
// mix of clean posts full of doses, vitals and citations, and posts with
// identifiers. Compare the MB/s column with the 20 MB/s target.
func BenchmarkScan(b *testing.B) {
	posts := loadCorpus(b)
	var size int64
	for _, p := range posts {
		size += int64(len(p.Text))
	}
	opt := corpusOptions
	opt.MRNPattern = nil // the hospital's own pattern is measured below
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range posts {
			Scan(p.Text, opt)
		}
	}
}

// BenchmarkScanWithMRNPattern adds the hospital's MRN regular expression,
// which runs over the whole text.
func BenchmarkScanWithMRNPattern(b *testing.B) {
	posts := loadCorpus(b)
	var size int64
	for _, p := range posts {
		size += int64(len(p.Text))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range posts {
			Scan(p.Text, corpusOptions)
		}
	}
}

// BenchmarkScanLongPosts scans the corpus joined into posts of about 2 KB,
// the length of a long case discussion, where per-post costs matter less.
func BenchmarkScanLongPosts(b *testing.B) {
	posts := loadCorpus(b)
	var long []string
	var cur strings.Builder
	var size int64
	for _, p := range posts {
		cur.WriteString(p.Text)
		cur.WriteString("\n\n")
		if cur.Len() >= 2048 {
			long = append(long, cur.String())
			size += int64(cur.Len())
			cur.Reset()
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range long {
			Scan(p, corpusOptions)
		}
	}
}
