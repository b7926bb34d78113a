package store

import "testing"

func BenchmarkDecodeRun(b *testing.B) {
	r := fullRun()
	r.Properties, r.Metadata = nil, nil
	buf := encodeRun(&r)
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, err := decodeRun(buf); err != nil {
			b.Fatal(err)
		}
	}
}
