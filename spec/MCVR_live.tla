----------------------------- MODULE MCVR_live -----------------------------
(***************************************************************************)
(* The liveness model of VR.tla: ViewChangeCompletes and RequestsComplete  *)
(* under LiveFairness (VR.tla's Fairness, see there), in a small model.    *)
(*                                                                         *)
(* TLC's liveness checking is not sound under a state CONSTRAINT, so every *)
(* bound here is a guard of LiveNext, and LiveFairness is stated on the    *)
(* guarded actions themselves (weak fairness of an action LiveNext never   *)
(* takes would rule every behaviour out).  The bounds:                     *)
(*   - faults stop: at most MaxDrops messages are lost (DropMessage), and  *)
(*     there are no duplications and no crashes;                           *)
(*   - views: a replica times out only below MaxView;                      *)
(*   - requests: each client issues at most MaxRequests;                   *)
(*   - timers: a timer sends again only when none of what it sent last     *)
(*     is still in flight (an implementation whose timeout is longer than  *)
(*     the network's delay does the same), and a client times out only    *)
(*     when no REPLY to it is in flight.  Each timer's guard depends on    *)
(*     its own messages only, so no timer can starve another (a global     *)
(*     bound on the messages in flight would let one timer's messages      *)
(*     disable another's timer forever, with weak fairness unable to say   *)
(*     anything about it).                                                 *)
(* LiveFairness is VR.tla's Fairness on these guarded actions, except     *)
(* that the timers get strong fairness: a real timer fires periodically    *)
(* whatever else happens, but here its guard turns it off and on as other  *)
(* messages come and go, and weak fairness says nothing about an action    *)
(* that is not continuously enabled.  Recovery is left out (no crash).     *)
(***************************************************************************)
EXTENDS VR

CONSTANTS
    MaxView,      \* no replica times out to a view beyond this
    MaxRequests,  \* each client issues at most this many requests
    MaxDrops,     \* at most this many messages are lost in a behaviour
    MaxMsgs       \* timers fire only while fewer messages than this are in flight

VARIABLE lost     \* the messages lost so far, in order: <<type, the receiver's status>>

liveVars == <<vars, lost>>

\* A timer that would send the messages S may fire: there is room in the
\* network and none of S is still in flight.
Room == BagCardinality(msgs) < MaxMsgs
NoneInFlight(S) == Room /\ \A m \in S : ~BagIn(m, msgs)

\* The timers of Next, each guarded as above.  The sets are those the
\* actions send (see VR.tla).
CommitTimer(r) ==
    /\ NoneInFlight({CommitMsg(r, j, viewNumber[r], commitNumber[r]) : j \in Others(r)})
    /\ SendCommit(r)

PrepareTimer(r, n) ==
    /\ n \in 1 .. Len(log[r])
    /\ NoneInFlight({PrepareMsg(r, j, viewNumber[r], n, commitNumber[r], log[r][n]) :
                        j \in Others(r)})
    /\ ResendPrepare(r, n)

StartViewChangeTimer(r) ==
    /\ NoneInFlight(StartViewChangeBroadcast(r, viewNumber[r]))
    /\ ResendStartViewChange(r)

DoViewChangeTimer(r) ==
    /\ NoneInFlight({DoViewChangeMsg(r, Primary(viewNumber[r]), viewNumber[r], log[r],
                                     lastNormalView[r], opNumber[r], commitNumber[r], r)})
    /\ ResendDoViewChange(r)

StartViewTimer(r, j) ==
    /\ NoneInFlight({StartViewMsg(r, j, viewNumber[r], log[r], opNumber[r], commitNumber[r])})
    /\ ResendStartView(r, j)

ViewTimer(r) ==
    /\ Room
    /\ viewNumber[r] < MaxView
    /\ \A q \in Replica : viewNumber[q] = viewNumber[r]
    /\ TimeoutStartViewChange(r)

ClientTimer(c) ==
    /\ NoneInFlight({RequestMsg(c, j, clientRequest[c]) : j \in Replica})
    /\ \A m \in BagToSet(msgs) : ~(m.type = "REPLY" /\ m.to = c)
    /\ ClientTimeout(c)

Request(c) ==
    /\ Room
    /\ clientRequestNumber[c] < MaxRequests
    /\ \E op \in Ops : \E k \in Keys : \E x \in OpValues(op) : ClientRequest(c, op, k, x)

Drop(m) ==
    /\ Len(lost) < MaxDrops
    /\ DropMessage(m)
    /\ lost' = Append(lost, <<m.type, IF m.type = "REPLY" THEN "client" ELSE status[m.to]>>)

\* Next with the bounds: every step but a drop leaves lost unchanged.
LiveNext ==
    \/ \E m \in BagToSet(msgs) : Drop(m)
    \/ /\ \/ \E m \in BagToSet(msgs) : ReceiveMessage(m)
          \/ \E r \in Replica :
                \/ CommitTimer(r)
                \/ \E n \in 1 .. opNumber[r] : PrepareTimer(r, n)
                \/ ViewTimer(r)
                \/ StartViewChangeTimer(r)
                \/ DoViewChangeTimer(r)
                \/ \E j \in Others(r) : StartViewTimer(r, j)
          \/ \E c \in ClientId : ClientTimer(c) \/ Request(c)
       /\ UNCHANGED lost

\* A step of LiveNext that is A (lost unchanged).
L(A) == A /\ UNCHANGED lost

\* VR.tla's Fairness on LiveNext's guarded actions, per replica and kind of
\* action, strong for the timers (see above).  Faults, the client's choice to
\* issue a request and TimeoutStartViewChange get none, as in Fairness.
LiveFairness ==
    /\ \A r \in Replica :
          /\ SF_liveVars(L(CommitTimer(r)))
          /\ SF_liveVars(L(\E n \in 1 .. opNumber[r] : PrepareTimer(r, n)))
          /\ SF_liveVars(L(StartViewChangeTimer(r)))
          /\ SF_liveVars(L(DoViewChangeTimer(r)))
          /\ \A j \in Others(r) : SF_liveVars(L(StartViewTimer(r, j)))
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
          /\ SF_liveVars(L(ClientTimer(c)))
          /\ WF_liveVars(L(\E m \in BagToSet(msgs) : ClientReceiveReply(c, m)))

LiveInit == Init /\ lost = <<>>

LiveModelSpec == LiveInit /\ [][LiveNext]_liveVars /\ LiveFairness

-----------------------------------------------------------------------------
(* Witnesses: the model is not vacuous.  Each ~Situation is an invariant   *)
(* that TLC reports violated (MCVR_live_witness.cfg), with the behaviour   *)
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
