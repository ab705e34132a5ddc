package phi

import "testing"

func BenchmarkStageTokenize(b *testing.B) {
	posts := loadCorpus(b)
	var size int64
	for _, p := range posts {
		size += int64(len(p.Text))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, p := range posts {
			s := newScanner(p.Text, Options{})
			s.tokenize()
			s.release()
		}
	}
}

func BenchmarkStageLookup(b *testing.B) {
	posts := loadCorpus(b)
	var words []string
	var size int64
	for _, p := range posts {
		s := newScanner(p.Text, Options{})
		s.tokenize()
		for i := range s.toks {
			if s.toks[i].kind == tWord {
				words = append(words, s.word(i))
			}
		}
		s.release()
		size += int64(len(p.Text))
	}
	b.SetBytes(size)
	for b.Loop() {
		for _, w := range words {
			lookupWord(w)
		}
	}
}
