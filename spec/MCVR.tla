------------------------------- MODULE MCVR -------------------------------
(***************************************************************************)
(* Bounded models of VR.tla for TLC.  The protocol has unbounded views,    *)
(* op-numbers, crashes and messages; MCConstraint (a state CONSTRAINT)     *)
(* cuts the state space at the bounds below.  Because TLC does not explore *)
(* past a state that violates the constraint, a bounded model "deadlocks"  *)
(* legitimately at the bounds: the .cfg files say CHECK_DEADLOCK FALSE.    *)
(*                                                                         *)
(* No SYMMETRY: replica ids are not symmetric (the primary of view v is    *)
(* v % N), client ids are integers (as in traces), and values are strings  *)
(* (append concatenates them), so there are no model values to permute.   *)
(***************************************************************************)
EXTENDS VR

CONSTANTS
    MaxView,      \* no replica goes past this view-number
    MaxCrashes,   \* at most this many crashes in all
    MaxRequests,  \* each client issues at most this many requests
    MaxMsgs,      \* at most this many messages in flight (counting copies)
    MaxCopies     \* at most this many copies of one message in flight

CrashCount == Cardinality(UNION {{<<r, x>> : x \in usedNonces[r]} : r \in Replica})

MCConstraint ==
    /\ \A r \in Replica : viewNumber[r] <= MaxView
    /\ \A c \in ClientId : clientRequestNumber[c] <= MaxRequests
    /\ CrashCount <= MaxCrashes
    /\ BagCardinality(msgs) <= MaxMsgs
    /\ \A m \in BagToSet(msgs) : msgs[m] <= MaxCopies

-----------------------------------------------------------------------------
(* The liveness model (MCVR_live.cfg): no faults at all (so "once faults   *)
(* stop" holds from the start), and the bounds are guards of the actions   *)
(* rather than a CONSTRAINT, because TLC's liveness checking is not sound  *)
(* under state constraints.  Timers and clients only act while fewer than  *)
(* MaxMsgs messages are in flight, so the state space is finite.           *)

Room == BagCardinality(msgs) < MaxMsgs

LiveNext ==
    \/ \E m \in BagToSet(msgs) : ReceiveMessage(m)
    \/ \E r \in Replica :
          \/ Room /\ SendCommit(r)
          \/ Room /\ ResendPrepare(r, opNumber[r])
          \/ Room /\ viewNumber[r] < MaxView /\ TimeoutStartViewChange(r)
    \/ \E c \in ClientId :
          \/ Room /\ ClientTimeout(c)
          \/ /\ clientRequestNumber[c] < MaxRequests
             /\ \E op \in Ops : \E k \in Keys : \E x \in OpValues(op) : ClientRequest(c, op, k, x)

LiveFairness ==
    /\ \A r \in Replica :
          /\ WF_vars(Room /\ SendCommit(r))
          /\ WF_vars(Room /\ ResendPrepare(r, opNumber[r]))
          /\ WF_vars(Room /\ viewNumber[r] < MaxView /\ TimeoutStartViewChange(r))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveRequest(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceivePrepare(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceivePrepareOk(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveCommit(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveStartViewChange(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveDoViewChange(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveStartView(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveGetState(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveNewState(r, m))
    /\ \A c \in ClientId :
          /\ WF_vars(Room /\ ClientTimeout(c))
          /\ WF_vars(\E m \in BagToSet(msgs) : ClientReceiveReply(c, m))

LiveModelSpec == Init /\ [][LiveNext]_vars /\ LiveFairness

=============================================================================
