package sim

import (
	"fmt"
	"io"
	"slices"

	"github.com/vrcheck/vrcheck/traces"
)

// Reconfiguration is what one reconfiguration (§7) cost, every figure a tick of one of the
// trace's events (-1: it did not happen before the run ended).
type Reconfiguration struct {
	Epoch    int   // the epoch it starts
	From, To []int // the old and the new configuration
	Replaced []int // replicas of From not in To: they shut down
	// Asked is the tick of the administrator's ClientReconfiguration; Stopped the first
	// ReceiveReconfiguration that put the request in a primary's log (from then on that
	// primary accepts no other client request); Ready the first event after which a replica
	// of To is the normal primary of the new epoch (it accepts requests again); Returned the
	// administrator's ClientReceiveReply; ShutDown the event after which the last replaced
	// replica had shut down (Asked if none is replaced).
	Asked, Stopped, Ready, Returned, ShutDown int
	// Blocked counts the client requests outstanding at some tick t with Stopped <= t < Ready
	// (invoked at or before t, not yet returned at t): requests no primary would accept;
	// BlockedMax is the longest latency among them (to the end of the run if one never
	// returned).
	Blocked, BlockedMax int
}

// ToReady is the time from the request to the new epoch's primary being normal (-1 if not
// reached); ToDone that to the later of that and the last replaced replica shutting down.
func (rc *Reconfiguration) ToReady() int {
	if rc.Ready < 0 {
		return -1
	}
	return rc.Ready - rc.Asked
}

// ToDone is the time from the request until the new primary is normal and every replaced
// replica has shut down (-1 if either did not happen).
func (rc *Reconfiguration) ToDone() int {
	if rc.Ready < 0 || rc.ShutDown < 0 {
		return -1
	}
	return max(rc.Ready, rc.ShutDown) - rc.Asked
}

// reconfigTracker fills Result.Reconfigs as the simulator runs.
type reconfigTracker struct {
	cur  *Reconfiguration // the latest reconfiguration asked for (nil before the first)
	all  []*Reconfiguration
	down map[int]bool // replaced replicas of cur that shut down
	// Each client request's invocation and return ticks (return -1: outstanding).
	reqs []reqSpan
	open map[int]int // client -> index in reqs of its outstanding request
}

type reqSpan struct{ invoked, returned int }

func newReconfigTracker() *reconfigTracker {
	return &reconfigTracker{open: map[int]int{}}
}

// asked records the administrator's request at tick to move from the configuration from to to.
func (t *reconfigTracker) asked(tick int, from, to []int) {
	rc := &Reconfiguration{Epoch: len(t.all) + 1, From: slices.Clone(from), To: slices.Clone(to),
		Asked: tick, Stopped: -1, Ready: -1, Returned: -1, ShutDown: -1}
	for _, r := range from {
		if !slices.Contains(to, r) {
			rc.Replaced = append(rc.Replaced, r)
		}
	}
	if len(rc.Replaced) == 0 {
		rc.ShutDown = tick
	}
	t.cur, t.down = rc, map[int]bool{}
	t.all = append(t.all, rc)
}

// replica records replica i's action at tick, with its state after it.
func (t *reconfigTracker) replica(tick, i int, action string, st *traces.ReplicaState) {
	rc := t.cur
	if rc == nil || st == nil {
		return
	}
	if rc.Stopped < 0 && action == traces.ReceiveReconfiguration && st.EpochNumber == rc.Epoch-1 {
		for _, e := range st.LogAdd {
			if e.Op == traces.OpReconfiguration {
				rc.Stopped = tick
			}
		}
	}
	if rc.Ready < 0 && st.EpochNumber == rc.Epoch && st.Status == traces.StatusNormal &&
		len(st.Config) > 0 && st.Config[st.ViewNumber%len(st.Config)] == i {
		rc.Ready = tick
	}
	if rc.ShutDown < 0 && st.Status == traces.StatusShutDown && slices.Contains(rc.Replaced, i) {
		t.down[i] = true
		if len(t.down) == len(rc.Replaced) {
			rc.ShutDown = tick
		}
	}
}

// request records a client's invocation; returned its return.
func (t *reconfigTracker) request(c, tick int) {
	t.open[c] = len(t.reqs)
	t.reqs = append(t.reqs, reqSpan{tick, -1})
}

func (t *reconfigTracker) returned(c, tick int) {
	if k, ok := t.open[c]; ok {
		t.reqs[k].returned = tick
		delete(t.open, c)
	}
}

// administratorReturned records the reply to the administrator's request.
func (t *reconfigTracker) administratorReturned(tick int) {
	if t.cur != nil && t.cur.Returned < 0 {
		t.cur.Returned = tick
	}
}

// finish computes the blocked requests of each reconfiguration, the run having ended at end.
func (t *reconfigTracker) finish(end int) []Reconfiguration {
	out := make([]Reconfiguration, 0, len(t.all))
	for _, rc := range t.all {
		if rc.Stopped >= 0 {
			stop := rc.Ready
			if stop < 0 {
				stop = end
			}
			for _, q := range t.reqs {
				ret := q.returned
				if ret < 0 {
					ret = end
				}
				if q.invoked < stop && (q.returned < 0 || q.returned > rc.Stopped) {
					rc.Blocked++
					rc.BlockedMax = max(rc.BlockedMax, ret-q.invoked)
				}
			}
		}
		out = append(out, *rc)
	}
	return out
}

// writeReconfigurations prints two lines per reconfiguration, then what "complete" means.
func writeReconfigurations(w io.Writer, rcs []Reconfiguration) {
	after := func(t, from int) string {
		if t < 0 {
			return "not reached"
		}
		return fmt.Sprintf("+%d", t-from)
	}
	for _, rc := range rcs {
		done := "not complete"
		if d := rc.ToDone(); d >= 0 {
			done = fmt.Sprintf("complete in %d ticks", d)
		}
		fmt.Fprintf(w, "  epoch %-2d            %s -> %s asked at tick %d: %s (new primary normal %s, replaced %s shut down %s; old primary stopped accepting %s)\n",
			rc.Epoch, set(rc.From), set(rc.To), rc.Asked, done, after(rc.Ready, rc.Asked), set(rc.Replaced), after(rc.ShutDown, rc.Asked), after(rc.Stopped, rc.Asked))
		if rc.Stopped >= 0 {
			end := "the end of the run"
			if rc.Ready >= 0 {
				end = after(rc.Ready, rc.Asked)
			}
			fmt.Fprintf(w, "                      %s blocked (outstanding while no primary accepted requests, %s..%s), the longest %d ticks\n",
				plural(rc.Blocked, "client request"), after(rc.Stopped, rc.Asked), end, rc.BlockedMax)
		}
	}
	if len(rcs) > 0 {
		fmt.Fprintln(w, "                      (ticks from the administrator's RECONFIGURATION; complete: the new epoch's primary is normal and every replaced replica has shut down)")
	}
}

// set writes a configuration as {1,2,3}.
func set(ids []int) string { return "{" + traces.FormatConfig(ids) + "}" }
