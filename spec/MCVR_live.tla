----------------------------- MODULE MCVR_live -----------------------------
(***************************************************************************)
(* The liveness model of VR.tla: ViewChangeCompletes and RequestsComplete  *)
(* under LiveFairness (VR.tla's Fairness as this bounded model has it, see *)
(* below), in a small model.                                               *)
(*                                                                         *)
(* TLC's liveness checking is not sound under a state CONSTRAINT, so every *)
(* bound here is a guard of LiveNext, and LiveFairness is stated on the    *)
(* guarded actions themselves (weak fairness of an action LiveNext never   *)
(* takes would rule every behaviour out).  The bounds:                     *)
(*   - faults stop: at most MaxDrops messages are lost (DropMessage), and  *)
(*     there are no duplications and no crashes;                           *)
(*   - views: a replica times out only below MaxView, and only while all   *)
(*     replicas are in one view;                                           *)
(*   - requests: each client issues at most MaxRequests;                   *)
(*   - the environment acts only while fewer than MaxMsgs messages are in *)
(*     flight (MaxMsgs = 1: only when the network is quiet): the client's  *)
(*     request, TimeoutStartViewChange and the resend timers.  Protocol    *)
(*     messages sent in reaction to a message are not bounded: they are    *)
(*     finitely many.  With a message lost, a timeout still finds the      *)
(*     protocol halfway (an entry prepared but not committed, a view       *)
(*     change half done).                                                  *)
(*                                                                         *)
(* The resend timers take turns (TimerTick): in Spec a timer's guard is    *)
(* its replica's state alone, so weak fairness makes it fire while that    *)
(* state lasts (VR.tla's Fairness); the MaxMsgs guard here turns every     *)
(* timer off whenever another one has fired, so weak fairness per timer    *)
(* would let one timer starve the others, and strong fairness per timer    *)
(* (19 of them) TLC expands into a DNF it never finished.  So a ghost      *)
(* pointer, tick, goes round the timers: a quiet network fires the first   *)
(* enabled timer from tick on, and weak fairness of that one action gives  *)
(* every timer whose condition lasts its turn, as a periodic timer does.   *)
(* (Giving the timers only the guard "none of my messages in flight" and   *)
(* weak fairness each, without MaxMsgs, left TLC at 1,236,183 distinct     *)
(* states after 5 minutes, still growing: README.md, Liveness.)            *)
(* Recovery is left out (no crash).                                        *)
(***************************************************************************)
EXTENDS VR

CONSTANTS
    MaxView,      \* no replica times out to a view beyond this
    MaxRequests,  \* each client issues at most this many requests
    MaxDrops,     \* at most this many messages are lost in a behaviour
    MaxMsgs       \* the environment acts only while fewer messages than this are in flight

VARIABLES
    lost,         \* the messages lost so far, in order: <<type, the receiver's status>>
    tick          \* the timer whose turn it is (TimerSlot)

liveVars == <<vars, lost, tick>>

Room == BagCardinality(msgs) < MaxMsgs

\* The resend timers of Next, one slot each: per replica r (N + 3 slots)
\* SendCommit, ResendPrepare, ResendStartViewChange, ResendDoViewChange and
\* ResendStartView to each other replica; then ClientTimeout per client.
SlotsPerReplica == N + 3
NumSlots == N * SlotsPerReplica + NumClients
TimerSlot(i) ==
    IF i < N * SlotsPerReplica
    THEN LET r == i \div SlotsPerReplica
             o == i % SlotsPerReplica
         IN CASE o = 0 -> SendCommit(r)
              [] o = 1 -> \E n \in 1 .. opNumber[r] : ResendPrepare(r, n)
              [] o = 2 -> ResendStartViewChange(r)
              [] o = 3 -> ResendDoViewChange(r)
              [] OTHER -> ResendStartView(r, (r + o - 3) % N)
    ELSE ClientTimeout(i - N * SlotsPerReplica)

\* How far slot i comes after tick, going round.
FromTick(i) == (i - tick + NumSlots) % NumSlots

\* The network is quiet: the first enabled timer from tick on fires, and the
\* turn passes to the slot after it.
TimerTick ==
    /\ Room
    /\ LET en == {i \in 0 .. NumSlots - 1 : ENABLED TimerSlot(i)}
       IN /\ en # {}
          /\ LET i == CHOOSE i \in en : \A h \in en : FromTick(i) <= FromTick(h)
             IN /\ TimerSlot(i)
                /\ tick' = (i + 1) % NumSlots

ViewTimer(r) ==
    /\ Room
    /\ viewNumber[r] < MaxView
    /\ \A q \in Replica : viewNumber[q] = viewNumber[r]
    /\ TimeoutStartViewChange(r)

Request(c) ==
    /\ Room
    /\ clientRequestNumber[c] < MaxRequests
    /\ \E op \in Ops : \E k \in Keys : \E x \in OpValues(op) : ClientRequest(c, op, k, x)

Drop(m) ==
    /\ Len(lost) < MaxDrops
    /\ DropMessage(m)
    /\ lost' = Append(lost, <<m.type, IF m.type = "REPLY" THEN "client" ELSE status[m.to]>>)

\* A step of LiveNext that is A and leaves lost and tick unchanged.
L(A) == A /\ UNCHANGED <<lost, tick>>

\* Next with the bounds.
LiveNext ==
    \/ \E m \in BagToSet(msgs) : Drop(m) /\ UNCHANGED tick
    \/ TimerTick /\ UNCHANGED lost
    \/ L(\/ \E m \in BagToSet(msgs) : ReceiveMessage(m)
         \/ \E r \in Replica : ViewTimer(r)
         \/ \E c \in ClientId : Request(c))

\* VR.tla's Fairness on LiveNext: weak fairness per replica (or client) and
\* kind of receive, and weak fairness of TimerTick, which serves the resend
\* timers in turn (above).  Faults, the client's choice to issue a request
\* and TimeoutStartViewChange get none, as in Fairness; StartRecovery and the
\* recovery receives are left out with crashes.
LiveFairness ==
    /\ WF_liveVars(TimerTick /\ UNCHANGED lost)
    /\ \A r \in Replica :
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveRequest(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceivePrepare(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceivePrepareOk(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveCommit(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveStartViewChange(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveDoViewChange(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveStartView(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveGetState(r, m)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ReceiveNewState(r, m)))
    /\ \A c \in ClientId :
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ClientReceiveReply(c, m)))

LiveInit == Init /\ lost = <<>> /\ tick = 0

LiveModelSpec == LiveInit /\ [][LiveNext]_liveVars /\ LiveFairness

-----------------------------------------------------------------------------
(* Witnesses: the model is not vacuous.  Each ~Situation is an invariant   *)
(* that TLC reports violated (MCVR_live_witness_*.cfg), with the behaviour   *)
(* that reaches the situation.                                             *)

\* A message was lost, yet every replica is normal in view MaxView (a view
\* change completed) and every client's requests all completed.
AllDone ==
    /\ Len(lost) = MaxDrops
    /\ \A r \in Replica : status[r] = "normal" /\ viewNumber[r] = MaxView
    /\ \A c \in ClientId : clientRequestNumber[c] = MaxRequests /\ ~clientPending[c]
NotAllDone == ~AllDone

\* A STARTVIEW to a replica in view-change was lost, and yet every replica is
\* normal in view MaxView: the replica that missed it joined all the same (in
\* view-change, it ignores the view's PREPARE and COMMIT: only a resent
\* STARTVIEW lets it join).
LostStartViewJoined ==
    /\ \E i \in DOMAIN lost : lost[i] = <<"STARTVIEW", "view-change">>
    /\ \A r \in Replica : status[r] = "normal" /\ viewNumber[r] = MaxView
NotLostStartViewJoined == ~LostStartViewJoined
=============================================================================
