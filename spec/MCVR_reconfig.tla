---------------------------- MODULE MCVR_reconfig ----------------------------
(***************************************************************************)
(* The bounded model of reconfiguration (§7, VR.tla's ReceiveReconfiguration *)
(* and what follows it): the group {0, 1, 2} moves to {1, 2, 3}, dropping   *)
(* replica 0 and adding replica 3, which starts idle.  One client, the      *)
(* administrator, issues a request in epoch 0, then the RECONFIGURATION,    *)
(* then a request in epoch 1 (ReconfigOrder).  The bounds of MCVR.tla cut   *)
(* the rest (views, crashes, messages in flight).                           *)
(***************************************************************************)
EXTENDS MCVR

MCUniverse == 4
MCReconfigurations == {<<1, 2, 3>>}
MCAdminClients == {0}
\* For MCVR_bug_epoch-startepoch-commit.cfg: two administrators, who may ask for the same
\* configuration (as an operator retrying from a second console would).
MCTwoAdminClients == {0, 1}

\* The administrator's request 2 is the RECONFIGURATION, its requests 1 and 3 are operations:
\* one on each side of it.
ReconfigOrder ==
    \A c \in ClientId :
       clientRequestNumber[c] > 0 =>
          (clientRequest[c].op = "reconfiguration" <=> clientRequest[c].requestNumber = 2)

\* Views change in epoch 0 only (MaxView bounds them there): in epoch 1 every replica stays in
\* view 0. The simulation model (MCVR_reconfig_sim.cfg) has view changes in both epochs.
OldEpochViewsOnly == \A r \in Replica : epochNumber[r] > 0 => viewNumber[r] = 0

MCReconfigConstraint == MCConstraint /\ ReconfigOrder /\ OldEpochViewsOnly

\* For the simulation: view changes in every epoch.
MCReconfigSimConstraint == MCConstraint /\ ReconfigOrder

\* For bug models: the administrator's only request is the RECONFIGURATION (other clients issue
\* operations).
AdminFirst ==
    \A c \in AdminClients : clientRequestNumber[c] > 0 => clientRequest[c].op = "reconfiguration"
MCAdminFirstConstraint == MCConstraint /\ AdminFirst
\* For "epoch-startepoch-commit": both, and views change in epoch 0 only.
MCStartEpochCommitConstraint == MCAdminFirstConstraint /\ OldEpochViewsOnly

\* Per-type bounds (MCVR.tla's TypeBounds): one message each of the types a step needs only
\* one of; no crash, so no RECOVERY. The messages of reconfiguration count in MaxMsgs as
\* every other.
BoundsReconfig == [REPLY |-> 1, PREPAREOK |-> 1, GETSTATE |-> 1, NEWSTATE |-> 1,
                   DOVIEWCHANGE |-> 1, NEWEPOCH |-> 1, RECOVERY |-> 0, RECOVERYRESPONSE |-> 0]

\* For "epoch-startepoch-commit": also two STARTVIEWCHANGEs, a broadcast's worth (a replica
\* entering a view change on one sends its own once the other has arrived or been lost).
BoundsStartEpochCommit == [STARTVIEWCHANGE |-> 2] @@ BoundsReconfig

-----------------------------------------------------------------------------
(* Witnesses (issue 13): each configuration checks Witness<Situation> ==    *)
(* ~<Situation>; TLC reporting it violated shows the model reaches it.      *)

\* The reconfiguration completed: every replica of the new group is normal in epoch 1, and
\* replica 0, replaced, has shut down.
ReconfigurationCompleted ==
    /\ \A r \in {1, 2, 3} : status[r] = "normal" /\ epochNumber[r] = 1
    /\ status[0] = "shut-down"

\* A reconfiguration is under way: some replica holds the RECONFIGURATION at the top of its log
\* in epoch 0, or is transitioning.
ReconfigurationInProgress ==
    \E q \in Replica : TopIsReconfiguration(q) \/ status[q] = "transitioning"

\* A view change during the reconfiguration.
ViewChangeDuringReconfiguration ==
    /\ ReconfigurationInProgress
    /\ \E r \in Replica : status[r] = "view-change"

\* A replica crashed (it is recovering) during the reconfiguration.
CrashDuringReconfiguration ==
    /\ ReconfigurationInProgress
    /\ \E r \in Replica : status[r] = "recovering"

WitnessReconfigurationCompleted == ~ReconfigurationCompleted
WitnessCrashDuringReconfiguration == ~CrashDuringReconfiguration
WitnessViewChangeDuringReconfiguration == ~ViewChangeDuringReconfiguration

=============================================================================
