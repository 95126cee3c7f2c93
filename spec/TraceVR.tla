------------------------------ MODULE TraceVR ------------------------------
(***************************************************************************)
(* Trace validation: does a vrcheck NDJSON trace (traces/README.md) match  *)
(* a behaviour of VR.tla?  In the manner of etcd raft's and CCF's trace    *)
(* specs: the cursor l walks the trace's events; each step runs the VR.tla *)
(* action the event names, with the event's replica or client and message, *)
(* and then requires the spec's post-state to equal the logged one         *)
(* (view-number, status, op-number, commit-number, last-normal-view,       *)
(* nonce and the log rebuilt from logKeep/logAdd; or the client's view,    *)
(* request-number and pending flag) and the spec's network to have gained *)
(* exactly the logged sent messages (ids removed).                         *)
(*                                                                         *)
(* Values the trace logs but the spec chooses freely are taken from the    *)
(* trace: the nonce of a Crash, the op, key and value of a ClientRequest.  *)
(* Keys and values are any strings.  N, f, the clients and the bug         *)
(* switches come from the header (TraceVR.cfg substitutes them).           *)
(*                                                                         *)
(* The actions are deterministic, so TLC explores one state per line.  If  *)
(* a line does not match, no successor exists and TLC reports a deadlock   *)
(* (TraceVR.cfg checks deadlock); the cursor l of the last state printed   *)
(* is the index of the event that did not match, which is on line l+1 of   *)
(* the file.  After the last event the behaviour stutters, so a trace that *)
(* matches to its end is no deadlock.  TraceAccepted says the same as a    *)
(* POSTCONDITION for TLC versions that support it.                         *)
(***************************************************************************)
EXTENDS VR, Json, IOUtils

\* The trace: the file named by the environment variable VRCHECK_TRACE.  There
\* is no default file: without the variable, the error names it.
TraceFile ==
    IF "VRCHECK_TRACE" \in DOMAIN IOEnv /\ IOEnv.VRCHECK_TRACE # ""
    THEN IOEnv.VRCHECK_TRACE
    ELSE Assert(FALSE, "TraceVR: the environment variable VRCHECK_TRACE is not set; set it to the trace file, e.g. VRCHECK_TRACE=/tmp/t.ndjson")

TraceLines == ndJsonDeserialize(TraceFile)
TraceHeader == TraceLines[1]
TraceEvents == SubSeq(TraceLines, 2, Len(TraceLines))

\* The constants of VR.tla, from the header (see TraceVR.cfg).
TraceN == TraceHeader.replicas
TraceNumClients == TraceHeader.clients
TraceBugs == {TraceHeader.bugs[i] : i \in DOMAIN TraceHeader.bugs}
\* K of version 4's checkpoints (absent: none); TraceVR*.cfg override CheckpointEvery with it.
TraceCheckpointEvery ==
    IF "checkpointEvery" \in DOMAIN TraceHeader THEN TraceHeader.checkpointEvery ELSE 0

\* Version 5's reconfiguration (§7): the replica ids (the header's universe, absent: replicas),
\* the configurations the trace's administrators ask for, and those administrators (the
\* clients that take ClientReconfiguration); TraceVR*.cfg override Universe, Reconfigurations
\* and AdminClients with them.
TraceUniverse ==
    IF "universe" \in DOMAIN TraceHeader THEN TraceHeader.universe ELSE TraceHeader.replicas
TraceReconfigEvents ==
    {i \in DOMAIN TraceEvents : TraceEvents[i].action = "ClientReconfiguration"
                                /\ Len(TraceEvents[i].sent) > 0}
TraceReconfigurations == {TraceEvents[i].sent[1].config : i \in TraceReconfigEvents}
TraceAdminClients == {TraceEvents[i].client : i \in TraceReconfigEvents}

\* Version 7's reads under leases (§6.2): L and ρ (absent: no leases); TraceVR*.cfg override
\* Lease and Drift with them (ClockUnit is 1000: a trace's clocks are in thousandths of a tick).
TraceLeasing == "reads" \in DOMAIN TraceHeader /\ TraceHeader.reads = "lease"
TraceLease == IF TraceLeasing THEN TraceHeader.lease ELSE 0
TraceDrift == IF TraceLeasing THEN TraceHeader.drift ELSE 0

ASSUME TraceHeader.format = "vrcheck-trace"
\* Version 2 adds the resend actions; a version 1 trace is a version 2 trace without them.
\* Version 3 adds batching (SendPrepare, a PREPARE's log), which VR.tla does not model yet:
\* a version 3 trace without them is a version 2 trace.  Version 4 adds checkpoints
\* (TakeCheckpoint, the state's checkpoint, the messages' optional checkpoint).  Version 5 adds
\* reconfiguration (the header's universe, the actions and message types of §7, every
\* message's optional epoch, the states' epochNumber, config and oldConfig, the client's epoch).
\* Version 7 adds reads under leases: the header's reads "lease", lease and drift, every replica
\* state's clock, the clock of PREPARE, COMMIT and PREPAREOK (see "Reads under leases" below).
ASSUME TraceHeader.version \in {1, 2, 3, 4, 5, 7}
ASSUME TraceHeader.replicas = 2 * TraceHeader.f + 1

VARIABLE l   \* the index in TraceEvents of the next event to match
VARIABLE clockTick   \* r |-> the tick of r's latest clock reading (<<t>>; <<>> before its first)

traceVars == <<vars, l, clockTick>>

-----------------------------------------------------------------------------
(* Trace messages as VR.tla builds them: every field but the id.           *)

\* A message's checkpoint (version 4, optional) as VR.tla has it: NoCheckpoint if absent.
TraceCheckpoint(m) ==
    IF "checkpoint" \in DOMAIN m
    THEN [opNumber |-> m.checkpoint.opNumber,
          store |-> {m.checkpoint.store[i] : i \in DOMAIN m.checkpoint.store},
          table |-> {m.checkpoint.table[i] : i \in DOMAIN m.checkpoint.table}]
    ELSE NoCheckpoint

\* A message's epoch (version 5, optional: absent is 0).
TraceEpoch(m) == IF "epoch" \in DOMAIN m THEN m.epoch ELSE 0

TraceMsgOf(m) ==
    CASE m.type = "REQUEST" ->
            RequestMsg(m.from, m.to, [client |-> m.client, requestNumber |-> m.requestNumber,
                                      op |-> m.op, key |-> m.key, value |-> m.value])
      [] m.type = "PREPARE" ->
            PrepareMsg(m.from, m.to, m.view, m.opNumber, m.commitNumber, m.entry)
      [] m.type = "PREPAREOK" ->
            PrepareOkMsg(m.from, m.to, m.view, m.opNumber, m.replica)
      [] m.type = "REPLY" ->
            ReplyMsg(m.from, m.to, m.view, m.client, m.requestNumber, m.result)
      [] m.type = "COMMIT" ->
            CommitMsg(m.from, m.to, m.view, m.commitNumber)
      [] m.type = "STARTVIEWCHANGE" ->
            StartViewChangeMsg(m.from, m.to, m.view, m.replica)
      [] m.type = "DOVIEWCHANGE" ->
            DoViewChangeMsg(m.from, m.to, m.view, m.log, m.lastNormalView, m.opNumber,
                            m.commitNumber, m.replica, TraceCheckpoint(m))
      [] m.type = "STARTVIEW" ->
            StartViewMsg(m.from, m.to, m.view, m.log, m.opNumber, m.commitNumber,
                         TraceCheckpoint(m))
      [] m.type = "RECOVERY" ->
            RecoveryMsg(m.from, m.to, m.replica, m.nonce)
      [] m.type = "RECOVERYRESPONSE" ->
            RecoveryResponseMsg(m.from, m.to, m.view, m.nonce, m.log, m.opNumber,
                                m.commitNumber, m.replica, TraceCheckpoint(m))
      [] m.type = "GETSTATE" ->
            GetStateMsg(m.from, m.to, m.view, m.opNumber, m.replica)
      [] m.type = "NEWSTATE" ->
            NewStateMsg(m.from, m.to, m.view, m.fromOpNumber, m.log, m.opNumber,
                        m.commitNumber, m.replica, TraceCheckpoint(m))
      [] m.type = "RECONFIGURATION" ->
            ReconfigurationMsg(m.from, m.to, m.epoch, m.client, m.requestNumber, m.config)
      [] m.type = "STARTEPOCH" ->
            StartEpochMsgOf(m.from, m.to, m.epoch, m.opNumber, m.oldConfig, m.config)
      [] m.type = "EPOCHSTARTED" ->
            EpochStartedMsg(m.from, m.to, m.epoch, m.replica)
      [] m.type = "NEWEPOCH" ->
            NewEpochMsg(m.from, m.to, m.epoch, m.view, m.config)
      [] OTHER -> Assert(FALSE, <<"TraceVR: unknown message type", m>>)

\* The message as VR.tla builds it, with the trace's epoch.
TraceMsg(m) == LET x == [TraceMsgOf(m) EXCEPT !.epoch = TraceEpoch(m)]
               IN IF "clock" \in DOMAIN m THEN WithClock(x, m.clock) ELSE x

\* The messages event e sent, as a bag.
TraceSent(e) == SeqAsBag([i \in 1 .. Len(e.sent) |-> TraceMsg(e.sent[i])])

-----------------------------------------------------------------------------
(* Comparing the spec's step with the logged one.                          *)

\* Replica r's state after the step is the logged state s.  From version 4 the state has the
\* checkpoint's op-number, and the log after the step is the log before it up to logKeep,
\* the committed entries up to the checkpoint (if it is past logKeep), then logAdd.
MatchReplica(r, s) ==
    LET ck == IF "checkpoint" \in DOMAIN s THEN s.checkpoint ELSE 0
    IN /\ viewNumber'[r] = s.viewNumber
       /\ status'[r] = s.status
       /\ opNumber'[r] = s.opNumber
       /\ commitNumber'[r] = s.commitNumber
       /\ lastNormalView'[r] = s.lastNormalView
       /\ nonce'[r] = s.nonce
       /\ "clock" \in DOMAIN s => clock'[r] = s.clock
       /\ checkpoint'[r].opNumber = ck
       /\ "epochNumber" \in DOMAIN s => /\ epochNumber'[r] = s.epochNumber
                                         /\ config'[r] = s.config
                                         /\ oldConfig'[r] = s.oldConfig
       /\ s.logKeep <= Len(log[r])
       /\ log'[r] = IF ck <= s.logKeep THEN SubSeq(log[r], 1, s.logKeep) \o s.logAdd
                    ELSE SubSeq(log[r], 1, s.logKeep) \o Slice(ghostCommittedLog', s.logKeep + 1, ck)
                         \o s.logAdd

\* Client c's state after the step is the logged client state s.
MatchClient(c, s) ==
    /\ clientView'[c] = s.view
    /\ clientRequestNumber'[c] = s.requestNumber
    /\ clientPending'[c] = s.pending
    /\ "epoch" \in DOMAIN s => clientEpoch'[c] = s.epoch

\* The network lost the received bag rcv and gained exactly the messages e sent.
MatchNetwork(rcv, e) == msgs' = (msgs (-) rcv) (+) TraceSent(e)

-----------------------------------------------------------------------------
(* One step per kind of event.                                             *)

ReplicaReceiveStep(e) ==
    LET r == e.replica
        m == TraceMsg(e.msg)
    IN /\ \/ e.action = "ReceiveRequest" /\ ReceiveRequest(r, m)
          \/ e.action = "ReceiveRequest" /\ LeaseRead(r, m)
          \/ e.action = "ReceivePrepare" /\ ReceivePrepare(r, m)
          \/ e.action = "ReceivePrepareOk" /\ ReceivePrepareOk(r, m)
          \/ e.action = "ReceiveCommit" /\ ReceiveCommit(r, m)
          \/ e.action = "ReceiveStartViewChange" /\ ReceiveStartViewChange(r, m)
          \/ e.action = "ReceiveDoViewChange" /\ ReceiveDoViewChange(r, m)
          \/ e.action = "ReceiveStartView" /\ ReceiveStartView(r, m)
          \/ e.action = "ReceiveRecovery" /\ ReceiveRecovery(r, m)
          \/ e.action = "ReceiveRecoveryResponse" /\ ReceiveRecoveryResponse(r, m)
          \/ e.action = "ReceiveGetState" /\ ReceiveGetState(r, m)
          \/ e.action = "ReceiveNewState" /\ ReceiveNewState(r, m)
          \/ e.action = "ReceiveReconfiguration" /\ ReceiveReconfiguration(r, m)
          \/ e.action = "ReceiveStartEpoch" /\ ReceiveStartEpoch(r, m)
          \/ e.action = "ReceiveEpochStarted" /\ ReceiveEpochStarted(r, m)
       /\ MatchReplica(r, e.state)
       /\ MatchNetwork(Recv(m), e)

ReplicaTimerStep(e) ==
    LET r == e.replica
    IN /\ \/ e.action = "SendCommit" /\ SendCommit(r)
          \/ /\ e.action = "ResendPrepare"
             /\ Len(e.sent) > 0
             /\ ResendPrepare(r, e.sent[1].opNumber)
          \/ e.action = "TimeoutStartViewChange" /\ TimeoutStartViewChange(r)
          \/ e.action = "ResendStartViewChange" /\ ResendStartViewChange(r)
          \/ e.action = "ResendDoViewChange" /\ ResendDoViewChange(r)
          \/ /\ e.action = "ResendStartView"
             /\ Len(e.sent) = 1
             /\ ResendStartView(r, e.sent[1].to)
          \/ e.action = "StartRecovery" /\ StartRecovery(r)
          \/ e.action = "TakeCheckpoint" /\ TakeCheckpoint(r)
          \/ e.action = "Crash" /\ Crash(r, e.state.nonce)
          \/ e.action = "TimeoutStartEpoch" /\ TimeoutStartEpoch(r)
          \/ /\ e.action = "ResendStartEpoch"
             /\ Len(e.sent) = 1
             /\ ResendStartEpoch(r, e.sent[1].to)
       /\ MatchReplica(r, e.state)
       /\ MatchNetwork(NoRecv, e)

ClientStep(e) ==
    LET c == e.client
    IN /\ \/ /\ e.action = "ClientRequest"
             /\ Len(e.sent) = 1
             /\ ClientRequest(c, e.sent[1].op, e.sent[1].key, e.sent[1].value)
             /\ MatchNetwork(NoRecv, e)
          \/ /\ e.action = "ClientTimeout"
             /\ ClientTimeout(c)
             /\ MatchNetwork(NoRecv, e)
          \/ /\ e.action = "ClientReceiveReply"
             /\ ClientReceiveReply(c, TraceMsg(e.msg))
             /\ MatchNetwork(Recv(TraceMsg(e.msg)), e)
          \/ /\ e.action = "ClientReconfiguration"
             /\ Len(e.sent) = 1
             /\ ClientReconfiguration(c, e.sent[1].config)
             /\ MatchNetwork(NoRecv, e)
          \/ /\ e.action = "ClientReceiveNewEpoch"
             /\ ClientReceiveNewEpoch(c, TraceMsg(e.msg))
             /\ MatchNetwork(Recv(TraceMsg(e.msg)), e)
       /\ MatchClient(c, e.clientState)

NetworkStep(e) ==
    \/ e.action = "DropMessage" /\ DropMessage(TraceMsg(e.msg))
    \/ e.action = "DuplicateMessage" /\ DuplicateMessage(TraceMsg(e.msg))

-----------------------------------------------------------------------------

TraceInit ==
    /\ Init
    /\ l = 1
    /\ clockTick = [r \in Replica |-> <<>>]

-----------------------------------------------------------------------------
(* Reads under leases (version 7).  VR.tla's clocks advance with Tick; a   *)
(* trace gives each replica's reading only at its own events (and real     *)
(* time as the tick).  So before an event TraceVR takes a step of its own  *)
(* that sets now to the event's tick and, for a replica event, that        *)
(* replica's clock to the event's reading, checking ClockDriftBounded      *)
(* against the replica's reading before (a trace that breaks it has no     *)
(* such step: a deadlock at that event); the event's action then runs with *)
(* the clock it read.  (So a lease trace takes up to two states per line.) *)

\* Event e's replica state has a clock reading.
HasClock(e) == "state" \in DOMAIN e /\ "clock" \in DOMAIN e.state

\* Before event e, time or e's replica's clock must be set.
NeedsClock(e) == Leasing /\ (now # e.tick \/ (HasClock(e) /\ clock[e.replica] # e.state.clock))

TraceClock ==
    /\ l <= Len(TraceEvents)
    /\ LET e == TraceEvents[l]
       IN /\ NeedsClock(e)
          /\ e.tick >= now
          /\ now' = e.tick
          /\ IF HasClock(e)
             THEN LET r == e.replica
                      d == e.state.clock - clock[r]
                  IN /\ e.state.clock >= 1
                     /\ clockTick[r] # <<>> =>
                           /\ (ClockUnit - Drift) * (e.tick - clockTick[r][1]) <= d
                           /\ d <= (ClockUnit + Drift) * (e.tick - clockTick[r][1])
                     /\ clock' = [clock EXCEPT ![r] = e.state.clock]
                     /\ clockTick' = [clockTick EXCEPT ![r] = <<e.tick>>]
             ELSE UNCHANGED <<clock, clockTick>>
    /\ UNCHANGED <<promise, grant, viewStart, ghostGrantAt, ghostLeaseReplies, ghostLeaseStale,
                   ghostLeaseUncovered, replicaVars, stateGhosts, commitVars, bookVars, nonce,
                   usedNonces, clientVars, netVars, ackVars, l>>

TraceNext ==
    /\ l <= Len(TraceEvents)
    /\ ~NeedsClock(TraceEvents[l])
    /\ UNCHANGED clockTick
    /\ LET e == TraceEvents[l]
       IN \/ ReplicaReceiveStep(e)
          \/ ReplicaTimerStep(e)
          \/ ClientStep(e)
          \/ NetworkStep(e)
    /\ l' = l + 1

\* After the last event: stutter, so that only a line that does not match deadlocks.
TraceDone ==
    /\ l > Len(TraceEvents)
    /\ UNCHANGED traceVars

TraceSpec == TraceInit /\ [][TraceNext \/ TraceClock \/ TraceDone]_traceVars

\* The cursor reached the end of the trace (for a POSTCONDITION, TLC 1.8).
TraceAccepted ==
    LET d == TLCGet("stats").diameter
    IN IF d - 1 = Len(TraceEvents) THEN TRUE
       ELSE Print(<<"TraceVR: failed to match trace event", d, TraceEvents[d]>>, FALSE)

\* The temporal form of the same check, as in etcd raft's trace spec: whenever
\* the cursor is not past the end, TLC still has a state to explore.
TraceMatched ==
    [](l <= Len(TraceEvents) => [](TLCGet("queue") > 0 \/ l > Len(TraceEvents)))

=============================================================================
