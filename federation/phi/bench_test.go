package phi

import "testing"

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
