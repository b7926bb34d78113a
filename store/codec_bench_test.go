package store

import "testing"

func BenchmarkDecodeRun(b *testing.B) {
	r := fullRun()
	r.Properties, r.Metadata = nil, nil
	buf := encodeRun(&r, 0)
	b.ReportAllocs()
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		if _, _, err := decodeRun(buf); err != nil {
			b.Fatal(err)
		}
	}
}
