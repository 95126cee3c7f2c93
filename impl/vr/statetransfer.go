package vr

import "github.com/vrcheck/vrcheck/traces"

// ReceiveGetState: a normal replica of the view sends the entries after the requested op.
func (r *Replica) ReceiveGetState(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveGetState)
	r.receiveGetState(m)
	r.end()
}

func (r *Replica) receiveGetState(m *traces.Message) {
	n := len(r.log)
	if r.status != traces.StatusNormal || m.View != r.view || m.OpNumber > n {
		return
	}
	if m.OpNumber < 0 {
		r.faultf("GETSTATE from %d asks from op %d", m.From, m.OpNumber)
		return
	}
	if !r.validReplica(m.Replica, "GETSTATE") {
		return
	}
	r.svOK[m.Replica] = true
	r.send(traces.Message{Type: traces.NewState, To: m.Replica, View: r.view, FromOpNumber: m.OpNumber,
		Log: r.logSlice(m.OpNumber, n), OpNumber: n, CommitNumber: r.commit, Replica: r.id})
}

// ReceiveNewState: keep the first fromOpNumber entries, take the rest from the message and
// become normal in its view. Entries up to the commit-number are never replaced.
func (r *Replica) ReceiveNewState(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveNewState)
	r.receiveNewState(m)
	r.end()
}

func (r *Replica) receiveNewState(m *traces.Message) {
	from := m.FromOpNumber
	if r.status == traces.StatusRecovering || from > len(r.log) || !r.validLog(m, from) {
		return
	}
	sameView := m.View == r.view && r.status == traces.StatusNormal && m.OpNumber > len(r.log)
	laterView := m.View > r.view && from <= r.commit
	if !sameView && !laterView {
		return
	}
	if n := len(r.log); sameView && commonPrefix(r.log[from:], m.Log) == n-from {
		// The usual case, a backup filling a gap in its view: its log is a prefix of the
		// message's, so append the rest rather than copy the whole log.
		for _, e := range m.Log[n-from:] {
			r.appendEntry(e)
		}
		r.becomeNormal(m.View)
		r.commitTo(m.CommitNumber, false)
		return
	}
	l := make([]traces.Entry, m.OpNumber, m.OpNumber+16)
	copy(l, r.log[:from])
	copy(l[from:], m.Log)
	r.replaceLog(l)
	r.becomeNormal(m.View)
	r.commitTo(m.CommitNumber, false)
}
