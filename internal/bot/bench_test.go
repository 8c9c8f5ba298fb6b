package bot

import (
	"testing"
)

// benchMessages is a realistic mix: the training corpus itself (every
// intent, typos, ids, other languages), in its order.
func benchBrain(b *testing.B) (*Brain, []string) {
	b.Helper()
	exs := trainingCorpus(b)
	faqs := loadDemoFAQs(b)
	br, err := New(exs, faqs, Options{})
	if err != nil {
		b.Fatal(err)
	}
	msgs := make([]string, len(exs))
	for i, ex := range exs {
		msgs[i] = ex.Text
	}
	return br, msgs
}

// BenchmarkUnderstand measures the full pipeline per message.
func BenchmarkUnderstand(b *testing.B) {
	br, msgs := benchBrain(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = br.Understand(msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkClassifyOnly measures classification plus order-number
// extraction, without the knowledge base: the ≥200,000 messages/s target.
func BenchmarkClassifyOnly(b *testing.B) {
	br, msgs := benchBrain(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _, _ = br.classifyOnly(msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkExtract measures order-number and email extraction.
func BenchmarkExtract(b *testing.B) {
	br, msgs := benchBrain(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := br.prepare(msgs[i%len(msgs)])
		_ = br.orders.extract(m)
		_ = extractEmail(m)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkSearchFAQ measures a knowledge-base search.
func BenchmarkSearchFAQ(b *testing.B) {
	br, msgs := benchBrain(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = br.SearchFAQ(msgs[i%len(msgs)], 3)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkNew measures training and indexing (server start).
func BenchmarkNew(b *testing.B) {
	exs := trainingCorpus(b)
	faqs := loadDemoFAQs(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := New(exs, faqs, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
