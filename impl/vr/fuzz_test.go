package vr

import (
	"testing"

	"github.com/vrcheck/vrcheck/traces"
)

var fuzzTypes = []traces.MsgType{traces.Request, traces.Prepare, traces.PrepareOk, traces.Reply, traces.Commit,
	traces.StartViewChange, traces.DoViewChange, traces.StartView, traces.Recovery, traces.RecoveryResponse,
	traces.GetState, traces.NewState}

// FuzzReceive feeds a replica, in each status, a message with arbitrary fields: malformed
// input must end in a Fault or no effect, never a panic, and the post-state must stay sane.
func FuzzReceive(f *testing.F) {
	f.Add(uint8(1), uint8(0), 1, 1, 0, 0, 1, 1, uint8(1), "put", "x")
	f.Add(uint8(9), uint8(2), -1, -3, 5, 2, -1, 0, uint8(3), "get", "")
	f.Add(uint8(6), uint8(1), 4, 2, 1, 0, 2, 7, uint8(2), "append", "y")
	f.Add(uint8(9), uint8(2), -5, 0, 0, 2, 2, 7, uint8(0), "get", "") // RECOVERYRESPONSE, negative view
	f.Fuzz(func(t *testing.T, typ, status uint8, view, opNumber, commitNumber, from, replica, nonce int, logLen uint8, op, key string) {
		for _, bugs := range []Bugs{{}, {RecoveringParticipates: true, RecoveryWithoutPrimary: true, DVCMixedViews: true, LateStartView: true, PrepareGap: true}} {
			cfg := testConfig(1)
			cfg.Bugs = bugs
			r := NewReplica(1, cfg)
			var out Output
			a := entry(0, 1, traces.OpPut, "x", "a")
			r.Receive(&traces.Message{Type: traces.StartView, From: 0, To: 1, View: 3, Log: []traces.Entry{a, a}, OpNumber: 2, CommitNumber: 1}, &out)
			switch status % 3 {
			case 1:
				r.TimeoutStartViewChange(&out)
			case 2:
				r.Crash(7, &out)
			}
			log := make([]traces.Entry, int(logLen%4))
			for i := range log {
				log[i] = entry(0, i+1, op, key, "v")
			}
			e := entry(0, 9, op, key, "v")
			m := &traces.Message{Type: fuzzTypes[int(typ)%len(fuzzTypes)], From: from, To: 1, View: view, OpNumber: opNumber,
				CommitNumber: commitNumber, LastNormalView: view - 1, FromOpNumber: commitNumber, Replica: replica,
				Nonce: nonce, Client: from, RequestNumber: opNumber, Op: op, Key: key, Entry: &e, Log: log}
			r.Receive(m, &out)
			st := out.State
			if st.CommitNumber > st.OpNumber || st.OpNumber != len(r.log) || st.LogAdd == nil || st.LogKeep > st.OpNumber {
				t.Fatalf("insane post-state %+v after %+v", st, m)
			}
			for _, s := range out.Sent {
				for _, f := range traces.Fields[s.Type] {
					if f == traces.FLog && s.Log == nil {
						t.Fatalf("%s with a nil log", s.Type)
					}
				}
			}
		}
	})
}

// FuzzReceiveSequence feeds one replica a sequence of messages decoded from bytes (8 per
// message, small signed fields), to reach the states a single message cannot.
func FuzzReceiveSequence(f *testing.F) {
	f.Add([]byte{0, 2, 0, 0, 0, 0, 0, 0, 9, 1, 0, 0, 0, 1, 7, 0, 9, 2, 0, 0, 0, 2, 7, 0})
	f.Add([]byte{1, 0, 0, 1, 0, 0, 0, 0, 5, 2, 1, 0, 0, 2, 0, 0, 6, 0, 1, 1, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		cfg := testConfig(1)
		if data[0]&1 == 1 {
			cfg.Bugs, _ = ParseBugs([]string{"recovering-participates", "recovery-without-primary", "dvc-mixed-views", "late-startview", "prepare-gap", "statetransfer-truncate", "commit-regress", "no-client-table"})
		}
		r := NewReplica(int(data[0]>>1)%3, cfg)
		var out Output
		if data[0]&2 == 2 {
			r.Crash(7, &out)
		}
		data = data[1:]
		for len(data) >= 8 {
			d := data[:8]
			data = data[8:]
			s := func(b byte) int { return int(int8(b)) % 6 }
			log := make([]traces.Entry, int(d[7]%4))
			for i := range log {
				log[i] = entry(int(d[7]>>4)%2, i+1, traces.OpAppend, "k", "v")
			}
			e := entry(int(d[6]%2), int(d[6]>>4), traces.OpAppend, "k", "v")
			m := &traces.Message{Type: fuzzTypes[int(d[0])%len(fuzzTypes)], From: int(d[1] % 3), To: r.id, View: s(d[2]),
				OpNumber: s(d[3]), CommitNumber: s(d[4]), LastNormalView: s(d[2]) - int(d[5]%2), FromOpNumber: s(d[4]),
				Replica: s(d[5]), Nonce: int(d[6] % 8), Client: int(d[1] % 2), RequestNumber: s(d[3]),
				Op: traces.OpAppend, Key: "k", Value: "v", Entry: &e, Log: log}
			r.Receive(m, &out)
			st := out.State
			if st.CommitNumber > st.OpNumber || st.OpNumber != r.OpNumber() || st.LogAdd == nil || r.execd != r.commit {
				t.Fatalf("insane post-state %+v after %+v", st, m)
			}
			if d[7]&0x80 != 0 {
				r.Tick(&out)
			}
		}
	})
}
