------------------------------ MODULE MCVR_dvc ------------------------------
(***************************************************************************)
(* Directed bounded models for the view-change defects ("dvc-largest-n-   *)
(* only", "dvc-mixed-views"), whose shortest counterexamples are 28 steps  *)
(* deep: too deep for breadth-first search of the models of MCVR.tla in   *)
(* minutes.  DirectedViewChange (the ACTION_CONSTRAINT) keeps MCVR's        *)
(* OrderedQuiet (one activity at a time, no resends, messages taken in the *)
(* receivers' rank order) and adds a fault schedule:                       *)
(*                                                                         *)
(*  - Suspects: which replicas' view-change timers may fire into each      *)
(*    view (a failure detector that suspects on a fixed plan; every other  *)
(*    step of the protocol stays free);                                    *)
(*  - LossyReplicas: the network loses only messages whose loss a view     *)
(*    change can hinge on: those to or from a lossy replica (its link is   *)
(*    flaky, so it lags behind) and STARTVIEWCHANGEs (so a view change can *)
(*    stall).  Every other message arrives.                                *)
(*                                                                         *)
(* Both only remove behaviours, so a violation found here is one of the    *)
(* protocol; with Bugs = {} each model runs clean (spec/ci.sh --full).     *)
(***************************************************************************)
EXTENDS MCVR

CONSTANTS
    Suspects,       \* view v |-> the replicas whose timer may start a view change to v
    LossyReplicas   \* the replicas whose messages (to or from them) may be lost

\* The replicas a message is between (REQUEST comes from a client, REPLY goes to one).
Endpoints(m) ==
    (IF m.type = "REQUEST" THEN {} ELSE {m.from}) \cup (IF m.type = "REPLY" THEN {} ELSE {m.to})

\* Message m may be lost.
MayLose(m) == m.type = "STARTVIEWCHANGE" \/ Endpoints(m) \cap LossyReplicas # {}

\* A step in which m leaves the network and nothing else changes: DropMessage(m), or a
\* receive of m that the receiver ignores (the two reach the same state).
LeavesUnheard(m) ==
    /\ UNCHANGED <<serverVars, clientVars>>
    /\ msgs' = msgs (-) SetToBag({m})

\* A step in which replica r's view-change timer fires (TimeoutStartViewChange(r)): nothing
\* is received and r's view-number goes up.
TimesOut(r) == Initiates /\ viewNumber'[r] > viewNumber[r]

\* ACTION_CONSTRAINT: OrderedQuiet, timeouts only as Suspects plans them, and a message that
\* may not be lost leaves the network unheard only when its receiver ignores it.
DirectedViewChange ==
    /\ OrderedQuiet
    /\ \A r \in Replica :
          TimesOut(r) => viewNumber'[r] \in DOMAIN Suspects /\ r \in Suspects[viewNumber'[r]]
    /\ \A m \in DOMAIN msgs : LeavesUnheard(m) => MayLose(m) \/ ReceiveMessage(m)

\* The plans.  dvc-largest-n-only: each view's new primary suspects its predecessor (replica 1
\* starts the change to view 1, replica 2 to view 2).  dvc-mixed-views: replica 1 starts the
\* change to view 1, replica 0 to views 2 and 3 (in view-change, its timer fires again), replica
\* 2 to view 4.
SuspectsByNewPrimary == [v \in 1 .. 2 |-> {v % N}]  \* the primary of view v (no reconfiguration here)
SuspectsMixedViews == (1 :> {1}) @@ (2 :> {0}) @@ (3 :> {0}) @@ (4 :> {2})

=============================================================================
