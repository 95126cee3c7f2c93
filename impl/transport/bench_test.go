package transport

import (
	"encoding/json"
	"testing"
)

// BenchmarkCodec compares this package's binary message encoding with encoding/json on the
// messages of normal operation (README.md has the figures).
func BenchmarkCodec(b *testing.B) {
	msgs := sample()[:4] // REQUEST, PREPARE, PREPAREOK, REPLY
	b.Run("binary", func(b *testing.B) {
		enc := NewEncoder(testKey)
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			f := enc.Batch(msgs)
			n = len(f)
			if _, err := DecodeBody(f[4 : len(f)-MACSize]); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/4, "bytes/msg")
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			data, err := json.Marshal(msgs)
			if err != nil {
				b.Fatal(err)
			}
			n = len(data)
			var back []Envelope
			if err := json.Unmarshal(data, &back); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)/4, "bytes/msg")
	})
}

// BenchmarkTransport sends PREPAREs from one node to another over loopback TCP: framing,
// HMAC, batching and the connection's goroutines, per message.
func BenchmarkTransport(b *testing.B) {
	ln := listen(b)
	a := NewNode(Hello{Role: RoleReplica, ID: 0, Incarnation: 1}, testKey, Options{})
	c := NewNode(Hello{Role: RoleReplica, ID: 1, Incarnation: 1}, testKey, Options{})
	defer a.Close()
	defer c.Close()
	c.Serve(ln)
	a.Connect(1, ln.Addr().String())
	p := sample()[1]
	a.Send(p)
	recv(b, c) // connected
	b.ResetTimer()
	sent := 0
	for i := 0; i < b.N; i++ {
		// Keep at most a queue's worth in flight, so nothing is dropped for a full queue.
		for sent-i < 4096 && sent < b.N {
			p.Msg.ID = sent + 1
			a.Send(p)
			sent++
		}
		recv(b, c)
	}
	b.StopTimer()
	if u := a.Stats.Unsent.Load(); u > 0 {
		b.Fatalf("%d messages unsent", u)
	}
	b.ReportMetric(float64(b.N)/float64(a.Stats.FramesOut.Load()), "msgs/frame")
}
