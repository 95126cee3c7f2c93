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

MsgTypes == {"REQUEST", "PREPARE", "PREPAREOK", "REPLY", "COMMIT", "STARTVIEWCHANGE",
             "DOVIEWCHANGE", "STARTVIEW", "RECOVERY", "RECOVERYRESPONSE", "GETSTATE",
             "NEWSTATE"}

\* The messages of type t in flight (counting copies).
InFlight(t) ==
    LET B == [m \in {x \in DOMAIN msgs : x.type = t} |-> msgs[m]] IN BagCardinality(B)

\* Per-type bounds on messages in flight, beside MaxMsgs: a model names one of
\* the tables below (TypeBounds <- ...) to spend its message budget where it
\* matters; a type a table does not name is bounded by MaxMsgs alone.
TypeBounds == EmptyFunction
TypeBound(t) == IF t \in DOMAIN TypeBounds THEN TypeBounds[t] ELSE MaxMsgs

\* No state transfer and no COMMIT timer: backups learn the commit-number from
\* the next PREPARE.
BoundsNoTransfer == [COMMIT |-> 0, GETSTATE |-> 0, NEWSTATE |-> 0, REPLY |-> 1]

\* For "statetransfer-truncate": the COMMIT timer and state transfer are the point,
\* so they are on; one message each of the types a round needs only one of.
BoundsTransfer == [GETSTATE |-> 1, NEWSTATE |-> 1, REPLY |-> 1, PREPAREOK |-> 1,
                   DOVIEWCHANGE |-> 1]

\* For the view-change bug models: no COMMIT or state transfer, one message each
\* of the types a round needs only one of, a broadcast's two of the others;
\* three STARTVIEWCHANGEs, so that a replica can enter a view change on one
\* while the other copy of that broadcast is still in flight.
BoundsViewChange == [COMMIT |-> 0, GETSTATE |-> 0, NEWSTATE |-> 0, REPLY |-> 1,
                     PREPAREOK |-> 1, DOVIEWCHANGE |-> 1, STARTVIEWCHANGE |-> 3,
                     STARTVIEW |-> 2, PREPARE |-> 2]

\* The same with one REQUEST in flight: no ClientTimeout (it sends one to each
\* replica), so a client reaches only the primary of the view it knows.
BoundsViewChangeNoRetry == [REQUEST |-> 1] @@ BoundsViewChange

\* A step that only sends: nothing is received and no replica or client changes.
\* These are the timers (SendCommit, ResendPrepare, ResendStartViewChange,
\* ResendDoViewChange, ResendStartView, StartRecovery), ClientTimeout and
\* DuplicateMessage.
OnlySends ==
    /\ UNCHANGED <<serverVars, clientVars>>
    /\ BagCardinality(msgs') > BagCardinality(msgs)

\* The messages a step adds (new ones, or more copies of one in flight).
Added == {m \in DOMAIN msgs' : m \notin DOMAIN msgs \/ msgs'[m] > msgs[m]}

\* ACTION_CONSTRAINT: a timer sends a kind of message to a node only once the
\* one it sent there before has left the network (arrived or was lost), as if
\* timeouts were longer than delivery.  This also rules out DuplicateMessage.
QuietResends ==
    OnlySends =>
        \A m \in Added : ~\E x \in DOMAIN msgs : x.type = m.type /\ x.from = m.from /\ x.to = m.to

\* A step that consumes nothing and sends: a timer of a replica (SendCommit,
\* ResendPrepare, TimeoutStartViewChange, ResendStartViewChange,
\* ResendDoViewChange, ResendStartView, StartRecovery), ClientTimeout or
\* DuplicateMessage; ClientRequest (which changes the client) is not one.
TimerStep ==
    /\ UNCHANGED clientVars
    /\ \A m \in DOMAIN msgs : m \in DOMAIN msgs' /\ msgs'[m] >= msgs[m]
    /\ msgs' # msgs

\* ACTION_CONSTRAINT: a node's timer fires only while the node is idle, with no
\* message from it or to it in flight: timeouts are longer than delivery.  As
\* QuietResends, it rules out DuplicateMessage.
QuietTimers ==
    TimerStep =>
        \A m \in Added : ~\E x \in DOMAIN msgs : x.from = m.from \/ x.to = m.from

\* A step that consumes nothing and sends: a timer, ClientTimeout, ClientRequest
\* or DuplicateMessage.
Initiates ==
    /\ \A m \in DOMAIN msgs : m \in DOMAIN msgs' /\ msgs'[m] >= msgs[m]
    /\ msgs' # msgs

\* ACTION_CONSTRAINT: a timer fires, or a client issues a request, only while no
\* message is in flight: one activity (a request, a view change, a resend) at a
\* time, each running until its messages have arrived or are lost.  Stronger than
\* QuietTimers; as it, it rules out DuplicateMessage.
QuietNetwork == Initiates => BagCardinality(msgs) = 0

\* The resends: a step that only sends PREPARE, COMMIT, STARTVIEWCHANGE,
\* DOVIEWCHANGE or STARTVIEW (SendCommit, ResendPrepare, ResendStartViewChange,
\* ResendDoViewChange, ResendStartView).  ClientTimeout and StartRecovery are not.
Resend ==
    /\ OnlySends
    /\ \E m \in Added : m.type \in {"PREPARE", "COMMIT", "STARTVIEWCHANGE", "DOVIEWCHANGE",
                                   "STARTVIEW"}

\* ACTION_CONSTRAINT: QuietNetwork, and no replica resends: each message of the
\* protocol is sent once, when its handler or TimeoutStartViewChange sends it
\* (the paper's resends only repair losses, which a model that also loses the
\* first copy covers for safety).  For the view-change bug models, whose
\* counterexamples lose messages but resend none.
QuietNoResends == QuietNetwork /\ ~Resend

\* The node a message goes to, as a rank: replicas 0 .. N-1, then the clients
\* (a REPLY's to is a client id).
Rank(m) == IF m.type = "REPLY" THEN N + m.to ELSE m.to

\* A step that consumes message m: a receive or a drop.
Consumes(m) == m \notin DOMAIN msgs' \/ msgs'[m] < msgs[m]

\* ACTION_CONSTRAINT (with QuietNoResends): the network hands messages to the
\* nodes in rank order: a message is received or lost only while none is in
\* flight to a node of lower rank.  Messages to one node still arrive (or are
\* lost) in any order, and any of them may be lost, but a node of higher rank
\* never acts before a lower one has taken what is in flight to it.  A strong
\* cut (messages to different nodes are mostly independent, and QuietNetwork
\* already runs one activity at a time), for the bug models whose
\* counterexamples are 28 steps deep.
OrderedQuiet ==
    /\ QuietNoResends
    /\ \A m \in DOMAIN msgs : Consumes(m) => \A x \in DOMAIN msgs : Rank(x) >= Rank(m)

\* A TakeCheckpoint step: the checkpoint changes and no message is received or sent.
TakesCheckpoint == checkpoint' # checkpoint /\ msgs' = msgs

\* ACTION_CONSTRAINT: QuietNetwork, and the checkpoint timer (TakeCheckpoint, which sends
\* nothing) also fires only while no message is in flight, as every other timer there.
QuietNetworkCheckpoints == QuietNetwork /\ (TakesCheckpoint => BagCardinality(msgs) = 0)

\* Reads under leases (MCVR_lease.cfg): time runs to MaxTime ticks (a definition, so that the
\* models without leases, where now stays 0, need not name it); a clock advances by the
\* slowest or the fastest rate the drift bound allows (ClockRates <- ExtremeRates).
MaxTime == 0
ExtremeRates == {ClockUnit - Drift, ClockUnit + Drift}

\* ACTION_CONSTRAINT: QuietNetwork, and time passes (Tick) only while no message is in flight:
\* between the activities, as the timers fire.
QuietNetworkTicks == QuietNetwork /\ (now' # now => BagCardinality(msgs) = 0)

\* ACTION_CONSTRAINT: QuietNetworkTicks, and every clock keeps the rate it took at the first
\* tick (a drift that holds for the run, as the simulator's); first request a put, then a get.
SteadyClocks ==
    now' # now /\ now > 0 => \A r \in Replica : clock'[r] - clock[r] = (clock[r] - 1) \div now
LeaseScript ==
    \A c \in ClientId : clientRequest'[c].requestNumber > 0 =>
        clientRequest'[c].op = IF clientRequest'[c].requestNumber = 1 THEN "put" ELSE "get"
QuietLease == QuietNetworkTicks /\ SteadyClocks /\ LeaseScript

MCConstraint ==
    /\ now <= MaxTime
    /\ \A r \in Replica : viewNumber[r] <= MaxView
    /\ \A c \in ClientId : clientRequestNumber[c] <= MaxRequests
    /\ CrashCount <= MaxCrashes
    /\ BagCardinality(msgs) <= MaxMsgs
    /\ \A m \in BagToSet(msgs) : msgs[m] <= MaxCopies
    /\ \A m \in DOMAIN msgs : InFlight(m.type) <= TypeBound(m.type)

-----------------------------------------------------------------------------
(* The hard cases a model must reach (issue 10).  Each witness configuration *)
(* checks the model's invariant Witness<Situation> == ~<Situation>: TLC      *)
(* reporting it violated shows the situation is reachable in the model.      *)

\* A view change where last-normal-view decides against op-number: the new
\* primary r has recorded DOVIEWCHANGE d, and the one m in flight to it would
\* complete its quorum, with the larger last-normal-view and the smaller op-number.
DecisiveLastNormalView ==
    \E r \in Replica : \E d \in doViewChangeMsgs[r] : \E m \in DOMAIN msgs :
        /\ m.type = "DOVIEWCHANGE" /\ m.to = r /\ m.replica # d.replica
        /\ status[r] = "view-change" /\ m.view = viewNumber[r] /\ d.view = m.view
        /\ \/ m.lastNormalView > d.lastNormalView /\ m.opNumber < d.opNumber
           \/ d.lastNormalView > m.lastNormalView /\ d.opNumber < m.opNumber

\* Two operations of two different clients are committed.
TwoClientsCommitted ==
    \E i, j \in 1 .. Len(ghostCommittedLog) :
        ghostCommittedLog[i].client # ghostCommittedLog[j].client

\* A replica is normal in view 2 or later.
LaterViewStarted == \E r \in Replica : status[r] = "normal" /\ viewNumber[r] >= 2

\* Recovery and state transfer (MCVR_recovery.cfg): a replica that crashed is normal again
\* (it recovered); a NEWSTATE is in flight (a state transfer answered).
RecoveredAfterCrash == \E r \in Replica : usedNonces[r] # {} /\ status[r] = "normal"
StateTransferred == \E m \in DOMAIN msgs : m.type = "NEWSTATE"

WitnessRecoveredAfterCrash == ~RecoveredAfterCrash
WitnessStateTransferred == ~StateTransferred

\* Checkpoints (MCVR_checkpoint.cfg): a view change carries a checkpoint (a STARTVIEW with
\* one in flight); a state transfer from a checkpoint (a NEWSTATE with one in flight); a
\* normal replica whose service was restored from a checkpoint, in a later view.
CheckpointInStartView ==
    \E m \in DOMAIN msgs : m.type = "STARTVIEW" /\ m.checkpoint.opNumber > 0
CheckpointInNewState ==
    \E m \in DOMAIN msgs : m.type = "NEWSTATE" /\ m.checkpoint.opNumber > 0
CheckpointRestoredLater ==
    \E r \in Replica : status[r] = "normal" /\ viewNumber[r] >= 1 /\ restoredFrom[r].opNumber > 0

WitnessCheckpointInStartView == ~CheckpointInStartView
WitnessCheckpointInNewState == ~CheckpointInNewState
WitnessCheckpointRestoredLater == ~CheckpointRestoredLater

\* Reads under leases (MCVR_lease.cfg): a get answered under a lease, after a tick.
LeaseReadAfterTick == ghostLeaseReplies # {} /\ now > 0
WitnessLeaseReadAfterTick == ~LeaseReadAfterTick

WitnessDecisiveLastNormalView == ~DecisiveLastNormalView
WitnessTwoClientsCommitted == ~TwoClientsCommitted
WitnessLaterViewStarted == ~LaterViewStarted

=============================================================================
