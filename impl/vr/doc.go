// Package vr implements Viewstamped Replication Revisited (Liskov & Cowling 2012) as pure,
// deterministic state machines: a Replica and a Client. Nothing here has goroutines, clocks,
// randomness or I/O. The caller (impl/sim, or a test) delivers messages with Receive, advances
// time with Tick, crashes replicas with Crash, and reads out each call's Output: the VR.tla
// action taken, the messages sent (ids left 0 for the caller to assign) and the post-state in
// the trace format of package traces. Every action follows traces/README.md to the letter; the
// exported methods carry the actions' names.
//
// # Timers
//
// A replica has one timer, counted in ticks and reset whenever its role's progress signal
// arrives (and whenever it changes view or status). With T = Config.ReplicaTimeout and the
// replica id i as a deterministic stagger, so that replicas do not all fire together:
//   - a normal primary fires after max(1, T/2) ticks without sending anything to the backups:
//     ResendPrepare if op-number > commit-number, else SendCommit (a heartbeat, well under T);
//     and, from T ticks after it started its view by a view change, one tick after a
//     heartbeat, ResendStartView to a backup not yet known to have joined the view (no
//     PREPAREOK or GETSTATE of the view from it), at most 2(N-1) times per view;
//   - a normal backup fires TimeoutStartViewChange after T+i ticks without a PREPARE or COMMIT
//     of its view;
//   - a replica in view-change fires TimeoutStartViewChange again (to the next view) after
//     2T+i ticks in that view;
//   - a recovering replica re-sends RECOVERY (StartRecovery, same nonce) every T+i ticks.
//
// # Policies
//
// The paper leaves some choices to the implementation; VR.tla and the checker allow every
// one. Config.Policy picks how a replica makes them:
//   - PolicyDefault (fast and live): GETSTATE goes to the view's primary, which has every
//     entry; ResendPrepare resends the latest uncommitted op (a backup missing earlier ones
//     asks by GETSTATE); STARTVIEW is resent only to backups not known to have joined; a
//     stalled view change moves to the next view rather than resending.
//   - PolicyAlt (the other permitted choices, a second emitter for the checkers): GETSTATE
//     goes to each other replica in turn (a backup of the view answers if it has the
//     entries); ResendPrepare resends each uncommitted op in turn, oldest first; STARTVIEW is
//     resent to every backup in turn; a replica in view-change resends STARTVIEWCHANGE after T
//     ticks and, with f STARTVIEWCHANGEs, DOVIEWCHANGE a tick later (ResendStartViewChange,
//     ResendDoViewChange), before it times out to the next view.
//
// A client fires ClientTimeout (resend to every replica) after Config.ClientTimeout ticks
// pending without its reply; the timer restarts after each resend.
//
// # Faults
//
// Each transition is guarded by cheap checks of VR's own invariants (op-number is the log's
// length, commit-number ≤ op-number, commit-number and view-number never decrease, committed
// entries never change) and of incoming messages' consistency (a log's length matches its
// op-numbers, ids are in range). A failed check never panics: it is reported in Output.Fault
// for that call and kept in Replica.Fault (the first one), and the replica carries on as the
// contract says. In the correct protocol a fault is an implementation bug; with a bug switch on,
// faults are the defect showing itself from the inside.
//
// # Memory
//
// The log's backing array is never written below its length: appends go past the end, and any
// replacement or truncation builds a new slice (or caps the old one). So messages' Log and
// Entry fields and Output.State.LogAdd may share it safely. A replica keeps nothing of a
// message it receives: entries and logs are copied, so the caller may reuse its messages.
package vr
