-------------------------------- MODULE VR --------------------------------
(***************************************************************************)
(* Viewstamped Replication Revisited (Liskov and Cowling, 2012), at the    *)
(* granularity of the vrcheck Go implementation: one action per message    *)
(* handler or timer, named as in traces/README.md (the contract) and as    *)
(* the impl/vr Replica methods.  Normal operation, view change, recovery   *)
(* with nonces, and state transfer (the safe variant of the contract).     *)
(*                                                                         *)
(* The network is a bag of messages: messages can be lost (DropMessage),   *)
(* duplicated (DuplicateMessage) and delivered in any order.  Replica and  *)
(* client ids are integers: replicas 0..N-1, clients 0..NumClients-1, and  *)
(* the primary of view v is v % N, so replica ids are NOT symmetric.       *)
(*                                                                         *)
(* The client-table is not a variable: as in the contract it is derived    *)
(* from the log and the commit-number (ClientTableRequestNumber).  The     *)
(* service (a key-value store) is modelled by executed[r], the sequence of *)
(* log entries replica r has executed since it last crashed, in order:     *)
(* results are computed from it, so a replica that executes an entry      *)
(* twice (see the bug "commit-regress") gives wrong results, as the        *)
(* implementation's store would.                                           *)
(*                                                                         *)
(* Checkpoints and log compaction (§5.1-5.2), as impl/vr/checkpoint.go,   *)
(* when CheckpointEvery = K > 0 (0, the default, is none: every action is  *)
(* then as without them).  TakeCheckpoint (a timer) checkpoints the        *)
(* service state and client-table at the commit-number once it is K past  *)
(* the latest checkpoint, and the replica discards the log up to it: it    *)
(* holds entries checkpoint+1..op-number (Held).  log[r] stays the whole   *)
(* sequence 1..op-number, as the trace format gives it: its discarded part *)
(* is the committed log's (DiscardedEntriesCommitted), and no action of r  *)
(* reads it to build a message or a result.  DOVIEWCHANGE, STARTVIEW and   *)
(* RECOVERYRESPONSE carry the held log and the checkpoint; a NEWSTATE the  *)
(* checkpoint when the entries asked for are gone; a replica takes such a  *)
(* log by one rule, Adopt.  The service of a replica is then the          *)
(* checkpoint it was last restored from (restoredFrom) followed by the     *)
(* entries it executed since (executed).                                   *)
(*                                                                         *)
(* Reconfiguration (§7), as impl/vr/reconfig.go and traces/README.md      *)
(* ("Reconfiguration (version 5)"), when a model names configurations an  *)
(* administrator may ask for (Reconfigurations # {}; the defaults below   *)
(* leave every action as without it).  Replica ids are 0 .. Universe-1;   *)
(* the first configuration is 0 .. N-1 and the others start idle.  Each    *)
(* replica has an epoch-number, the configuration of its epoch (config),  *)
(* the one before (oldConfig) and the op-number of the RECONFIGURATION    *)
(* that started the epoch (epochStart); the primary of view v of an epoch *)
(* is config[v mod Len(config)], and views restart at 0 in each epoch.     *)
(* Every message carries its sender's epoch; every receive checks it      *)
(* first (Takes, EpochStop).  Executing a RECONFIGURATION (whatever step   *)
(* commits it: ExecuteReconfiguration) starts the next epoch.  The ghosts  *)
(* keyed by view are keyed by EV(epoch, view), which is the view in epoch  *)
(* 0, so that the models without reconfiguration have the same states.    *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets, Bags, TLC

CONSTANTS
    N,           \* the number of replicas, N = 2f+1; replica ids are 0..N-1
    NumClients,  \* the number of clients; client ids are 0..NumClients-1
    Keys,        \* keys clients use (model checking only; traces use any string)
    Values,      \* values clients write (model checking only)
    Ops,         \* operations clients issue, a subset of {"get", "put", "append"}
    Bugs         \* the protocol defects switched on (a set of strings, {} for none)

ASSUME N \in Nat /\ N % 2 = 1
ASSUME NumClients \in Nat
ASSUME Ops \subseteq {"get", "put", "append"}

\* K, the checkpoint interval: a replica may take a checkpoint once its commit-number is K past
\* its latest one (§5.1); 0 is no checkpoints.  A definition, not a CONSTANT, so that the
\* models without checkpoints need not name it: a model overrides it (CheckpointEvery <- ...).
CheckpointEvery == 0

\* Reconfiguration (§7): definitions, not CONSTANTS, so that the models without it need not
\* name them; a model overrides them (Universe <- ..., as CheckpointEvery).  Universe: the
\* number of replica ids; Reconfigurations: the configurations (increasing sequences of replica
\* ids) an administrator may ask for; AdminClients: the clients that may ask (administrators).
Universe == N
Reconfigurations == {}
AdminClients == {}
\* Whether reconfiguration is modelled at all: without it every action is as before §7.
Reconfiguring == Reconfigurations # {}

Replica == 0 .. (Universe - 1)
ClientId == 0 .. (NumClients - 1)
F == (N - 1) \div 2
\* The first configuration, 0 .. N-1 (epoch 0's).
FirstConfig == [i \in 1 .. N |-> i - 1]
Range(s) == {s[i] : i \in DOMAIN s}
\* The primary of view v of an epoch whose configuration is cf.
PrimaryIn(cf, v) == cf[(v % Len(cf)) + 1]
\* (Epoch, view) as one number, ordered as the pairs: epoch 0's is the view itself.
EV(e, v) == e * 1000000 + v

\* The bug switches, named exactly as the implementation's; "no-resend-startview" is the
\* spec's only (ResendStartView disabled: safe, but with message loss not live).
BugNames == {"dvc-largest-n-only", "dvc-mixed-views", "late-startview",
             "statetransfer-truncate", "commit-regress",
             "recovering-participates", "recovery-without-primary",
             "no-resend-startview", "checkpoint-uncommitted", "gc-no-checkpoint",
             "epoch-accept-after-reconfiguration", "epoch-shutdown-early",
             "lease-no-drift", "lease-ignore-promise", "backup-read-stale",
             "epoch-old-prepare", "epoch-startepoch-commit"}
Bug(b) == b \in Bugs

\* Reads under leases (§6.2), as impl/vr/lease.go: definitions, not CONSTANTS, so that the models
\* without leases need not name them (Lease = 0, the default, is none: every action is then as
\* without them).  Lease: L, in ticks; ClockUnit: the clock units of a tick (the trace's clocks
\* are in thousandths of a tick); Drift: ρ, the bound on every clock's drift, in clock units per
\* tick; ClockRates: how far a clock may advance in one tick.
Lease == 0
ClockUnit == 1000
Drift == 0
Leasing == Lease > 0
ClockRates == (ClockUnit - Drift) .. (ClockUnit + Drift)
LeaseUnits == Lease * ClockUnit
\* How long, on its own clock, a primary counts on a lease after the stamp a backup echoed:
\* L·(1-ρ)/(1+ρ) rounded down (a full L with the bug "lease-no-drift"), impl/vr's LeaseMargin.
LeaseMargin ==
    IF Bug("lease-no-drift") THEN LeaseUnits
    ELSE (LeaseUnits * (ClockUnit - Drift)) \div (ClockUnit + Drift)

VARIABLES
    \* Replica state, as in the paper.
    viewNumber,       \* view-number
    status,           \* "normal", "view-change" or "recovering"
    opNumber,         \* op-number
    log,              \* the log: a sequence of entries (client requests)
    commitNumber,     \* commit-number
    lastNormalView,   \* last-normal-view
    nonce,            \* the nonce of the current recovery (0 before the first crash)
    usedNonces,       \* the nonces each replica has used: a crash takes a fresh one
    executed,         \* the entries the replica executed since its last crash (or restore), in order
    checkpoint,       \* the latest checkpoint (NoCheckpoint: none): entries 1..its op-number are discarded
    restoredFrom,     \* the checkpoint the service was last restored from (NoCheckpoint: none)
    \* Reconfiguration (§7).
    epochNumber,      \* epoch-number
    config,           \* the configuration of its epoch: a sequence of replica ids, increasing
    oldConfig,        \* old-configuration: the epoch before's (<<>> in epoch 0)
    epochStart,       \* the op-number of the RECONFIGURATION that started its epoch (0 in epoch 0)
    \* Per-view bookkeeping (not logged in traces; rebuilt by replay).
    startViewChangeFrom,   \* replicas whose STARTVIEWCHANGE for the current view arrived
    doViewChangeMsgs,      \* DOVIEWCHANGEs recorded by a new primary (one per sender)
    prepareOkOpNumber,     \* per replica, the highest op-number it PREPAREOK'd in the view
    recoveryResponseMsgs,  \* RECOVERYRESPONSEs recorded while recovering (one per sender)
    epochStartedFrom,      \* a replaced replica: the new replicas whose EPOCHSTARTED arrived
    \* Clients.
    clientView,           \* the latest view the client knows of
    clientRequestNumber,  \* the number of its latest request
    clientPending,        \* whether that request is outstanding
    clientRequest,        \* that request (an entry), resent on ClientTimeout
    clientEpoch,          \* the latest epoch the client knows of
    clientConfig,         \* that epoch's configuration
    \* The network: a bag of messages in flight.
    msgs,
    \* Ghost (history) variables, for the invariants only.  They are kept
    \* incrementally (each step updates what it changes), so that checking the
    \* invariants costs the same at every step of a long trace (TraceVR).
    ghostCommittedLog,    \* the longest log prefix ever committed by any replica
    ghostCommittedIn,     \* view v |-> Len(ghostCommittedLog) after its last extension in v
    ghostCommittedReq,    \* <<c, s>> |-> its first op-number in the committed log, and the result
    ghostStore,           \* key |-> value: the service after executing ghostCommittedLog
    ghostCommittedTwice,  \* some request is at two op-numbers of the committed log
    ghostCommitAfterReconfig, \* a replica of epoch e first committed an op after e's RECONFIGURATION
    ghostLastExecuted,    \* r |-> c |-> the highest request-number of c r executed in this life
    ghostExecutedTwice,   \* r |-> r executed a request not above that, in this life
    ghostAckedIn,         \* view v |-> the highest op-number acknowledged by a REPLY of view v
    ghostAckUncommitted,  \* a client got the REPLY of a request not in the committed log
    ghostPrepared,        \* <<v, n>> |-> the entry of the first PREPARE of view v and op-number n
    ghostStartView,       \* v |-> the log of the first STARTVIEW of view v
    ghostViewStarts,      \* <<EV(e, v), nonce>>: a replica (in the life of that nonce) started view v of epoch e
    ghostEpochs,          \* <<e, config, oldConfig, start>> of every epoch a replica entered
    ghostUpToDate         \* <<e, r>>: r was up to date in epoch e (normal member, its start executed)

VARIABLES
    \* Reads under leases (§6.2): constant without them (Leasing).
    now,                  \* real time, in ticks (a trace's tick)
    clock,                \* r |-> its clock reading, in ClockUnit per tick
    promise,              \* r |-> the reading until which it starts and joins no view change
    grant,                \* r |-> j |-> the largest stamp backup j echoed to primary r in its view
    viewStart,            \* r |-> its op-number when it last became normal in a view
    ghostGrantAt,         \* j |-> [granted, view, tick] of backup j's latest grant (EV of the view)
    ghostLeaseReplies,    \* the REPLYs of lease reads (in no log)
    ghostLeaseStale,      \* a lease read returned other than the committed log's value
    ghostLeaseUncovered   \* a lease read was answered with fewer than f grants still running

leaseVars == <<now, clock, promise, grant, viewStart, ghostGrantAt, ghostLeaseReplies,
               ghostLeaseStale, ghostLeaseUncovered>>

epochVars == <<epochNumber, config, oldConfig, epochStart>>
replicaVars == <<viewNumber, status, opNumber, log, lastNormalView, epochVars>>
stateGhosts == <<ghostViewStarts, ghostEpochs, ghostUpToDate>>
ghostCommitVars == <<ghostCommittedLog, ghostCommittedIn, ghostCommittedReq, ghostStore,
                     ghostCommittedTwice, ghostCommitAfterReconfig>>
execVars == <<executed, ghostLastExecuted, ghostExecutedTwice>>
ckptVars == <<checkpoint, restoredFrom>>
commitVars == <<commitNumber, ckptVars, execVars, ghostCommitVars>>
bookVars == <<startViewChangeFrom, doViewChangeMsgs, prepareOkOpNumber, recoveryResponseMsgs,
              epochStartedFrom>>
clientVars == <<clientView, clientRequestNumber, clientPending, clientRequest, clientEpoch,
                clientConfig>>
serverVars == <<replicaVars, stateGhosts, commitVars, bookVars, nonce, usedNonces, leaseVars>>
ackVars == <<ghostAckedIn, ghostAckUncommitted>>
netVars == <<msgs, ghostPrepared, ghostStartView>>
vars == <<serverVars, clientVars, netVars, ackVars>>

\* The primary of view v of replica r's epoch; the other replicas of its configuration; its f.
\* (Without reconfiguration: v % N, the other replicas, F, as before §7.)
Primary(r, v) == IF Reconfiguring THEN PrimaryIn(config[r], v) ELSE v % N
Others(r) == IF Reconfiguring THEN Range(config[r]) \ {r} ELSE Replica \ {r}
FOf(r) == IF Reconfiguring THEN (Len(config[r]) - 1) \div 2 ELSE F
\* r is in the configuration of its epoch.
IsMember(r) == ~Reconfiguring \/ r \in Range(config[r])
\* The replicas r may ask for state: the others of its configuration and of the one before.
AskTargets(r) == IF Reconfiguring THEN (Range(config[r]) \cup Range(oldConfig[r])) \ {r} ELSE Others(r)

-----------------------------------------------------------------------------
(* Helpers on numbers and sequences.                                       *)

MaxNat(a, b) == IF a >= b THEN a ELSE b
MinNat(a, b) == IF a <= b THEN a ELSE b
MaxOf(S) == CHOOSE x \in S : \A y \in S : y <= x
MinOf(S) == CHOOSE x \in S : \A y \in S : x <= y

\* Entries lo..hi of s, clamped to s (empty if lo > hi); lo >= 1.
Slice(s, lo, hi) ==
    LET top == IF hi > Len(s) THEN Len(s) ELSE hi
    IN IF lo > top THEN <<>> ELSE SubSeq(s, lo, top)

EmptyFunction == [x \in {} |-> 0]

IsPrefixOf(p, s) == Len(p) <= Len(s) /\ SubSeq(s, 1, Len(p)) = p

\* s holds e at position i.
HasAt(s, i, e) == i >= 1 /\ i <= Len(s) /\ s[i] = e

\* The bag of the elements of sequence s (each counted as often as it occurs).
SeqAsBag(s) ==
    [x \in {s[i] : i \in DOMAIN s} |-> Cardinality({i \in DOMAIN s : s[i] = x})]

-----------------------------------------------------------------------------
(* Entries and the key-value service.  Every operation returns the key's   *)
(* value before it ("" if never written): get reads, put overwrites,       *)
(* append concatenates.                                                    *)

NoEntry(c) == [client |-> c, requestNumber |-> 0, op |-> "get", key |-> "", value |-> ""]

\* A configuration as a RECONFIGURATION entry's value: the ids joined by commas ("1,2,3").
RECURSIVE JoinIds(_, _)
JoinIds(cf, i) ==
    IF i > Len(cf) THEN "" ELSE (IF i > 1 THEN "," ELSE "") \o ToString(cf[i]) \o JoinIds(cf, i + 1)
ConfigString(cf) == JoinIds(cf, 1)

\* The entry of RECONFIGURATION <<c, s>> asking for configuration cf.
ReconfigurationEntry(c, s, cf) ==
    [client |-> c, requestNumber |-> s, op |-> "reconfiguration", key |-> "", value |-> ConfigString(cf)]

\* The configuration a RECONFIGURATION entry asks for (one of Reconfigurations).
ConfigOfEntry(e) == CHOOSE cf \in Reconfigurations : ConfigString(cf) = e.value

\* A checkpoint (§5.1), as the trace format gives it: the op-number it is at, the service
\* state after entries 1..opNumber (store: a set of [key, value], one per key ever written)
\* and the client-table (table: a set of [client, requestNumber, result], each client's latest
\* request among those entries with its result).  NoCheckpoint is none (the empty service).
NoCheckpoint == [opNumber |-> 0, store |-> {}, table |-> {}]

\* Key k's value in checkpoint b's store ("" if never written).
StoreValue(b, k) ==
    LET S == {x \in b.store : x.key = k} IN IF S = {} THEN "" ELSE (CHOOSE x \in S : TRUE).value

\* The value of key k after executing entries 1..i of ex in order, from the service
\* state of checkpoint b (scanning back from entry i to the latest put of k, so no
\* subsequence is built).
RECURSIVE ValueFrom(_, _, _, _)
ValueFrom(b, ex, i, k) ==
    IF i = 0 THEN StoreValue(b, k)
    ELSE IF ex[i].key # k THEN ValueFrom(b, ex, i - 1, k)
    ELSE CASE ex[i].op = "put" -> ex[i].value
           [] ex[i].op = "append" -> ValueFrom(b, ex, i - 1, k) \o ex[i].value
           [] OTHER -> ValueFrom(b, ex, i - 1, k)

\* The result of the p-th entry of the execution sequence ex, run from checkpoint b (a
\* RECONFIGURATION makes no up-call: "").
ExecResultFrom(b, ex, p) ==
    IF ex[p].op = "reconfiguration" THEN "" ELSE ValueFrom(b, ex, p - 1, ex[p].key)
ExecResult(ex, p) == ExecResultFrom(NoCheckpoint, ex, p)

\* The client-table, derived from the log: the position of the latest request
\* of client c in lg (0 if none), and its request-number (0 if none).
\* (A scan back from the end: linear, where the maximum of the set of positions is
\* quadratic in the log's length.)
RECURSIVE LatestFrom(_, _, _)
LatestFrom(lg, c, i) ==
    IF i = 0 THEN 0 ELSE IF lg[i].client = c THEN i ELSE LatestFrom(lg, c, i - 1)
LatestIndex(lg, c) == LatestFrom(lg, c, Len(lg))
ClientTableRequestNumber(lg, c) ==
    LET i == LatestIndex(lg, c) IN IF i = 0 THEN 0 ELSE lg[i].requestNumber

\* The result the service gave request <<c, s>> at replica r (its last execution; if it
\* was executed before the checkpoint the service was restored from, that checkpoint's
\* client-table row).
RECURSIVE LastExecution(_, _, _, _)
LastExecution(ex, c, s, p) ==
    IF p = 0 THEN 0
    ELSE IF ex[p].client = c /\ ex[p].requestNumber = s THEN p
    ELSE LastExecution(ex, c, s, p - 1)
StoredResult(r, c, s) ==
    LET ex == executed[r]
        b == restoredFrom[r]
        p == LastExecution(ex, c, s, Len(ex))
        row == {x \in b.table : x.client = c /\ x.requestNumber = s}
    IN IF p > 0 THEN ExecResultFrom(b, ex, p)
       ELSE IF row = {} THEN "" ELSE (CHOOSE x \in row : TRUE).result

\* The position of the latest entry of client c in ex (0 if none).
RECURSIVE LatestOf(_, _, _)
LatestOf(ex, c, p) == IF p = 0 THEN 0 ELSE IF ex[p].client = c THEN p ELSE LatestOf(ex, c, p - 1)

\* The checkpoint at op-number n of the service that ran entries ex from checkpoint b.
CheckpointOf(b, ex, n) ==
    LET keys == {x.key : x \in b.store} \cup {ex[i].key : i \in {j \in DOMAIN ex : ex[j].op # "get"}}
        clients == {x.client : x \in b.table} \cup {ex[i].client : i \in DOMAIN ex}
        Row(c) == LET p == LatestOf(ex, c, Len(ex))
                  IN IF p = 0 THEN CHOOSE x \in b.table : x.client = c
                     ELSE [client |-> c, requestNumber |-> ex[p].requestNumber,
                           result |-> ExecResultFrom(b, ex, p)]
    IN [opNumber |-> n,
        store |-> {[key |-> k, value |-> ValueFrom(b, ex, Len(ex), k)] : k \in keys},
        table |-> {Row(c) : c \in clients}]

-----------------------------------------------------------------------------
(* Messages: every field named as in traces/README.md, without the id.     *)

\* Every message carries its sender's epoch-number (the one before the step; a step that starts
\* an epoch stamps what it sends after that with the new one, [m EXCEPT !.epoch = ...]).
RequestMsg(from, to, e) ==
    [type |-> "REQUEST", from |-> from, to |-> to, epoch |-> clientEpoch[from], client |-> e.client,
     requestNumber |-> e.requestNumber, op |-> e.op, key |-> e.key, value |-> e.value]
PrepareMsg(from, to, v, n, k, e) ==
    [type |-> "PREPARE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     opNumber |-> n, commitNumber |-> k, entry |-> e]
PrepareOkMsg(from, to, v, n, i) ==
    [type |-> "PREPAREOK", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     opNumber |-> n, replica |-> i]
ReplyMsg(from, to, v, c, s, x) ==
    [type |-> "REPLY", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     client |-> c, requestNumber |-> s, result |-> x]
CommitMsg(from, to, v, k) ==
    [type |-> "COMMIT", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     commitNumber |-> k]
StartViewChangeMsg(from, to, v, i) ==
    [type |-> "STARTVIEWCHANGE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     replica |-> i]
\* A message that carries a log carries a checkpoint ck (NoCheckpoint: none, as in a trace
\* without the field) and, in log, the entries after it (and after fromOpNumber, in NEWSTATE).
DoViewChangeMsg(from, to, v, lg, vv, n, k, i, ck) ==
    [type |-> "DOVIEWCHANGE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v, log |-> lg,
     lastNormalView |-> vv, opNumber |-> n, commitNumber |-> k, replica |-> i, checkpoint |-> ck]
StartViewMsg(from, to, v, lg, n, k, ck) ==
    [type |-> "STARTVIEW", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v, log |-> lg,
     opNumber |-> n, commitNumber |-> k, checkpoint |-> ck]
RecoveryMsg(from, to, i, x) ==
    [type |-> "RECOVERY", from |-> from, to |-> to, epoch |-> epochNumber[from], replica |-> i,
     nonce |-> x]
RecoveryResponseMsg(from, to, v, x, lg, n, k, j, ck) ==
    [type |-> "RECOVERYRESPONSE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v, nonce |-> x,
     log |-> lg, opNumber |-> n, commitNumber |-> k, replica |-> j, checkpoint |-> ck]
GetStateMsg(from, to, v, n, i) ==
    [type |-> "GETSTATE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v,
     opNumber |-> n, replica |-> i]
NewStateMsg(from, to, v, n0, lg, n, k, i, ck) ==
    [type |-> "NEWSTATE", from |-> from, to |-> to, epoch |-> epochNumber[from], view |-> v, fromOpNumber |-> n0,
     log |-> lg, opNumber |-> n, commitNumber |-> k, replica |-> i, checkpoint |-> ck]

\* Reconfiguration (version 5): the four new types carry their epoch explicitly.
ReconfigurationMsg(from, to, ep, c, s, cf) ==
    [type |-> "RECONFIGURATION", from |-> from, to |-> to, epoch |-> ep, client |-> c,
     requestNumber |-> s, config |-> cf]
StartEpochMsgOf(from, to, ep, n, old, cf) ==
    [type |-> "STARTEPOCH", from |-> from, to |-> to, epoch |-> ep, opNumber |-> n,
     oldConfig |-> old, config |-> cf]
EpochStartedMsg(from, to, ep, i) ==
    [type |-> "EPOCHSTARTED", from |-> from, to |-> to, epoch |-> ep, replica |-> i]
NewEpochMsg(from, to, ep, v, cf) ==
    [type |-> "NEWEPOCH", from |-> from, to |-> to, epoch |-> ep, view |-> v, config |-> cf]
\* Replica r's STARTEPOCH of its own epoch.
StartEpochMsg(r, to) ==
    StartEpochMsgOf(r, to, epochNumber[r], epochStart[r], oldConfig[r], config[r])

\* The op-number after which a message's log starts (traces.Message.LogStart).
LogStart(m) ==
    MaxNat(IF m.type = "NEWSTATE" THEN m.fromOpNumber ELSE 0, m.checkpoint.opNumber)

EntryOf(m) == [client |-> m.client, requestNumber |-> m.requestNumber, op |-> m.op,
               key |-> m.key, value |-> m.value]

StartViewChangeBroadcast(r, v) == {StartViewChangeMsg(r, j, v, r) : j \in Others(r)}

-----------------------------------------------------------------------------
(* Reads under leases (§6.2; impl/vr/lease.go), when Leasing.  Every       *)
(* replica has a clock; Tick advances real time (now) by one tick and each  *)
(* clock by a rate within the drift bound.  The primary stamps each PREPARE *)
(* and COMMIT with its reading (clock); a normal backup of the message's    *)
(* view that takes one grants a lease: it echoes the stamp in a PREPAREOK   *)
(* (for a COMMIT, and a PREPARE that leaves a gap, one of its op-number)    *)
(* and promises to start and join no view change until its clock passes    *)
(* its reading + L.  The primary holds a lease until the f-th largest       *)
(* stamp echoed in its view + LeaseMargin on its own clock; while it does,  *)
(* and has committed the log it started its view with, it may answer a get *)
(* from its service state without the log (LeaseRead).  Transmit stamps     *)
(* what an action sends (LeaseSent); each replica action ends with          *)
(* LeaseStep, which keeps promises, grants and view starts.                 *)

\* A message with the field clock (PREPARE, COMMIT, PREPAREOK under leases) added.
WithClock(x, c) == [f \in DOMAIN x \cup {"clock"} |-> IF f = "clock" THEN c ELSE x[f]]
\* A message's stamp or echo (0: none, as in a trace without the field).
ClockOf(m) == IF "clock" \in DOMAIN m THEN m.clock ELSE 0
\* The message as the types of MessageT have it, without its clock.
Unstamped(m) == IF "clock" \in DOMAIN m THEN [f \in DOMAIN m \ {"clock"} |-> m[f]] ELSE m

\* Replica r, a normal backup of the view of PREPARE or COMMIT m, grants a lease by taking it.
Grants(r, m) ==
    /\ m.type \in {"PREPARE", "COMMIT"}
    /\ m.to = r
    /\ m.epoch = epochNumber[r]
    /\ status[r] = "normal"
    /\ m.view = viewNumber[r]
    /\ Primary(r, m.view) # r

\* The messages sent as S after receiving the bag rcv, under leases: a PREPARE or COMMIT
\* stamped with its sender's clock; a grant's PREPAREOK echoing the stamp received (one of the
\* op-number is sent if the action sends none: after a COMMIT, or a PREPARE leaving a gap).
LeaseSent(rcv, S) ==
    IF ~Leasing THEN S
    ELSE LET G == {m \in BagToSet(rcv) : Grants(m.to, m)}
             echo == IF G = {} THEN 0 ELSE ClockOf(CHOOSE m \in G : TRUE)
             acks == {PrepareOkMsg(m.to, Primary(m.to, m.view), m.view, opNumber[m.to], m.to) : m \in G}
             S1 == IF \E x \in S : x.type = "PREPAREOK" THEN S ELSE S \cup acks
         IN {CASE x.type \in {"PREPARE", "COMMIT"} -> WithClock(x, clock[x.from])
                 [] x.type = "PREPAREOK" /\ echo > 0 -> WithClock(x, echo)
                 [] OTHER -> x : x \in S1}

\* r's promise still runs: it starts no view change and ignores a later view's STARTVIEWCHANGE
\* and DOVIEWCHANGE (the bug "lease-ignore-promise" forgets it).
Promised(r) == Leasing /\ clock[r] < promise[r] /\ ~Bug("lease-ignore-promise")

NoGrant == [granted |-> FALSE, view |-> 0, tick |-> 0]
NoGrants == [j \in Replica |-> 0]

\* The lease variables after an action of replica r that received the messages M ({} or one):
\* a grant promises (r's reading + L) and is recorded (ghostGrantAt); a normal primary records
\* the stamp a PREPAREOK of its view echoes; a new view (or a crash) clears the records, and a
\* crash forgets the promise; becoming normal in a view records the op-number (viewStart).
LeaseStep(r, M) ==
    IF ~Leasing THEN UNCHANGED leaseVars
    ELSE LET granted == \E m \in M : Grants(r, m)
             oks == {m \in M : /\ m.type = "PREPAREOK" /\ m.epoch = epochNumber[r]
                               /\ status[r] = "normal" /\ Primary(r, viewNumber[r]) = r
                               /\ m.view = viewNumber[r]}
             crashed == nonce'[r] # nonce[r]
             fresh == crashed \/ viewNumber'[r] # viewNumber[r] \/ epochNumber'[r] # epochNumber[r]
             g0 == IF fresh THEN NoGrants ELSE grant[r]
             g1 == IF oks = {} THEN g0
                   ELSE LET m == CHOOSE x \in oks : TRUE
                        IN [g0 EXCEPT ![m.replica] = MaxNat(@, ClockOf(m))]
             starts == status'[r] = "normal" /\ (status[r] # "normal" \/ viewNumber'[r] # viewNumber[r])
         IN /\ promise' = [promise EXCEPT ![r] = IF crashed THEN 0
                                                ELSE IF granted THEN MaxNat(@, clock[r] + LeaseUnits)
                                                ELSE @]
            /\ grant' = [grant EXCEPT ![r] = g1]
            /\ viewStart' = [viewStart EXCEPT ![r] = IF starts THEN opNumber'[r] ELSE @]
            /\ ghostGrantAt' =
                  IF granted
                  THEN [ghostGrantAt EXCEPT ![r] = [granted |-> TRUE,
                                                    view |-> EV(epochNumber[r], viewNumber[r]),
                                                    tick |-> now]]
                  ELSE ghostGrantAt
            /\ UNCHANGED <<now, clock, ghostLeaseReplies, ghostLeaseStale, ghostLeaseUncovered>>

\* StartRecovery's: a restarted replica does not know what it promised, so it promises afresh.
LeaseRecover(r) ==
    IF ~Leasing THEN UNCHANGED leaseVars
    ELSE /\ promise' = [promise EXCEPT ![r] = MaxNat(@, clock[r] + LeaseUnits)]
         /\ UNCHANGED <<now, clock, grant, viewStart, ghostGrantAt, ghostLeaseReplies,
                        ghostLeaseStale, ghostLeaseUncovered>>

\* The clock reading until which primary r holds a lease (0: none): the f-th largest stamp
\* echoed by distinct backups in its view, plus LeaseMargin.
LeaseEnd(r) ==
    LET g == grant[r]
        top == {x \in {g[j] : j \in Others(r)} : Cardinality({j \in Others(r) : g[j] >= x}) >= FOf(r)}
        v == MaxOf({0} \cup top)
    IN IF v = 0 THEN 0 ELSE v + LeaseMargin

\* The backups whose latest grant is of r's view and, for any clocks within the drift bound,
\* still runs: granted at a tick t' with (1+ρ)(now - t') < L.
LeaseCover(r) ==
    Cardinality({j \in Others(r) :
                    /\ ghostGrantAt[j].granted
                    /\ ghostGrantAt[j].view = EV(epochNumber[r], viewNumber[r])
                    /\ (ClockUnit + Drift) * (now - ghostGrantAt[j].tick) < ClockUnit * Lease})

-----------------------------------------------------------------------------
(* Building blocks of the actions.                                         *)

\* m, of type t, is in flight to replica r.
Receivable(r, m, t) == m.type = t /\ m.to = r /\ r \in Replica /\ BagIn(m, msgs)

Recv(m) == SetToBag({m})
NoRecv == EmptyBag

\* The ghost of first PREPAREs after the messages S are sent: the entry of each
\* PREPARE whose <<view, op-number>> had none.
FirstPrepares(S) ==
    LET P == {m \in S : m.type = "PREPARE"}
        K == {<<EV(m.epoch, m.view), m.opNumber>> : m \in P} \ DOMAIN ghostPrepared
    IN IF K = {} THEN ghostPrepared
       ELSE [k \in K |-> (CHOOSE m \in P : <<EV(m.epoch, m.view), m.opNumber>> = k).entry]
            @@ ghostPrepared

\* The whole log a message's log stands for: with a checkpoint, the committed log up to it
\* (CheckpointMatchesCommittedLog says it is), then the entries the message carries.
WholeLog(m) ==
    IF m.checkpoint.opNumber = 0 THEN m.log
    ELSE Slice(ghostCommittedLog, 1, m.checkpoint.opNumber) \o m.log

\* The same for the first STARTVIEW of each view (its whole log).
FirstStartViews(S) ==
    LET P == {m \in S : m.type = "STARTVIEW"}
        K == {EV(m.epoch, m.view) : m \in P} \ DOMAIN ghostStartView
    IN IF K = {} THEN ghostStartView
       ELSE [k \in K |-> WholeLog(CHOOSE m \in P : EV(m.epoch, m.view) = k)] @@ ghostStartView

\* The network after an action that received the bag rcv and sent the set S.
Transmit(rcv, S) ==
    /\ msgs' = (msgs (-) rcv) (+) SetToBag(LeaseSent(rcv, S))
    /\ ghostPrepared' = FirstPrepares(S)
    /\ ghostStartView' = FirstStartViews(S)

ZeroOks == [j \in Replica |-> 0]

\* Replica r's state becomes the given one, in its epoch.  If r thereby becomes the
\* normal primary of view v, it starts view v (recorded for OnePrimaryPerView).
SetState(r, v, st, n, lg, lnv) ==
    /\ ghostViewStarts' =
          IF /\ st = "normal"
             /\ Primary(r, v) = r
             /\ ~(status[r] = "normal" /\ viewNumber[r] = v)
          THEN ghostViewStarts \cup {<<EV(epochNumber[r], v), nonce[r]>>}
          ELSE ghostViewStarts
    /\ viewNumber' = [viewNumber EXCEPT ![r] = v]
    /\ status' = [status EXCEPT ![r] = st]
    /\ opNumber' = [opNumber EXCEPT ![r] = n]
    /\ log' = [log EXCEPT ![r] = lg]
    /\ lastNormalView' = [lastNormalView EXCEPT ![r] = lnv]
    /\ UNCHANGED <<epochVars, ghostEpochs, ghostUpToDate>>

\* The same in epoch e with configuration cf (after old, starting at op-number start); up says
\* r is then up to date in e (a normal member that executed the epoch's start).
SetEpochState(r, e, cf, old, start, v, st, n, lg, lnv, up) ==
    /\ ghostViewStarts' =
          IF /\ st = "normal"
             /\ PrimaryIn(cf, v) = r
             /\ ~(status[r] = "normal" /\ viewNumber[r] = v /\ epochNumber[r] = e)
          THEN ghostViewStarts \cup {<<EV(e, v), nonce[r]>>}
          ELSE ghostViewStarts
    /\ viewNumber' = [viewNumber EXCEPT ![r] = v]
    /\ status' = [status EXCEPT ![r] = st]
    /\ opNumber' = [opNumber EXCEPT ![r] = n]
    /\ log' = [log EXCEPT ![r] = lg]
    /\ lastNormalView' = [lastNormalView EXCEPT ![r] = lnv]
    /\ epochNumber' = [epochNumber EXCEPT ![r] = e]
    /\ config' = [config EXCEPT ![r] = cf]
    /\ oldConfig' = [oldConfig EXCEPT ![r] = old]
    /\ epochStart' = [epochStart EXCEPT ![r] = start]
    /\ ghostEpochs' = ghostEpochs \cup {<<e, cf, old, start>>}
    /\ ghostUpToDate' = IF up THEN ghostUpToDate \cup {<<e, r>>} ELSE ghostUpToDate

SetBook(r, svc, dvc, po, rr) ==
    /\ startViewChangeFrom' = [startViewChangeFrom EXCEPT ![r] = svc]
    /\ doViewChangeMsgs' = [doViewChangeMsgs EXCEPT ![r] = dvc]
    /\ prepareOkOpNumber' = [prepareOkOpNumber EXCEPT ![r] = po]
    /\ recoveryResponseMsgs' = [recoveryResponseMsgs EXCEPT ![r] = rr]
    /\ UNCHANGED epochStartedFrom

\* Every per-view and per-epoch record cleared (a new epoch, impl/vr's enterEpoch).
ClearBook(r) ==
    /\ startViewChangeFrom' = [startViewChangeFrom EXCEPT ![r] = {}]
    /\ doViewChangeMsgs' = [doViewChangeMsgs EXCEPT ![r] = {}]
    /\ prepareOkOpNumber' = [prepareOkOpNumber EXCEPT ![r] = ZeroOks]
    /\ recoveryResponseMsgs' = [recoveryResponseMsgs EXCEPT ![r] = {}]
    /\ epochStartedFrom' = [epochStartedFrom EXCEPT ![r] = {}]

KeepState == UNCHANGED <<replicaVars, stateGhosts>>
KeepBook == UNCHANGED bookVars
KeepCommit == UNCHANGED commitVars
\* What no replica action except Crash changes.
ReplicaFrame == UNCHANGED <<nonce, usedNonces, clientVars, ackVars>>


\* The DOVIEWCHANGE record on entering a view: cleared, except with the bug
\* "dvc-mixed-views", where records from earlier views are kept.
EnteredDvcs(r) == IF Bug("dvc-mixed-views") THEN doViewChangeMsgs[r] ELSE {}

\* Record message m in set S, keeping one (the latest) per sender m.replica.
RecordFrom(S, m) == {x \in S : x.replica # m.replica} \cup {m}

\* The execution sequence of r after its commit-number goes from old to new
\* on log lg: entries old+1..new are executed (nothing if new <= old).
Executed(r, lg, old, new) ==
    IF new > old THEN executed[r] \o Slice(lg, old + 1, new) ELSE executed[r]

\* The ghost of executions after entries es: last maps each client to the
\* highest request-number executed, twice says one was executed not above it.
RECURSIVE ExecFold(_, _, _)
ExecFold(es, last, twice) ==
    IF es = <<>> THEN <<last, twice>>
    ELSE LET e == Head(es)
             ok == e.client \in DOMAIN last
         IN ExecFold(Tail(es),
                     IF ok THEN [last EXCEPT ![e.client] = MaxNat(@, e.requestNumber)] ELSE last,
                     twice \/ (ok /\ e.requestNumber <= last[e.client]))

NoneExecuted == [c \in ClientId |-> 0]

\* r executes entries es after those it has executed (fresh: from a clean service).
SetExecuted(r, es, fresh) ==
    LET g == IF fresh THEN ExecFold(es, NoneExecuted, FALSE)
             ELSE ExecFold(es, ghostLastExecuted[r], ghostExecutedTwice[r])
    IN /\ executed' = [executed EXCEPT ![r] = IF fresh THEN es ELSE @ \o es]
       /\ ghostLastExecuted' = [ghostLastExecuted EXCEPT ![r] = g[1]]
       /\ ghostExecutedTwice' = [ghostExecutedTwice EXCEPT ![r] = g[2]]

\* The committed-log ghosts after entries es are added at op-numbers pos, pos+1, ...
RECURSIVE CommitFold(_, _, _)
CommitFold(es, pos, g) ==
    IF es = <<>> THEN g
    ELSE LET e == Head(es)
             k == <<e.client, e.requestNumber>>
             before == IF e.key \in DOMAIN g.store THEN g.store[e.key] ELSE ""
             after == CASE e.op = "put" -> e.value
                        [] e.op = "append" -> before \o e.value
                        [] OTHER -> before
             seen == k \in DOMAIN g.req
         IN CommitFold(Tail(es), pos + 1,
                       [store |-> (e.key :> after) @@ g.store,
                        req |-> IF seen THEN g.req
                                ELSE (k :> [opNumber |-> pos, result |-> before]) @@ g.req,
                        twice |-> g.twice \/ seen])

\* Whether replica r, which began the step in epoch e, is the first to commit an op-number
\* up to top after epoch e's RECONFIGURATION (the start of epoch e+1, which this step may
\* have started: ghostEpochs' is set before).
CommitsAfterReconfiguration(r, top) ==
    \E x \in ghostEpochs' : x[1] = epochNumber[r] + 1 /\ top > MaxNat(Len(ghostCommittedLog), x[4])

\* Replica r, in its (epoch, view) after the step, commits prefix p of its log.  The committed
\* log only ever grows; a diverging p leaves it as it is (NoLogDivergence fails).
ExtendCommitted(r, p) ==
    LET n == Len(ghostCommittedLog)
    IN IF Len(p) > n /\ IsPrefixOf(ghostCommittedLog, p)
       THEN LET g == CommitFold(SubSeq(p, n + 1, Len(p)), n + 1,
                                [store |-> ghostStore, req |-> ghostCommittedReq,
                                 twice |-> ghostCommittedTwice])
            IN /\ ghostCommittedLog' = p
               /\ ghostCommittedIn' = (EV(epochNumber'[r], viewNumber'[r]) :> Len(p)) @@ ghostCommittedIn
               /\ ghostCommittedReq' = g.req
               /\ ghostStore' = g.store
               /\ ghostCommittedTwice' = g.twice
               /\ ghostCommitAfterReconfig' =
                     (ghostCommitAfterReconfig \/ (Reconfiguring /\ CommitsAfterReconfiguration(r, Len(p))))
       ELSE UNCHANGED ghostCommitVars

\* r's commit-number goes from old to new on log lg (lg is r's log after the
\* action, and viewNumber'[r] its view, which the caller has set).
SetCommit(r, lg, old, new) ==
    /\ commitNumber' = [commitNumber EXCEPT ![r] = new]
    /\ SetExecuted(r, IF new > old THEN Slice(lg, old + 1, new) ELSE <<>>, FALSE)
    /\ IF new > old THEN ExtendCommitted(r, Slice(lg, 1, new))
                    ELSE UNCHANGED ghostCommitVars
    /\ UNCHANGED ckptVars

\* r restores its service from checkpoint ck (its checkpoint after the action) and then
\* commits to k on log lg: commit-number MaxNat(ck's op-number, k), entries after ck's
\* op-number executed from ck's service state (no REPLY for the entries ck covers).
Restore(r, lg, ck, k) ==
    LET new == MaxNat(ck.opNumber, k)
        es == Slice(lg, ck.opNumber + 1, new)
        rows == [c \in ClientId |-> LET S == {x \in ck.table : x.client = c}
                                    IN IF S = {} THEN 0 ELSE (CHOOSE x \in S : TRUE).requestNumber]
        g == ExecFold(es, [c \in ClientId |-> MaxNat(ghostLastExecuted[r][c], rows[c])],
                      ghostExecutedTwice[r])
    IN /\ commitNumber' = [commitNumber EXCEPT ![r] = new]
       /\ checkpoint' = [checkpoint EXCEPT ![r] = ck]
       /\ restoredFrom' = [restoredFrom EXCEPT ![r] = ck]
       /\ executed' = [executed EXCEPT ![r] = es]
       /\ ghostLastExecuted' = [ghostLastExecuted EXCEPT ![r] = g[1]]
       /\ ghostExecutedTwice' = [ghostExecutedTwice EXCEPT ![r] = g[2]]
       /\ IF new > commitNumber[r] THEN ExtendCommitted(r, Slice(lg, 1, new))
                                  ELSE UNCHANGED ghostCommitVars

\* Whether "commit to k" restores r's checkpoint first: only when the commit-number is below
\* the checkpoint (bug "checkpoint-uncommitted"), as impl/vr's commitTo does.
RestoresFirst(r, k) == k > commitNumber[r] /\ commitNumber[r] < checkpoint[r].opNumber

\* "Commit to k": if k > commit-number, execute up to k.
CommitUpTo(r, lg, k) ==
    IF RestoresFirst(r, k) THEN Restore(r, lg, checkpoint[r], k)
    ELSE SetCommit(r, lg, commitNumber[r], MaxNat(commitNumber[r], k))

\* The REPLYs a primary of view v sends for the entries of ex past Len(oldEx), its
\* service run from checkpoint b.
Replies(r, v, b, oldEx, ex) ==
    {ReplyMsg(r, ex[p].client, v, ex[p].client, ex[p].requestNumber, ExecResultFrom(b, ex, p)) :
        p \in (Len(oldEx) + 1) .. Len(ex)}

\* The REPLYs of a primary of view v that commits to k on log lg (restoring checkpoint ck
\* first if restore).
CommitReplies(r, v, lg, k, restore, ck) ==
    IF restore THEN Replies(r, v, ck, <<>>, Slice(lg, ck.opNumber + 1, MaxNat(ck.opNumber, k)))
    ELSE Replies(r, v, restoredFrom[r], executed[r],
                 Executed(r, lg, commitNumber[r], MaxNat(commitNumber[r], k)))

-----------------------------------------------------------------------------
(* Checkpoints and log compaction (§5.1-5.2; impl/vr/checkpoint.go).       *)

\* The op-number of r's latest checkpoint: r holds entries Base(r)+1 .. op-number.
Base(r) == checkpoint[r].opNumber

\* The log r holds, as messages carry it: the entries after its checkpoint.
Held(r) == IF Base(r) = 0 THEN log[r] ELSE Slice(log[r], Base(r) + 1, Len(log[r]))

\* Replica r takes a log a message carries: checkpoint ck (NoCheckpoint: none) and the
\* entries after op-number start (impl/vr's adopt).  r keeps the later of its checkpoint and
\* ck, its own entries up to start (if start is past that checkpoint), and the message's
\* entries after both.  The result: the new log (the whole sequence, its part up to the
\* checkpoint the committed log's, as the trace format has it), the new checkpoint, and
\* whether r restores its service from it (ck is past r's commit-number).
Adopt(r, ck, start, entries) ==
    LET later == ck.opNumber > Base(r)
        nb == IF later THEN ck.opNumber ELSE Base(r)
        discarded == IF later THEN Slice(ghostCommittedLog, 1, nb) ELSE Slice(log[r], 1, nb)
        lg == IF start > nb THEN Slice(log[r], 1, start) \o entries
              ELSE discarded \o Slice(entries, nb - start + 1, Len(entries))
    IN [log |-> lg, checkpoint |-> IF later THEN ck ELSE checkpoint[r],
        restore |-> later /\ ck.opNumber > commitNumber[r]]

\* After r adopted a (on its log a.log) it commits to k.
AdoptCommit(r, a, k) ==
    IF a.restore THEN Restore(r, a.log, a.checkpoint, k)
    ELSE IF RestoresFirst(r, k) THEN Restore(r, a.log, checkpoint[r], k)
    ELSE LET old == commitNumber[r]
             new == MaxNat(old, k)
         IN /\ commitNumber' = [commitNumber EXCEPT ![r] = new]
            /\ SetExecuted(r, IF new > old THEN Slice(a.log, old + 1, new) ELSE <<>>, FALSE)
            /\ IF new > old THEN ExtendCommitted(r, Slice(a.log, 1, new))
                            ELSE UNCHANGED ghostCommitVars
            /\ checkpoint' = [checkpoint EXCEPT ![r] = a.checkpoint]
            /\ UNCHANGED restoredFrom

\* The commit-number after AdoptCommit(r, a, k).
AdoptedCommit(r, a, k) ==
    IF a.restore THEN MaxNat(a.checkpoint.opNumber, k) ELSE MaxNat(commitNumber[r], k)

\* Timer (impl/vr's TakeCheckpoint): a replica that is not recovering, with a commit-number
\* K or more past its latest checkpoint, checkpoints its service state at its commit-number
\* and discards the log up to it.  With "checkpoint-uncommitted" it checkpoints the state of
\* its whole log, the uncommitted entries executed (on a copy), at its op-number.
TakeCheckpoint(r) ==
    /\ CheckpointEvery > 0
    /\ status[r] # "recovering"
    /\ commitNumber[r] - Base(r) >= CheckpointEvery
    /\ LET k == commitNumber[r]
           spec == Bug("checkpoint-uncommitted") /\ opNumber[r] > k
           ck == IF spec
                 THEN CheckpointOf(restoredFrom[r], executed[r] \o Slice(log[r], k + 1, opNumber[r]),
                                   opNumber[r])
                 ELSE CheckpointOf(restoredFrom[r], executed[r], k)
       IN checkpoint' = [checkpoint EXCEPT ![r] = ck]
    /\ UNCHANGED <<replicaVars, stateGhosts, commitNumber, restoredFrom, execVars,
                   ghostCommitVars, bookVars, netVars>>
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* A message of type t is consumed without effect.
Ignore(r, m) ==
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(Recv(m), {})
    /\ ReplicaFrame

-----------------------------------------------------------------------------
(* Reconfiguration helpers (§7; impl/vr/reconfig.go).                      *)

\* The epoch check, first in every receive of a replica's message (impl/vr's sameEpoch): an
\* idle or shut-down replica takes none, and one of another epoch is not taken.
Takes(r, m) == m.epoch = epochNumber[r] /\ status[r] \notin {"idle", "shut-down"}

\* m is not taken: the sender of an earlier epoch is told of r's (STARTEPOCH), unless r is
\* recovering (or idle or shut down).
EpochStop(r, m) ==
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(Recv(m), IF m.epoch < epochNumber[r] /\ status[r] \notin {"idle", "shut-down", "recovering"}
                         THEN {StartEpochMsg(r, m.from)} ELSE {})
    /\ ReplicaFrame

\* A REQUEST or RECONFIGURATION of another epoch: one of an earlier epoch is answered with
\* NEWEPOCH (unless r is recovering), one of a later epoch ignored.
ClientEpochStop(r, m) ==
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(Recv(m), IF m.epoch < epochNumber[r] /\ status[r] # "recovering"
                         THEN {NewEpochMsg(r, m.client, epochNumber[r], viewNumber[r], config[r])}
                         ELSE {})
    /\ ReplicaFrame

\* The top of r's log is its epoch's RECONFIGURATION: as primary it accepts no more requests.
TopIsReconfiguration(r) ==
    /\ Reconfiguring
    /\ opNumber[r] > epochStart[r]
    /\ opNumber[r] > Base(r)
    /\ opNumber[r] <= Len(log[r])
    /\ log[r][opNumber[r]].op = "reconfiguration"

\* cf is a configuration r's primary accepts: at least 3 replicas of the universe, an odd
\* number, increasing, not the current one.
ValidConfig(r, cf) ==
    /\ Len(cf) >= 3
    /\ Len(cf) % 2 = 1
    /\ cf # config[r]
    /\ \A i \in DOMAIN cf : cf[i] \in Replica /\ (i > 1 => cf[i - 1] < cf[i])

\* The op-number of the first RECONFIGURATION after r's epoch's start that "commit to k" on
\* log lg executes (0 if none).
ReconfigAt(r, lg, k) ==
    IF ~Reconfiguring THEN 0
    ELSE LET S == {p \in (MaxNat(commitNumber[r], epochStart[r]) + 1) .. MinNat(k, Len(lg)) :
                      lg[p].op = "reconfiguration"}
         IN IF S = {} THEN 0 ELSE MinOf(S)

\* r, in view v of its epoch e, commits to k on log lg (the log after the step), which
\* executes the RECONFIGURATION at op-number p: no up-call, and epoch e+1 starts with start p.
\* out is what the step sent before (in epoch e); reply says r is the primary that commits it
\* (after its PREPAREOKs, or starting a view): it sends the REPLYs of the entries up to p, then
\* COMMIT <<v, p>> to the old group, STARTEPOCH to the replicas being added, and the REPLYs of
\* entries after p (in epoch e+1, view 0).  Then r is in view 0 of epoch e+1: a member of the
\* new configuration is normal (up to date) and sends EPOCHSTARTED to the replicas being
\* replaced; a replica being replaced is transitioning.  Every record is cleared.
ExecuteReconfiguration(r, p, lg, v, k, reply, rcv, out) ==
    LET e == epochNumber[r]
        cf == ConfigOfEntry(lg[p])
        old == config[r]
        new == MaxNat(commitNumber[r], k)
        member == r \in Range(cf)
        ex1 == Executed(r, lg, commitNumber[r], p)
        ex2 == Executed(r, lg, commitNumber[r], new)
        sent ==
            out
            \cup (IF reply
                  THEN Replies(r, v, restoredFrom[r], executed[r], ex1)
                       \cup {CommitMsg(r, j, v, p) : j \in Range(old) \ {r}}
                       \cup {StartEpochMsgOf(r, j, e + 1, p, old, cf) : j \in Range(cf) \ Range(old)}
                       \cup {[x EXCEPT !.epoch = e + 1] : x \in Replies(r, 0, restoredFrom[r], ex1, ex2)}
                  ELSE {})
            \cup (IF member THEN {EpochStartedMsg(r, j, e + 1, r) : j \in Range(old) \ Range(cf)}
                  ELSE {})
    IN /\ SetEpochState(r, e + 1, cf, old, p, 0, IF member THEN "normal" ELSE "transitioning",
                        Len(lg), lg, 0, member)
       /\ ClearBook(r)
       /\ SetCommit(r, lg, commitNumber[r], new)
       /\ Transmit(rcv, sent)
       /\ ReplicaFrame

-----------------------------------------------------------------------------
(* View change helpers.                                                    *)

\* The recorded DOVIEWCHANGEs that count toward the quorum for view v.
QuorumDvcs(dvc, v) == IF Bug("dvc-mixed-views") THEN dvc ELSE {x \in dvc : x.view = v}

\* a beats b in the new primary's choice of log: the largest last-normal-view,
\* then the largest op-number, then the lowest replica id.
DvcBeats(a, b) ==
    IF Bug("dvc-largest-n-only")
    THEN \/ a.opNumber > b.opNumber
         \/ a.opNumber = b.opNumber /\ a.replica < b.replica
    ELSE \/ a.lastNormalView > b.lastNormalView
         \/ /\ a.lastNormalView = b.lastNormalView
            /\ a.opNumber > b.opNumber
         \/ /\ a.lastNormalView = b.lastNormalView
            /\ a.opNumber = b.opNumber
            /\ a.replica < b.replica

BestDvc(ds) == CHOOSE a \in ds : \A b \in ds \ {a} : DvcBeats(a, b)

\* r, primary of view v with DOVIEWCHANGE record dvc (a quorum), starts view v.
StartNewView(r, v, dvc, rcv, out) ==
    LET ds == QuorumDvcs(dvc, v)
        best == BestDvc(ds)
        old == commitNumber[r]
        k == MaxOf({old} \cup {x.commitNumber : x \in ds})
        svs == {StartViewMsg(r, j, v, best.log, Len(best.log), k, NoCheckpoint) : j \in Others(r)}
        p == IF CheckpointEvery = 0 THEN ReconfigAt(r, best.log, k) ELSE 0
    IN IF p > 0
       THEN \* The RECONFIGURATION at the top of the log is committed: executing it starts the
            \* new epoch and sends the STARTEPOCHs (§7.3).
            ExecuteReconfiguration(r, p, best.log, v, k, TRUE, rcv, out \cup svs)
       ELSE IF CheckpointEvery = 0
       THEN LET newLog == best.log
                ex == Executed(r, newLog, old, k)
            IN /\ SetState(r, v, "normal", Len(newLog), newLog, v)
               /\ SetBook(r, {}, IF Bug("dvc-mixed-views") THEN dvc ELSE {}, ZeroOks,
                          recoveryResponseMsgs[r])
               /\ SetCommit(r, newLog, old, k)
               /\ Transmit(rcv, out \cup {StartViewMsg(r, j, v, newLog, Len(newLog), k, NoCheckpoint) :
                                               j \in Others(r)}
                                    \cup Replies(r, v, restoredFrom[r], executed[r], ex))
               /\ ReplicaFrame
       ELSE \* The chosen DOVIEWCHANGE's log is adopted; STARTVIEW carries the held log.
            LET a == Adopt(r, best.checkpoint, best.checkpoint.opNumber, best.log)
                newLog == a.log
                restore == a.restore \/ RestoresFirst(r, k)
                ck == a.checkpoint
                held == Slice(newLog, ck.opNumber + 1, Len(newLog))
            IN /\ SetState(r, v, "normal", Len(newLog), newLog, v)
               /\ SetBook(r, {}, IF Bug("dvc-mixed-views") THEN dvc ELSE {}, ZeroOks,
                          recoveryResponseMsgs[r])
               /\ AdoptCommit(r, a, k)
               /\ Transmit(rcv, out \cup {StartViewMsg(r, j, v, held, Len(newLog), k, ck) :
                                               j \in Others(r)}
                                    \cup CommitReplies(r, v, newLog, k, restore, ck))
               /\ ReplicaFrame

\* After a view change message: r is in view v with status st and bookkeeping
\* svc, dvc, po; recorded says a DOVIEWCHANGE was just recorded.  If r is the
\* primary of v in view-change with f+1 recorded, it starts view v.
ViewChangeStep(r, v, st, svc, dvc, po, recorded, rcv, out) ==
    IF /\ recorded
       /\ st = "view-change"
       /\ Primary(r, v) = r
       /\ Cardinality({x.replica : x \in QuorumDvcs(dvc, v)}) >= FOf(r) + 1
    THEN StartNewView(r, v, dvc, rcv, out)
    ELSE /\ SetState(r, v, st, opNumber[r], log[r], lastNormalView[r])
         /\ SetBook(r, svc, dvc, po, recoveryResponseMsgs[r])
         /\ KeepCommit
         /\ Transmit(rcv, out)
         /\ ReplicaFrame

\* r asks for the state of view v after op-number n, receiving the bag rcv.  The
\* paper leaves the destination open: any other replica (one normal in view v
\* with the entries answers, see ReceiveGetState).
AskState(r, v, n, rcv) == \E j \in AskTargets(r) : Transmit(rcv, {GetStateMsg(r, j, v, n, r)})

\* A transitioning replica takes no PREPARE or COMMIT; a new member asks for the state it
\* lacks when one of its view or later arrives.
TransitioningNews(r, m) ==
    IF r \in Range(config[r]) /\ m.view >= viewNumber[r]
    THEN /\ KeepState
         /\ KeepBook
         /\ KeepCommit
         /\ AskState(r, m.view, commitNumber[r], Recv(m))
         /\ ReplicaFrame
    ELSE Ignore(r, m)

\* A normal or view-change replica r learns of the later view m.view from a
\* PREPARE or COMMIT: it asks a replica of m.view for the state after its
\* commit-number, keeping view, status and log until NEWSTATE arrives.  With
\* "statetransfer-truncate" (the paper's variant) it first truncates its log to
\* its commit-number and moves to the new view with status normal.
LearnLaterView(r, m) ==
    LET k == commitNumber[r]
    IN IF Bug("statetransfer-truncate")
       THEN /\ SetState(r, m.view, "normal", k, Slice(log[r], 1, k), m.view)
            /\ SetBook(r, {}, EnteredDvcs(r), ZeroOks, recoveryResponseMsgs[r])
            /\ KeepCommit
            /\ AskState(r, m.view, k, Recv(m))
            /\ ReplicaFrame
       ELSE /\ KeepState
            /\ KeepBook
            /\ KeepCommit
            /\ AskState(r, m.view, k, Recv(m))
            /\ ReplicaFrame

-----------------------------------------------------------------------------
(* Normal operation.                                                       *)

ReceiveRequest(r, m) ==
    /\ Receivable(r, m, "REQUEST")
    /\ IF m.epoch # epochNumber[r] THEN ClientEpochStop(r, m) ELSE
       LET v == viewNumber[r]
           s == ClientTableRequestNumber(log[r], m.client)
           i == LatestIndex(log[r], m.client)
           e == EntryOf(m)
           isPrimary == status[r] = "normal" /\ Primary(r, v) = r
           \* With its epoch's RECONFIGURATION at the top of its log the primary takes no request.
           accepts == ~TopIsReconfiguration(r) \/ Bug("epoch-accept-after-reconfiguration")
       IN IF isPrimary /\ m.requestNumber > s /\ accepts
          THEN /\ SetState(r, v, "normal", opNumber[r] + 1, Append(log[r], e), lastNormalView[r])
               /\ KeepBook
               /\ KeepCommit
               /\ Transmit(Recv(m), {PrepareMsg(r, j, v, opNumber[r] + 1, commitNumber[r], e) :
                                        j \in Others(r)})
               /\ ReplicaFrame
          ELSE IF isPrimary /\ m.requestNumber = s /\ i > 0 /\ i <= commitNumber[r]
          THEN /\ KeepState
               /\ KeepBook
               /\ KeepCommit
               /\ Transmit(Recv(m), {ReplyMsg(r, m.client, v, m.client, s,
                                              StoredResult(r, m.client, s))})
               /\ ReplicaFrame
          ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* With "epoch-old-prepare", a normal or view-change replica takes a PREPARE of an earlier epoch.
TakesPrepare(r, m) ==
    \/ Takes(r, m)
    \/ /\ Bug("epoch-old-prepare")
       /\ m.epoch < epochNumber[r]
       /\ status[r] \notin {"idle", "shut-down", "recovering"}

ReceivePrepare(r, m) ==
    /\ Receivable(r, m, "PREPARE")
    /\ IF ~TakesPrepare(r, m) THEN EpochStop(r, m)
       ELSE IF status[r] = "transitioning" THEN TransitioningNews(r, m) ELSE
       LET v == viewNumber[r]
           n == opNumber[r]
       IN IF status[r] = "normal" /\ Primary(r, v) # r /\ m.view = v
          THEN IF m.opNumber = n + 1
               THEN LET lg == Append(log[r], m.entry)
                        ok == PrepareOkMsg(r, Primary(r, v), v, n + 1, r)
                        p == ReconfigAt(r, lg, MinNat(m.commitNumber, n + 1))
                    IN IF p > 0
                       THEN ExecuteReconfiguration(r, p, lg, v, MinNat(m.commitNumber, n + 1),
                                                   FALSE, Recv(m), {ok})
                       ELSE /\ SetState(r, v, "normal", n + 1, lg, lastNormalView[r])
                            /\ KeepBook
                            /\ CommitUpTo(r, lg, MinNat(m.commitNumber, n + 1))
                            /\ Transmit(Recv(m), {ok})
                            /\ ReplicaFrame
               ELSE LET p == ReconfigAt(r, log[r], MinNat(m.commitNumber, n))
                    IN IF p > 0
                       THEN IF m.opNumber <= n
                            THEN ExecuteReconfiguration(r, p, log[r], v, MinNat(m.commitNumber, n), FALSE,
                                                        Recv(m), {PrepareOkMsg(r, Primary(r, v), v, n, r)})
                            ELSE \E j \in AskTargets(r) :
                                    ExecuteReconfiguration(r, p, log[r], v, MinNat(m.commitNumber, n),
                                                           FALSE, Recv(m), {GetStateMsg(r, j, v, n, r)})
                       ELSE /\ KeepState
                            /\ KeepBook
                            /\ CommitUpTo(r, log[r], MinNat(m.commitNumber, n))
                            /\ IF m.opNumber <= n
                               THEN Transmit(Recv(m), {PrepareOkMsg(r, Primary(r, v), v, n, r)})
                               ELSE AskState(r, v, n, Recv(m))
                            /\ ReplicaFrame
          ELSE IF status[r] \in {"normal", "view-change"} /\ m.view > v
          THEN LearnLaterView(r, m)
          ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

ReceivePrepareOk(r, m) ==
    /\ Receivable(r, m, "PREPAREOK")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m) ELSE
       LET v == viewNumber[r]
       IN IF status[r] = "normal" /\ Primary(r, v) = r /\ m.view = v
          THEN LET po == [prepareOkOpNumber[r] EXCEPT ![m.replica] = MaxNat(@, m.opNumber)]
                   \* The largest n <= op-number that f backups have PREPAREOK'd: it is
                   \* 0, the op-number or some backup's (clamped) value, so only those
                   \* are candidates (linear in N, where 0 .. op-number grows with the log).
                   cand == {0, opNumber[r]} \cup {MinNat(po[j], opNumber[r]) : j \in Others(r)}
                   q == MaxOf({n \in cand : Cardinality({j \in Others(r) : po[j] >= n}) >= FOf(r)})
                   old == commitNumber[r]
                   k == MaxNat(old, q)
                   p == ReconfigAt(r, log[r], k)
               IN IF p > 0 THEN ExecuteReconfiguration(r, p, log[r], v, k, TRUE, Recv(m), {}) ELSE
                  /\ KeepState
                  /\ SetBook(r, startViewChangeFrom[r], doViewChangeMsgs[r], po,
                             recoveryResponseMsgs[r])
                  /\ CommitUpTo(r, log[r], k)
                  /\ Transmit(Recv(m), CommitReplies(r, v, log[r], k, RestoresFirst(r, k),
                                                      checkpoint[r]))
                  /\ ReplicaFrame
          ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* Timer: the primary tells the backups its commit-number.
SendCommit(r) ==
    /\ status[r] = "normal"
    /\ Primary(r, viewNumber[r]) = r
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {CommitMsg(r, j, viewNumber[r], commitNumber[r]) : j \in Others(r)})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* Timer: the primary resends the PREPARE of an uncommitted operation, op-number
\* n (the paper leaves open which: impl/vr resends the latest).
ResendPrepare(r, n) ==
    /\ status[r] = "normal"
    /\ Primary(r, viewNumber[r]) = r
    /\ n > commitNumber[r]
    /\ n > Base(r)
    /\ n <= opNumber[r]
    /\ n <= Len(log[r])
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {PrepareMsg(r, j, viewNumber[r], n, commitNumber[r], log[r][n]) :
                            j \in Others(r)})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

ReceiveCommit(r, m) ==
    /\ Receivable(r, m, "COMMIT")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF status[r] = "transitioning" THEN TransitioningNews(r, m) ELSE
       LET v == viewNumber[r]
           n == opNumber[r]
           p == ReconfigAt(r, log[r], MinNat(m.commitNumber, n))
       IN IF status[r] = "normal" /\ Primary(r, v) # r /\ m.view = v /\ p > 0
          THEN \* Executing the RECONFIGURATION moves r to the next epoch: it asks for nothing.
               ExecuteReconfiguration(r, p, log[r], v, MinNat(m.commitNumber, n), FALSE, Recv(m), {})
          ELSE IF status[r] = "normal" /\ Primary(r, v) # r /\ m.view = v
          THEN /\ KeepState
               /\ KeepBook
               /\ CommitUpTo(r, log[r], MinNat(m.commitNumber, n))
               /\ IF m.commitNumber > n
                  THEN AskState(r, v, n, Recv(m))
                  ELSE Transmit(Recv(m), {})
               /\ ReplicaFrame
          ELSE IF status[r] \in {"normal", "view-change"} /\ m.view > v
          THEN LearnLaterView(r, m)
          ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

-----------------------------------------------------------------------------
(* Reads under leases (§6.2): the lease read and the passage of time.      *)

\* Key k's value in replica r's service state.
ServiceValue(r, k) == ValueFrom(restoredFrom[r], executed[r], Len(executed[r]), k)
\* Key k's value after the whole committed log.
CommittedValue(k) == IF k \in DOMAIN ghostStore THEN ghostStore[k] ELSE ""

\* ReceiveRequest under a lease (impl/vr's leaseRead): the normal primary, holding a lease and
\* having committed the log it started its view with, answers a get whose request-number is
\* above its client-table's from its service state, appending nothing and sending no PREPARE.
\* It may also take the get through the log (ReceiveRequest).  The ghosts record the REPLY (in
\* no log: RepliesMatchService and Acknowledge leave it to LeaseReadNotStale), whether its
\* result is the committed log's, and whether f grants of the view still run.
LeaseRead(r, m) ==
    /\ Leasing
    /\ Receivable(r, m, "REQUEST")
    /\ m.epoch = epochNumber[r]
    /\ m.op = "get"
    /\ status[r] = "normal"
    /\ Primary(r, viewNumber[r]) = r
    /\ m.requestNumber > ClientTableRequestNumber(log[r], m.client)
    /\ commitNumber[r] >= viewStart[r]
    /\ clock[r] < LeaseEnd(r)
    /\ LET x == ServiceValue(r, m.key)
           rep == ReplyMsg(r, m.client, viewNumber[r], m.client, m.requestNumber, x)
       IN /\ KeepState
          /\ KeepBook
          /\ KeepCommit
          /\ Transmit(Recv(m), {rep})
          /\ ReplicaFrame
          /\ ghostLeaseReplies' = ghostLeaseReplies \cup {rep}
          /\ ghostLeaseStale' = (ghostLeaseStale \/ x # CommittedValue(m.key))
          /\ ghostLeaseUncovered' = (ghostLeaseUncovered \/ LeaseCover(r) < FOf(r))
          /\ UNCHANGED <<now, clock, promise, grant, viewStart, ghostGrantAt>>

\* One tick of real time: every clock advances by a rate within the drift bound.
Tick ==
    /\ Leasing
    /\ now' = now + 1
    /\ \E d \in [Replica -> ClockRates] : clock' = [r \in Replica |-> clock[r] + d[r]]
    /\ UNCHANGED <<promise, grant, viewStart, ghostGrantAt, ghostLeaseReplies, ghostLeaseStale,
                   ghostLeaseUncovered, replicaVars, stateGhosts, commitVars, bookVars, nonce,
                   usedNonces, clientVars, netVars, ackVars>>

-----------------------------------------------------------------------------
(* View change.                                                            *)

\* Timer: a backup that has not heard from its primary, or a replica whose view
\* change has not completed, starts a view change to the next view.
TimeoutStartViewChange(r) ==
    /\ \/ status[r] = "normal" /\ Primary(r, viewNumber[r]) # r
       \/ status[r] = "view-change"
    /\ ~Promised(r)
    /\ LET v == viewNumber[r] + 1
       IN /\ SetState(r, v, "view-change", opNumber[r], log[r], lastNormalView[r])
          /\ SetBook(r, {}, EnteredDvcs(r), ZeroOks, recoveryResponseMsgs[r])
          /\ KeepCommit
          /\ Transmit(NoRecv, StartViewChangeBroadcast(r, v))
          /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* Whether r takes part in view changes: not while recovering, except with the
\* bug "recovering-participates".
Participates(r) ==
    status[r] \in {"normal", "view-change"} \/ (status[r] = "recovering" /\ Bug("recovering-participates"))

ReceiveStartViewChange(r, m) ==
    /\ Receivable(r, m, "STARTVIEWCHANGE")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m) ELSE
       IF Promised(r) /\ m.view > viewNumber[r] THEN Ignore(r, m) ELSE
       LET enter == Participates(r) /\ m.view > viewNumber[r]
           v == IF enter THEN m.view ELSE viewNumber[r]
           st == IF enter THEN "view-change" ELSE status[r]
           svc0 == IF enter THEN {} ELSE startViewChangeFrom[r]
           dvc0 == IF enter THEN EnteredDvcs(r) ELSE doViewChangeMsgs[r]
           po == IF enter THEN ZeroOks ELSE prepareOkOpNumber[r]
           counts == Participates(r) /\ m.view = v /\ st = "view-change"
           svc1 == IF counts THEN svc0 \cup {m.replica} ELSE svc0
           reached == counts /\ Cardinality(svc0) < FOf(r) /\ Cardinality(svc1) = FOf(r)
           own == DoViewChangeMsg(r, Primary(r, v), v, Held(r), lastNormalView[r],
                                  opNumber[r], commitNumber[r], r, checkpoint[r])
           selfDvc == reached /\ Primary(r, v) = r
           dvc1 == IF selfDvc THEN RecordFrom(dvc0, own) ELSE dvc0
           out == (IF enter THEN StartViewChangeBroadcast(r, v) ELSE {})
                  \cup (IF reached /\ ~selfDvc THEN {own} ELSE {})
       IN ViewChangeStep(r, v, st, svc1, dvc1, po, selfDvc, Recv(m), out)
    /\ LeaseStep(r, {m})

ReceiveDoViewChange(r, m) ==
    /\ Receivable(r, m, "DOVIEWCHANGE")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m) ELSE
       IF Promised(r) /\ m.view > viewNumber[r] THEN Ignore(r, m) ELSE
       LET enter == Participates(r) /\ m.view > viewNumber[r]
           v == IF enter THEN m.view ELSE viewNumber[r]
           st == IF enter THEN "view-change" ELSE status[r]
           svc0 == IF enter THEN {} ELSE startViewChangeFrom[r]
           dvc0 == IF enter THEN EnteredDvcs(r) ELSE doViewChangeMsgs[r]
           po == IF enter THEN ZeroOks ELSE prepareOkOpNumber[r]
           accept == /\ Participates(r)
                     /\ st = "view-change"
                     /\ Primary(r, v) = r
                     /\ \/ m.view = v
                        \/ Bug("dvc-mixed-views") /\ m.view < v
           dvc1 == IF accept THEN RecordFrom(dvc0, m) ELSE dvc0
           out == IF enter THEN StartViewChangeBroadcast(r, v) ELSE {}
       IN ViewChangeStep(r, v, st, svc0, dvc1, po, accept, Recv(m), out)
    /\ LeaseStep(r, {m})

\* r, normal or in view-change, takes STARTVIEW m of its epoch.
AcceptsStartView(r, m) ==
    /\ status[r] \in {"normal", "view-change"}
    /\ \/ m.view > viewNumber[r]
       \/ m.view = viewNumber[r] /\ status[r] = "view-change"
       \/ m.view = viewNumber[r] /\ status[r] = "normal" /\ Bug("late-startview")

ReceiveStartView(r, m) ==
    /\ Receivable(r, m, "STARTVIEW")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF AcceptsStartView(r, m)
       THEN IF CheckpointEvery = 0
            THEN LET old == commitNumber[r]
                     regress == Bug("commit-regress") /\ m.commitNumber < old
                     k == IF regress THEN m.commitNumber ELSE MaxNat(old, m.commitNumber)
                     p == IF regress THEN 0 ELSE ReconfigAt(r, m.log, k)
                 IN IF p > 0
                    THEN \* Executing the RECONFIGURATION moves r to the next epoch: no PREPAREOK.
                         ExecuteReconfiguration(r, p, m.log, m.view, k, FALSE, Recv(m), {})
                    ELSE
                    /\ SetState(r, m.view, "normal", m.opNumber, m.log, m.view)
                    /\ SetBook(r, {}, EnteredDvcs(r), ZeroOks, recoveryResponseMsgs[r])
                    /\ IF regress
                       THEN \* As the implementation does, the service state is rolled back:
                            \* it becomes the execution of entries 1..k of the new log.
                            /\ commitNumber' = [commitNumber EXCEPT ![r] = k]
                            /\ SetExecuted(r, Slice(m.log, 1, k), TRUE)
                            /\ UNCHANGED <<ghostCommitVars, ckptVars>>
                       ELSE SetCommit(r, m.log, old, k)
                    /\ Transmit(Recv(m), IF m.opNumber > k
                                         THEN {PrepareOkMsg(r, Primary(r, m.view), m.view, m.opNumber, r)}
                                         ELSE {})
                    /\ ReplicaFrame
            ELSE \* With checkpoints the log is adopted (commit-regress is not modelled with them).
                 LET a == Adopt(r, m.checkpoint, LogStart(m), m.log)
                     n == Len(a.log)
                     k == AdoptedCommit(r, a, m.commitNumber)
                 IN /\ SetState(r, m.view, "normal", n, a.log, m.view)
                    /\ SetBook(r, {}, EnteredDvcs(r), ZeroOks, recoveryResponseMsgs[r])
                    /\ AdoptCommit(r, a, m.commitNumber)
                    /\ Transmit(Recv(m), IF n > k
                                         THEN {PrepareOkMsg(r, Primary(r, m.view), m.view, n, r)}
                                         ELSE {})
                    /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* Resends the paper allows (messages can be lost); impl/vr's timers choose when.

\* Timer: a replica in view-change announces its view again.
ResendStartViewChange(r) ==
    /\ status[r] = "view-change"
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, StartViewChangeBroadcast(r, viewNumber[r]))
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* Timer: a replica in view-change that has f STARTVIEWCHANGEs of its view (so it
\* sent its DOVIEWCHANGE) sends it again, with its current state, to the new primary.
ResendDoViewChange(r) ==
    /\ status[r] = "view-change"
    /\ Primary(r, viewNumber[r]) # r
    /\ Cardinality(startViewChangeFrom[r]) >= FOf(r)
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {DoViewChangeMsg(r, Primary(r, viewNumber[r]), viewNumber[r], Held(r),
                                         lastNormalView[r], opNumber[r], commitNumber[r], r,
                                         checkpoint[r])})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* Timer: the primary of a view it started by a view change (view > 0) sends
\* STARTVIEW again, with its current log and commit-number, to replica j: so a
\* replica in view-change that missed STARTVIEW (and ignores the view's PREPARE
\* and COMMIT) can still join the view.  Off with "no-resend-startview".
ResendStartView(r, j) ==
    /\ ~Bug("no-resend-startview")
    /\ status[r] = "normal"
    /\ Primary(r, viewNumber[r]) = r
    /\ viewNumber[r] > 0
    /\ j \in Others(r)
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {StartViewMsg(r, j, viewNumber[r], Held(r), opNumber[r],
                                      commitNumber[r], checkpoint[r])})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

-----------------------------------------------------------------------------
(* Recovery.                                                               *)

\* r loses all its state and takes the fresh nonce n.
Crash(r, n) ==
    /\ n # 0
    /\ n \notin usedNonces[r]
    \* The epoch is lost too: the replica asks the first configuration, which tells it of
    \* later epochs (ReceiveStartEpoch).
    /\ IF Reconfiguring
       THEN SetEpochState(r, 0, FirstConfig, <<>>, 0, 0, "recovering", 0, <<>>, 0, FALSE)
       ELSE SetState(r, 0, "recovering", 0, <<>>, 0)
    /\ ClearBook(r)
    /\ commitNumber' = [commitNumber EXCEPT ![r] = 0]
    /\ checkpoint' = [checkpoint EXCEPT ![r] = NoCheckpoint]
    /\ restoredFrom' = [restoredFrom EXCEPT ![r] = NoCheckpoint]
    /\ SetExecuted(r, <<>>, TRUE)
    /\ nonce' = [nonce EXCEPT ![r] = n]
    /\ usedNonces' = [usedNonces EXCEPT ![r] = @ \cup {n}]
    /\ UNCHANGED <<ghostCommitVars, clientVars, netVars, ackVars>>
    /\ LeaseStep(r, {})

\* Timer (also right after restart): a recovering replica asks the others.
StartRecovery(r) ==
    /\ status[r] = "recovering"
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {RecoveryMsg(r, j, r, nonce[r]) : j \in Others(r)})
    /\ ReplicaFrame
    /\ LeaseRecover(r)

ReceiveRecovery(r, m) ==
    /\ Receivable(r, m, "RECOVERY")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF \/ status[r] = "normal"
               \/ status[r] = "recovering" /\ Bug("recovering-participates")
       THEN LET v == viewNumber[r]
                isP == Primary(r, v) = r
            IN /\ KeepState
               /\ KeepBook
               /\ KeepCommit
               /\ Transmit(Recv(m), {RecoveryResponseMsg(r, m.replica, v, m.nonce,
                                        IF isP THEN Held(r) ELSE <<>>,
                                        IF isP THEN opNumber[r] ELSE 0,
                                        IF isP THEN commitNumber[r] ELSE 0, r,
                                        IF isP THEN checkpoint[r] ELSE NoCheckpoint)})
               /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

ReceiveRecoveryResponse(r, m) ==
    /\ Receivable(r, m, "RECOVERYRESPONSE")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF status[r] = "recovering" /\ m.nonce = nonce[r]
       THEN LET rr == RecordFrom(recoveryResponseMsgs[r], m)
                V == MaxOf({x.view : x \in rr})
                fromPrimary == {x \in rr : x.replica = Primary(r, V) /\ x.view = V}
                ofV == {x \in rr : x.view = V}
                \* With "recovery-without-primary", the response for view V from
                \* the lowest replica id stands in for the primary's.
                src == IF fromPrimary # {} THEN CHOOSE x \in fromPrimary : TRUE
                       ELSE CHOOSE x \in ofV : \A y \in ofV : x.replica <= y.replica
                \* A recovering replica outside its configuration waits for STARTEPOCH.
                done == /\ Cardinality({x.replica : x \in rr}) >= FOf(r) + 1
                        /\ IsMember(r)
                        /\ (fromPrimary # {} \/ Bug("recovery-without-primary"))
                a == Adopt(r, src.checkpoint, src.checkpoint.opNumber, src.log)
            IN IF done /\ CheckpointEvery = 0
               THEN /\ IF epochNumber[r] = 0
                       THEN SetState(r, V, "normal", src.opNumber, src.log, V)
                       ELSE \* Up to date in its epoch if the source had executed its start.
                            SetEpochState(r, epochNumber[r], config[r], oldConfig[r], epochStart[r],
                                          V, "normal", src.opNumber, src.log, V,
                                          src.commitNumber >= epochStart[r])
                    /\ SetBook(r, startViewChangeFrom[r], doViewChangeMsgs[r],
                               prepareOkOpNumber[r], {})
                    /\ CommitUpTo(r, src.log, src.commitNumber)
                    /\ Transmit(Recv(m), {})
                    /\ ReplicaFrame
               ELSE IF done
               THEN \* With checkpoints: the source's checkpoint and held log are adopted.
                    /\ SetState(r, V, "normal", Len(a.log), a.log, V)
                    /\ SetBook(r, startViewChangeFrom[r], doViewChangeMsgs[r],
                               prepareOkOpNumber[r], {})
                    /\ AdoptCommit(r, a, src.commitNumber)
                    /\ Transmit(Recv(m), {})
                    /\ ReplicaFrame
               ELSE /\ KeepState
                    /\ SetBook(r, startViewChangeFrom[r], doViewChangeMsgs[r],
                               prepareOkOpNumber[r], rr)
                    /\ KeepCommit
                    /\ Transmit(Recv(m), {})
                    /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

-----------------------------------------------------------------------------
(* State transfer (the safe variant: nothing that may be committed is      *)
(* dropped; see "Why state transfer does not truncate" in the contract).   *)

\* A GETSTATE of view 0 from a replica catching up on r's epoch when r is not normal in view
\* 0: r (of an epoch after 0, not recovering) that has executed the epoch's start sends the
\* entries up to it, as a NEWSTATE of view 0 (impl/vr's sendEpochState).
SendEpochState(r, m) ==
    LET k == epochStart[r]
    IN IF /\ m.view = 0
          /\ epochNumber[r] > 0
          /\ commitNumber[r] >= k
          /\ m.opNumber <= k
          /\ m.opNumber >= Base(r)
          /\ status[r] # "recovering"
          /\ m.replica \in Replica \ {r}
       THEN /\ KeepState
            /\ KeepBook
            /\ KeepCommit
            /\ Transmit(Recv(m), {NewStateMsg(r, m.replica, 0, m.opNumber,
                                              Slice(log[r], m.opNumber + 1, k), k, k, r, NoCheckpoint)})
            /\ ReplicaFrame
       ELSE Ignore(r, m)

ReceiveGetState(r, m) ==
    /\ Receivable(r, m, "GETSTATE")
    /\ IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF status[r] # "normal" \/ m.view # viewNumber[r] THEN SendEpochState(r, m)
       ELSE IF m.opNumber <= opNumber[r]
       THEN /\ KeepState
            /\ KeepBook
            /\ KeepCommit
            /\ Transmit(Recv(m),
                  IF m.opNumber >= Base(r)
                  THEN {NewStateMsg(r, m.replica, viewNumber[r], m.opNumber,
                                    Slice(log[r], m.opNumber + 1, opNumber[r]),
                                    opNumber[r], commitNumber[r], r, NoCheckpoint)}
                  ELSE IF Bug("gc-no-checkpoint")
                  THEN \* The entries asked for are gone: what is held, as if it followed them.
                       {NewStateMsg(r, m.replica, viewNumber[r], m.opNumber, Held(r),
                                    m.opNumber + Len(Held(r)), commitNumber[r], r, NoCheckpoint)}
                  ELSE \* The entries asked for are gone: the checkpoint, then the entries after it.
                       {NewStateMsg(r, m.replica, viewNumber[r], m.opNumber, Held(r),
                                    opNumber[r], commitNumber[r], r, checkpoint[r])})
            /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* A replica of the old group (normal or in view-change) takes a NEWSTATE of the next epoch
\* that answers its GETSTATE (ReceiveStartEpoch): entries after its commit-number or before,
\* committed up to a RECONFIGURATION after its epoch's start.  It keeps its first
\* fromOpNumber entries, takes the rest and commits to the message's commit-number, which
\* executes the RECONFIGURATION and starts the epoch (impl/vr's receiveEpochState).
ReceiveEpochState(r, m) ==
    LET from == m.fromOpNumber
        lg == Slice(log[r], 1, from) \o m.log
        p == ReconfigAt(r, lg, m.commitNumber)
    IN IF /\ from <= commitNumber[r]
          /\ m.commitNumber > commitNumber[r]
          /\ m.commitNumber <= m.opNumber
          /\ m.checkpoint.opNumber = 0
          /\ Len(m.log) = m.opNumber - from
          /\ p > 0
       THEN ExecuteReconfiguration(r, p, lg, viewNumber[r], m.commitNumber, FALSE, Recv(m), {})
       ELSE Ignore(r, m)

\* A transitioning new replica takes a NEWSTATE of its epoch that brings it up to date (entries
\* and commit-number at least the epoch's start, after its committed prefix): normal in the
\* message's view, it sends EPOCHSTARTED to the replicas being replaced (impl/vr's catchUp).
CatchUp(r, m) ==
    LET k == epochStart[r]
        from == m.fromOpNumber
        lg == Slice(log[r], 1, from) \o m.log
    IN IF /\ r \in Range(config[r])
          /\ from <= commitNumber[r]
          /\ m.view >= viewNumber[r]
          /\ m.opNumber >= k
          /\ m.commitNumber >= k
          /\ Len(m.log) = m.opNumber - from
       THEN /\ SetEpochState(r, epochNumber[r], config[r], oldConfig[r], k, m.view, "normal",
                            Len(lg), lg, m.view, TRUE)
            /\ IF m.view # viewNumber[r]
               THEN SetBook(r, startViewChangeFrom[r], doViewChangeMsgs[r], ZeroOks,
                            recoveryResponseMsgs[r])
               ELSE KeepBook
            /\ SetCommit(r, lg, commitNumber[r], MaxNat(commitNumber[r], m.commitNumber))
            /\ Transmit(Recv(m), {EpochStartedMsg(r, j, epochNumber[r], r) :
                                     j \in Range(oldConfig[r]) \ Range(config[r])})
            /\ ReplicaFrame
       ELSE Ignore(r, m)

\* r (normal, in view-change or recovering) takes NEWSTATE m of its epoch.
AcceptsNewState(r, m) ==
    /\ status[r] # "recovering"
    /\ m.fromOpNumber <= opNumber[r]
    /\ \/ /\ m.view = viewNumber[r]
          /\ status[r] = "normal"
          /\ m.opNumber > opNumber[r]
       \/ /\ m.view > viewNumber[r]
          /\ m.fromOpNumber <= commitNumber[r]

ReceiveNewState(r, m) ==
    /\ Receivable(r, m, "NEWSTATE")
    /\ IF m.epoch = epochNumber[r] + 1 /\ status[r] \in {"normal", "view-change"}
       THEN ReceiveEpochState(r, m)
       ELSE IF ~Takes(r, m) THEN EpochStop(r, m)
       ELSE IF status[r] = "transitioning"
       THEN IF m.fromOpNumber <= opNumber[r] THEN CatchUp(r, m) ELSE Ignore(r, m)
       ELSE IF AcceptsNewState(r, m)
       THEN LET lg == Slice(log[r], 1, m.fromOpNumber) \o m.log
                a == Adopt(r, m.checkpoint, LogStart(m), m.log)
            IN /\ IF CheckpointEvery = 0
                  THEN /\ SetState(r, m.view, "normal", m.opNumber, lg, m.view)
                       /\ CommitUpTo(r, lg, m.commitNumber)
                  ELSE \* With checkpoints: keep the entries up to fromOpNumber, or take the
                       \* checkpoint the message carries.
                       /\ SetState(r, m.view, "normal", Len(a.log), a.log, m.view)
                       /\ AdoptCommit(r, a, m.commitNumber)
               /\ IF m.view > viewNumber[r]
                  THEN SetBook(r, {}, EnteredDvcs(r), ZeroOks, recoveryResponseMsgs[r])
                  ELSE KeepBook
               /\ Transmit(Recv(m), {})
               /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

-----------------------------------------------------------------------------
(* Clients: at most one outstanding request each.                          *)

\* Client c receives the REPLY m it waits for: the request is acknowledged in
\* view m.view at its op-number in the committed log (if it is not there, that
\* is recorded: AcknowledgedWriteNotLost fails).
Acknowledge(m) ==
    IF m \in ghostLeaseReplies THEN UNCHANGED ackVars ELSE
    LET k == <<m.client, m.requestNumber>>
    IN IF k \in DOMAIN ghostCommittedReq
       THEN LET n == ghostCommittedReq[k].opNumber
                w == EV(m.epoch, m.view)
            IN /\ ghostAckedIn' = (w :> IF w \in DOMAIN ghostAckedIn
                                        THEN MaxNat(ghostAckedIn[w], n) ELSE n)
                                  @@ ghostAckedIn
               /\ UNCHANGED ghostAckUncommitted
       ELSE /\ ghostAckUncommitted' = TRUE
            /\ UNCHANGED ghostAckedIn

\* The primary of the view client c knows, in the configuration of its epoch.
ClientPrimary(c) ==
    IF Reconfiguring THEN PrimaryIn(clientConfig[c], clientView[c]) ELSE clientView[c] % N

ClientRequest(c, op, k, x) ==
    /\ ~clientPending[c]
    /\ LET e == [client |-> c, requestNumber |-> clientRequestNumber[c] + 1,
                 op |-> op, key |-> k, value |-> x]
       IN /\ clientRequestNumber' = [clientRequestNumber EXCEPT ![c] = e.requestNumber]
          /\ clientPending' = [clientPending EXCEPT ![c] = TRUE]
          /\ clientRequest' = [clientRequest EXCEPT ![c] = e]
          /\ Transmit(NoRecv, {RequestMsg(c, ClientPrimary(c), e)})
    /\ UNCHANGED <<clientView, clientEpoch, clientConfig, serverVars, ackVars>>

\* The administrator (a client of AdminClients) asks for configuration cf: as ClientRequest,
\* a RECONFIGURATION to the primary of the epoch it knows.
ClientReconfiguration(c, cf) ==
    /\ ~clientPending[c]
    /\ LET s == clientRequestNumber[c] + 1
       IN /\ clientRequestNumber' = [clientRequestNumber EXCEPT ![c] = s]
          /\ clientPending' = [clientPending EXCEPT ![c] = TRUE]
          /\ clientRequest' = [clientRequest EXCEPT ![c] = ReconfigurationEntry(c, s, cf)]
          /\ Transmit(NoRecv, {ReconfigurationMsg(c, ClientPrimary(c), clientEpoch[c], c, s, cf)})
    /\ UNCHANGED <<clientView, clientEpoch, clientConfig, serverVars, ackVars>>

\* The message that sends client c's outstanding request to replica j.
ClientRequestMsg(c, j) ==
    IF clientRequest[c].op = "reconfiguration"
    THEN ReconfigurationMsg(c, j, clientEpoch[c], c, clientRequest[c].requestNumber,
                            ConfigOfEntry(clientRequest[c]))
    ELSE RequestMsg(c, j, clientRequest[c])

\* The replicas of the configuration client c knows.
ClientReplicas(c) == IF Reconfiguring THEN Range(clientConfig[c]) ELSE Replica

ClientTimeout(c) ==
    /\ clientPending[c]
    /\ Transmit(NoRecv, {ClientRequestMsg(c, j) : j \in ClientReplicas(c)})
    /\ UNCHANGED <<clientVars, serverVars, ackVars>>

ClientReceiveReply(c, m) ==
    /\ m.type = "REPLY"
    /\ m.to = c
    /\ c \in ClientId
    /\ BagIn(m, msgs)
    /\ IF clientPending[c] /\ m.requestNumber = clientRequestNumber[c]
       THEN /\ clientPending' = [clientPending EXCEPT ![c] = FALSE]
            /\ IF clientRequest[c].op = "reconfiguration" /\ m.epoch = clientEpoch[c]
               THEN \* The REPLY is the commit of its epoch's RECONFIGURATION: the administrator
                    \* knows the next epoch's configuration (it chose it) and goes there.
                    /\ clientEpoch' = [clientEpoch EXCEPT ![c] = @ + 1]
                    /\ clientView' = [clientView EXCEPT ![c] = 0]
                    /\ clientConfig' = [clientConfig EXCEPT ![c] = ConfigOfEntry(clientRequest[c])]
               ELSE /\ clientView' = IF m.epoch = clientEpoch[c]
                                     THEN [clientView EXCEPT ![c] = MaxNat(@, m.view)]
                                     ELSE clientView
                    /\ UNCHANGED <<clientEpoch, clientConfig>>
            /\ Acknowledge(m)
            /\ UNCHANGED <<clientRequestNumber, clientRequest>>
       ELSE UNCHANGED <<clientVars, ackVars>>
    /\ Transmit(Recv(m), {})
    /\ UNCHANGED serverVars

\* Client c takes NEWEPOCH m from a replica of a later epoch: it moves to the epoch's view and
\* configuration and sends its outstanding REQUEST there, with the new epoch; an outstanding
\* RECONFIGURATION is over (the group has moved on; it is no operation of the history).
ClientReceiveNewEpoch(c, m) ==
    /\ m.type = "NEWEPOCH"
    /\ m.to = c
    /\ c \in ClientId
    /\ BagIn(m, msgs)
    /\ IF m.epoch > clientEpoch[c] /\ Len(m.config) > 0
       THEN /\ clientEpoch' = [clientEpoch EXCEPT ![c] = m.epoch]
            /\ clientView' = [clientView EXCEPT ![c] = m.view]
            /\ clientConfig' = [clientConfig EXCEPT ![c] = m.config]
            /\ IF clientPending[c] /\ clientRequest[c].op = "reconfiguration"
               THEN /\ clientPending' = [clientPending EXCEPT ![c] = FALSE]
                    /\ Transmit(Recv(m), {})
               ELSE /\ UNCHANGED clientPending
                    /\ Transmit(Recv(m), IF clientPending[c]
                                         THEN {[RequestMsg(c, PrimaryIn(m.config, m.view), clientRequest[c])
                                                  EXCEPT !.epoch = m.epoch]}
                                         ELSE {})
            /\ UNCHANGED <<clientRequestNumber, clientRequest>>
       ELSE /\ UNCHANGED clientVars
            /\ Transmit(Recv(m), {})
    /\ UNCHANGED <<serverVars, ackVars>>

-----------------------------------------------------------------------------
(* Reconfiguration (§7; impl/vr/reconfig.go).                              *)

\* The normal primary of the request's epoch appends a new RECONFIGURATION with a valid
\* configuration (unless one is at the top of its log) and sends its PREPARE; the latest
\* executed one of its client is answered again; a replica of a later epoch answers NEWEPOCH.
ReceiveReconfiguration(r, m) ==
    /\ Receivable(r, m, "RECONFIGURATION")
    /\ IF m.epoch # epochNumber[r] THEN ClientEpochStop(r, m) ELSE
       LET v == viewNumber[r]
           s == ClientTableRequestNumber(log[r], m.client)
           i == LatestIndex(log[r], m.client)
           e == ReconfigurationEntry(m.client, m.requestNumber, m.config)
           isPrimary == status[r] = "normal" /\ Primary(r, v) = r
       IN IF isPrimary /\ m.requestNumber > s /\ ~TopIsReconfiguration(r) /\ ValidConfig(r, m.config)
          THEN /\ SetState(r, v, "normal", opNumber[r] + 1, Append(log[r], e), lastNormalView[r])
               /\ KeepBook
               /\ KeepCommit
               /\ Transmit(Recv(m), {PrepareMsg(r, j, v, opNumber[r] + 1, commitNumber[r], e) :
                                        j \in Others(r)})
               /\ ReplicaFrame
          ELSE IF isPrimary /\ m.requestNumber = s /\ i > 0 /\ i <= commitNumber[r]
          THEN /\ KeepState
               /\ KeepBook
               /\ KeepCommit
               /\ Transmit(Recv(m), {ReplyMsg(r, m.client, v, m.client, s,
                                              StoredResult(r, m.client, s))})
               /\ ReplicaFrame
          ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* r (normal or in view-change) of the epoch before STARTEPOCH m's holds m's RECONFIGURATION at
\* m's op-number, after its epoch's start (for the bug "epoch-startepoch-commit").
HoldsReconfiguration(r, m) ==
    /\ status[r] \in {"normal", "view-change"}
    /\ m.opNumber > epochStart[r]
    /\ m.opNumber > Base(r)
    /\ m.opNumber <= opNumber[r]
    /\ log[r][m.opNumber].op = "reconfiguration"
    /\ log[r][m.opNumber].value = ConfigString(m.config)

\* r learns of a later epoch (impl/vr's ReceiveStartEpoch; traces/README.md).
ReceiveStartEpoch(r, m) ==
    /\ Receivable(r, m, "STARTEPOCH")
    /\ LET e == epochNumber[r]
           member == r \in Range(config[r])
           isMember == r \in Range(m.config)
           Reply(S) == /\ KeepState /\ KeepBook /\ KeepCommit /\ Transmit(Recv(m), S) /\ ReplicaFrame
       IN CASE status[r] = "shut-down" -> Ignore(r, m)
            [] m.epoch < e ->
                  Reply(IF status[r] # "recovering" THEN {StartEpochMsg(r, m.from)} ELSE {})
            [] m.epoch = e ->
                  IF status[r] = "normal" /\ member
                  THEN Reply({EpochStartedMsg(r, m.from, e, r)})
                  ELSE IF status[r] = "transitioning" /\ member
                  THEN /\ KeepState /\ KeepBook /\ KeepCommit
                       /\ AskState(r, viewNumber[r], commitNumber[r], Recv(m))
                       /\ ReplicaFrame
                  ELSE Ignore(r, m)
            [] status[r] = "recovering" ->
                  IF ~isMember
                  THEN /\ SetState(r, viewNumber[r], "shut-down", opNumber[r], log[r], lastNormalView[r])
                       /\ KeepBook /\ KeepCommit /\ Transmit(Recv(m), {}) /\ ReplicaFrame
                  ELSE \* It moves to the epoch, still recovering (its nonce kept), and recovers
                       \* from the new configuration.
                       /\ SetEpochState(r, m.epoch, m.config, m.oldConfig, m.opNumber, 0, "recovering",
                                        opNumber[r], log[r], 0, FALSE)
                       /\ ClearBook(r)
                       /\ KeepCommit
                       /\ Transmit(Recv(m), {[RecoveryMsg(r, j, r, nonce[r]) EXCEPT !.epoch = m.epoch] :
                                                 j \in Range(m.config) \ {r}})
                       /\ ReplicaFrame
            [] /\ m.epoch = e + 1
               /\ Bug("epoch-startepoch-commit")
               /\ HoldsReconfiguration(r, m)
               /\ ReconfigAt(r, log[r], m.opNumber) > 0 ->
                  \* The defect: STARTEPOCH taken as a COMMIT of n, whatever r's log up to n is.
                  ExecuteReconfiguration(r, ReconfigAt(r, log[r], m.opNumber), log[r], viewNumber[r],
                                         m.opNumber, FALSE, Recv(m), {})
            [] m.epoch = e + 1 /\ status[r] \in {"normal", "view-change"} ->
                  \* r stays in its epoch (its view change may be what commits the
                  \* RECONFIGURATION) and asks the sender for the epoch's initial state.
                  Reply({[GetStateMsg(r, m.from, 0, commitNumber[r], r) EXCEPT !.epoch = m.epoch]})
            [] OTHER ->
                  \* An idle replica, or one further behind: it moves to the epoch, transitioning,
                  \* and a member asks for the state it lacks.
                  /\ SetEpochState(r, m.epoch, m.config, m.oldConfig, m.opNumber, 0, "transitioning",
                                   opNumber[r], log[r], 0, FALSE)
                  /\ ClearBook(r)
                  /\ KeepCommit
                  /\ IF isMember
                     THEN \E j \in (Range(m.config) \cup Range(m.oldConfig)) \ {r} :
                             Transmit(Recv(m), {[GetStateMsg(r, j, 0, commitNumber[r], r)
                                                    EXCEPT !.epoch = m.epoch]})
                     ELSE Transmit(Recv(m), {})
                  /\ ReplicaFrame
    /\ LeaseStep(r, {m})

\* A replaced replica records that a new replica is up to date, and shuts down once f'+1
\* have said so (f' with the bug "epoch-shutdown-early").
ReceiveEpochStarted(r, m) ==
    /\ Receivable(r, m, "EPOCHSTARTED")
    /\ IF /\ status[r] = "transitioning"
          /\ r \notin Range(config[r])
          /\ m.epoch = epochNumber[r]
          /\ m.replica # r
          /\ m.replica \in Range(config[r])
          /\ m.replica \notin epochStartedFrom[r]
       THEN LET es == epochStartedFrom[r] \cup {m.replica}
                need == IF Bug("epoch-shutdown-early") THEN FOf(r) ELSE FOf(r) + 1
            IN /\ epochStartedFrom' = [epochStartedFrom EXCEPT ![r] = es]
               /\ UNCHANGED <<startViewChangeFrom, doViewChangeMsgs, prepareOkOpNumber,
                              recoveryResponseMsgs>>
               /\ IF Cardinality(es) >= need
                  THEN SetState(r, viewNumber[r], "shut-down", opNumber[r], log[r], lastNormalView[r])
                  ELSE KeepState
               /\ KeepCommit
               /\ Transmit(Recv(m), {})
               /\ ReplicaFrame
       ELSE Ignore(r, m)
    /\ LeaseStep(r, {m})

\* Timer: a transitioning replica: a new member asks again for the state it lacks; a
\* replaced one resends STARTEPOCH to the new replicas it has no EPOCHSTARTED from.
TimeoutStartEpoch(r) ==
    /\ status[r] = "transitioning"
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ IF r \in Range(config[r])
       THEN AskState(r, viewNumber[r], commitNumber[r], NoRecv)
       ELSE Transmit(NoRecv, {StartEpochMsg(r, j) : j \in Range(config[r]) \ epochStartedFrom[r]})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

\* Timer: the normal primary, or a replica in view-change, of an epoch after 0 sends
\* STARTEPOCH of its epoch to another replica j (a new replica whose STARTEPOCH was lost joins).
ResendStartEpoch(r, j) ==
    /\ epochNumber[r] > 0
    /\ \/ status[r] = "normal" /\ Primary(r, viewNumber[r]) = r
       \/ status[r] = "view-change"
    /\ j \in Others(r)
    /\ KeepState
    /\ KeepBook
    /\ KeepCommit
    /\ Transmit(NoRecv, {StartEpochMsg(r, j)})
    /\ ReplicaFrame
    /\ LeaseStep(r, {})

-----------------------------------------------------------------------------
(* The network.                                                            *)

DropMessage(m) ==
    /\ BagIn(m, msgs)
    /\ msgs' = msgs (-) SetToBag({m})
    /\ UNCHANGED <<serverVars, clientVars, ghostPrepared, ghostStartView, ackVars>>

DuplicateMessage(m) ==
    /\ BagIn(m, msgs)
    /\ msgs' = msgs (+) SetToBag({m})
    /\ UNCHANGED <<serverVars, clientVars, ghostPrepared, ghostStartView, ackVars>>

-----------------------------------------------------------------------------
(* The specification.                                                      *)

\* Reads under leases: at time 0 every clock reads 1 (a reading is at least 1, as in traces).
LeaseInit ==
    /\ now = 0
    /\ clock = [r \in Replica |-> 1]
    /\ promise = [r \in Replica |-> 0]
    /\ grant = [r \in Replica |-> NoGrants]
    /\ viewStart = [r \in Replica |-> 0]
    /\ ghostGrantAt = [r \in Replica |-> NoGrant]
    /\ ghostLeaseReplies = {}
    /\ ghostLeaseStale = FALSE
    /\ ghostLeaseUncovered = FALSE

Init ==
    /\ viewNumber = [r \in Replica |-> 0]
    /\ status = [r \in Replica |-> IF r \in Range(FirstConfig) THEN "normal" ELSE "idle"]
    /\ epochNumber = [r \in Replica |-> 0]
    /\ config = [r \in Replica |-> FirstConfig]
    /\ oldConfig = [r \in Replica |-> <<>>]
    /\ epochStart = [r \in Replica |-> 0]
    /\ epochStartedFrom = [r \in Replica |-> {}]
    /\ clientEpoch = [c \in ClientId |-> 0]
    /\ clientConfig = [c \in ClientId |-> FirstConfig]
    /\ ghostCommitAfterReconfig = FALSE
    /\ ghostEpochs = {<<0, FirstConfig, <<>>, 0>>}
    /\ ghostUpToDate = {<<0, r>> : r \in Range(FirstConfig)}
    /\ opNumber = [r \in Replica |-> 0]
    /\ log = [r \in Replica |-> <<>>]
    /\ commitNumber = [r \in Replica |-> 0]
    /\ lastNormalView = [r \in Replica |-> 0]
    /\ nonce = [r \in Replica |-> 0]
    /\ usedNonces = [r \in Replica |-> {}]
    /\ executed = [r \in Replica |-> <<>>]
    /\ checkpoint = [r \in Replica |-> NoCheckpoint]
    /\ restoredFrom = [r \in Replica |-> NoCheckpoint]
    /\ startViewChangeFrom = [r \in Replica |-> {}]
    /\ doViewChangeMsgs = [r \in Replica |-> {}]
    /\ prepareOkOpNumber = [r \in Replica |-> ZeroOks]
    /\ recoveryResponseMsgs = [r \in Replica |-> {}]
    /\ clientView = [c \in ClientId |-> 0]
    /\ clientRequestNumber = [c \in ClientId |-> 0]
    /\ clientPending = [c \in ClientId |-> FALSE]
    /\ clientRequest = [c \in ClientId |-> NoEntry(c)]
    /\ msgs = EmptyBag
    /\ ghostCommittedLog = <<>>
    /\ ghostCommittedIn = EmptyFunction
    /\ ghostCommittedReq = EmptyFunction
    /\ ghostStore = EmptyFunction
    /\ ghostCommittedTwice = FALSE
    /\ ghostLastExecuted = [r \in Replica |-> NoneExecuted]
    /\ ghostExecutedTwice = [r \in Replica |-> FALSE]
    /\ ghostAckedIn = EmptyFunction
    /\ ghostAckUncommitted = FALSE
    /\ ghostPrepared = EmptyFunction
    /\ ghostStartView = EmptyFunction
    /\ ghostViewStarts = {<<0, 0>>}
    /\ LeaseInit

\* The fault model allows at most f replicas to be recovering at once (a crash
\* of f+1 replicas loses state that no protocol can recover).  Model checking
\* takes nonces 1, 2, ... per replica; traces bring their own (TraceVR).
CrashAllowed(r) ==
    /\ status[r] \notin {"idle", "shut-down"}
    /\ Cardinality({q \in Replica \ {r} : status[q] = "recovering"}) < F
NextNonce(r) == Cardinality(usedNonces[r]) + 1

OpValues(op) == IF op = "get" THEN {""} ELSE Values

\* Every action that receives message m (its type and m.to pick the action).
ReceiveMessage(m) ==
    \/ ReceiveRequest(m.to, m)
    \/ LeaseRead(m.to, m)
    \/ ReceivePrepare(m.to, m)
    \/ ReceivePrepareOk(m.to, m)
    \/ ReceiveCommit(m.to, m)
    \/ ReceiveStartViewChange(m.to, m)
    \/ ReceiveDoViewChange(m.to, m)
    \/ ReceiveStartView(m.to, m)
    \/ ReceiveRecovery(m.to, m)
    \/ ReceiveRecoveryResponse(m.to, m)
    \/ ReceiveGetState(m.to, m)
    \/ ReceiveNewState(m.to, m)
    \/ ClientReceiveReply(m.to, m)
    \/ ReceiveReconfiguration(m.to, m)
    \/ ReceiveStartEpoch(m.to, m)
    \/ ReceiveEpochStarted(m.to, m)
    \/ ClientReceiveNewEpoch(m.to, m)

Next ==
    \/ \E m \in BagToSet(msgs) :
          \/ ReceiveMessage(m)
          \/ DropMessage(m)
          \/ DuplicateMessage(m)
    \/ \E r \in Replica :
          \/ SendCommit(r)
          \/ \E n \in 1 .. opNumber[r] : ResendPrepare(r, n)
          \/ TimeoutStartViewChange(r)
          \/ ResendStartViewChange(r)
          \/ ResendDoViewChange(r)
          \/ \E j \in Others(r) : ResendStartView(r, j)
          \/ StartRecovery(r)
          \/ TakeCheckpoint(r)
          \/ CrashAllowed(r) /\ Crash(r, NextNonce(r))
          \/ TimeoutStartEpoch(r)
          \/ epochNumber[r] > 0 /\ \E j \in Others(r) : ResendStartEpoch(r, j)
    \/ \E c \in ClientId :
          \/ ClientTimeout(c)
          \/ \E op \in Ops : \E k \in Keys : \E x \in OpValues(op) : ClientRequest(c, op, k, x)
    \/ \E c \in AdminClients : \E cf \in Reconfigurations : ClientReconfiguration(c, cf)
    \/ Tick

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants (the Go checker's checks of the same names).                 *)

EntryT == [client : Nat, requestNumber : Nat, op : {"get", "put", "append", "reconfiguration"},
           key : STRING, value : STRING]

CheckpointT == [opNumber : Nat, store : SUBSET [key : STRING, value : STRING],
                table : SUBSET [client : Nat, requestNumber : Nat, result : STRING]]

MessageT ==
    [type : {"REQUEST"}, from : ClientId, to : Replica, epoch : Nat, client : ClientId,
     requestNumber : Nat, op : {"get", "put", "append"}, key : STRING, value : STRING]
    \cup [type : {"PREPARE"}, from : Replica, to : Replica, epoch : Nat, view : Nat, opNumber : Nat,
          commitNumber : Nat, entry : EntryT]
    \cup [type : {"PREPAREOK"}, from : Replica, to : Replica, epoch : Nat, view : Nat, opNumber : Nat,
          replica : Replica]
    \cup [type : {"REPLY"}, from : Replica, to : ClientId, epoch : Nat, view : Nat, client : ClientId,
          requestNumber : Nat, result : STRING]
    \cup [type : {"COMMIT"}, from : Replica, to : Replica, epoch : Nat, view : Nat, commitNumber : Nat]
    \cup [type : {"STARTVIEWCHANGE"}, from : Replica, to : Replica, epoch : Nat, view : Nat,
          replica : Replica]
    \cup [type : {"DOVIEWCHANGE"}, from : Replica, to : Replica, epoch : Nat, view : Nat,
          log : Seq(EntryT), lastNormalView : Nat, opNumber : Nat, commitNumber : Nat,
          replica : Replica, checkpoint : CheckpointT]
    \cup [type : {"STARTVIEW"}, from : Replica, to : Replica, epoch : Nat, view : Nat,
          log : Seq(EntryT), opNumber : Nat, commitNumber : Nat, checkpoint : CheckpointT]
    \cup [type : {"RECOVERY"}, from : Replica, to : Replica, epoch : Nat, replica : Replica, nonce : Nat]
    \cup [type : {"RECOVERYRESPONSE"}, from : Replica, to : Replica, epoch : Nat, view : Nat, nonce : Nat,
          log : Seq(EntryT), opNumber : Nat, commitNumber : Nat, replica : Replica,
          checkpoint : CheckpointT]
    \cup [type : {"GETSTATE"}, from : Replica, to : Replica, epoch : Nat, view : Nat, opNumber : Nat,
          replica : Replica]
    \cup [type : {"NEWSTATE"}, from : Replica, to : Replica, epoch : Nat, view : Nat, fromOpNumber : Nat,
          log : Seq(EntryT), opNumber : Nat, commitNumber : Nat, replica : Replica,
          checkpoint : CheckpointT]
    \cup [type : {"RECONFIGURATION"}, from : ClientId, to : Replica, epoch : Nat, client : ClientId,
          requestNumber : Nat, config : Seq(Replica)]
    \cup [type : {"STARTEPOCH"}, from : Replica, to : Replica, epoch : Nat, opNumber : Nat,
          oldConfig : Seq(Replica), config : Seq(Replica)]
    \cup [type : {"EPOCHSTARTED"}, from : Replica, to : Replica, epoch : Nat, replica : Replica]
    \cup [type : {"NEWEPOCH"}, from : Replica, to : ClientId, epoch : Nat, view : Nat,
          config : Seq(Replica)]

LeaseTypeOK ==
    /\ now \in Nat
    /\ \A r \in Replica :
          /\ clock[r] \in Nat /\ promise[r] \in Nat /\ viewStart[r] \in Nat
          /\ grant[r] \in [Replica -> Nat]
          /\ ghostGrantAt[r] \in [granted : BOOLEAN, view : Nat, tick : Nat]
    /\ \A m \in BagToSet(msgs) : ClockOf(m) \in Nat
    /\ \A m \in ghostLeaseReplies : m.type = "REPLY"
    /\ ghostLeaseStale \in BOOLEAN /\ ghostLeaseUncovered \in BOOLEAN

\* Every variable has the type it should.
TypeOK ==
    /\ Bugs \subseteq BugNames
    /\ \A r \in Replica :
          /\ viewNumber[r] \in Nat
          /\ status[r] \in {"normal", "view-change", "recovering", "idle", "transitioning", "shut-down"}
          /\ epochNumber[r] \in Nat
          /\ config[r] \in Seq(Replica)
          /\ oldConfig[r] \in Seq(Replica)
          /\ epochStart[r] \in Nat
          /\ epochStartedFrom[r] \subseteq Replica
          /\ opNumber[r] \in Nat
          /\ log[r] \in Seq(EntryT)
          /\ commitNumber[r] \in Nat
          /\ lastNormalView[r] \in Nat
          /\ lastNormalView[r] <= viewNumber[r]
          /\ nonce[r] \in Nat
          /\ \A x \in usedNonces[r] : x \in Nat
          /\ executed[r] \in Seq(EntryT)
          /\ checkpoint[r] \in CheckpointT
          /\ restoredFrom[r] \in CheckpointT
          /\ startViewChangeFrom[r] \subseteq Replica
          /\ \A d \in doViewChangeMsgs[r] : d \in MessageT /\ d.type = "DOVIEWCHANGE"
          /\ DOMAIN prepareOkOpNumber[r] = Replica
          /\ \A j \in Replica : prepareOkOpNumber[r][j] \in Nat
          /\ \A x \in recoveryResponseMsgs[r] : x \in MessageT /\ x.type = "RECOVERYRESPONSE"
    /\ \A c \in ClientId :
          /\ clientView[c] \in Nat
          /\ clientRequestNumber[c] \in Nat
          /\ clientPending[c] \in BOOLEAN
          /\ clientRequest[c] \in EntryT
          /\ clientEpoch[c] \in Nat
          /\ clientConfig[c] \in Seq(Replica)
    /\ IsABag(msgs)
    /\ \A m \in BagToSet(msgs) : Unstamped(m) \in MessageT
    /\ ghostCommittedLog \in Seq(EntryT)
    /\ \A v \in DOMAIN ghostCommittedIn : v \in Nat /\ ghostCommittedIn[v] \in Nat
    /\ \A k \in DOMAIN ghostCommittedReq : ghostCommittedReq[k].opNumber \in Nat
    /\ ghostCommittedTwice \in BOOLEAN
    /\ \A r \in Replica : ghostExecutedTwice[r] \in BOOLEAN
    /\ \A v \in DOMAIN ghostAckedIn : v \in Nat /\ ghostAckedIn[v] \in Nat
    /\ ghostAckUncommitted \in BOOLEAN
    /\ \A k \in DOMAIN ghostPrepared : ghostPrepared[k] \in EntryT
    /\ \A v \in DOMAIN ghostStartView : ghostStartView[v] \in Seq(EntryT)
    /\ \A x \in ghostViewStarts : x[1] \in Nat /\ x[2] \in Nat
    /\ LeaseTypeOK

\* The op-number is the length of the log.
OpNumberIsLogLength == \A r \in Replica : opNumber[r] = Len(log[r])

\* A replica never commits beyond its log.
CommitNumberAtMostOpNumber == \A r \in Replica : commitNumber[r] <= opNumber[r]

\* A normal replica's last-normal-view is its view-number.
NormalStatusLastNormalView ==
    \A r \in Replica : status[r] = "normal" => lastNormalView[r] = viewNumber[r]

\* Committed prefixes agree between any two replicas, and with every prefix ever committed.
NoLogDivergence ==
    \A r \in Replica : IsPrefixOf(Slice(log[r], 1, commitNumber[r]), ghostCommittedLog)

\* lg holds the first k entries of the committed log.
AgreesUpTo(lg, k) ==
    k <= Len(lg) /\ k <= Len(ghostCommittedLog)
    /\ SubSeq(lg, 1, k) = SubSeq(ghostCommittedLog, 1, k)

\* The largest of the values of f (a ghost by view) at views v with v < w (strict)
\* or v <= w; 0 if none.
ByView(f, w, strict) ==
    LET V == {v \in DOMAIN f : v < w \/ (~strict /\ v = w)}
    IN IF V = {} THEN 0 ELSE MaxOf({f[v] : v \in V})

\* How much of the committed log normal replica r must hold, if ghost g says
\* how far it reached in each view: everything of the views before r's, and of
\* r's own view everything if r is its primary, else as far as r's log reaches
\* (a backup may lag behind its primary, but what it has must agree).
MustHold(g, r) ==
    LET w == EV(epochNumber[r], viewNumber[r])
    IN IF Primary(r, viewNumber[r]) = r THEN ByView(g, w, FALSE)
       ELSE MaxNat(ByView(g, w, TRUE), MinNat(ByView(g, w, FALSE), Len(log[r])))

\* A committed operation is in the log of every normal replica of a later view
\* (a view change, state transfer or recovery gave it every committed operation)
\* and of the normal primary of its view; a normal backup of its view holds it if
\* its log reaches that far.  Replicas in view-change keep whatever log they
\* had, and recovering ones have lost theirs: neither is constrained here.
CommittedWriteNotLost ==
    \A r \in Replica : status[r] = "normal" => AgreesUpTo(log[r], MustHold(ghostCommittedIn, r))

\* The same for the operations clients got a REPLY for, in the view of the REPLY
\* (implied by CommittedWriteNotLost: an operation is committed in its REPLY's view
\* or earlier), and every acknowledged request is in the committed log.
AcknowledgedWriteNotLost ==
    /\ ~ghostAckUncommitted
    /\ \A r \in Replica : status[r] = "normal" => AgreesUpTo(log[r], MustHold(ghostAckedIn, r))

\* Replicas that hold the first k entries of the committed log, counting a
\* recovering replica (its recovery restores the log from the primary).
Holders(k) == {r \in Replica : status[r] = "recovering" \/ AgreesUpTo(log[r], k)}

\* With reconfiguration: the replicas of configuration cf that hold them (recovering ones
\* counted, shut-down and idle ones not).
HoldersIn(cf, k) ==
    {r \in Range(cf) : \/ status[r] = "recovering"
                       \/ status[r] \notin {"shut-down", "idle"} /\ AgreesUpTo(log[r], k)}
EpochConfig(e) == (CHOOSE x \in ghostEpochs : x[1] = e)[2]
MajorityIn(cf, k) == Cardinality(HoldersIn(cf, k)) >= (Len(cf) - 1) \div 2 + 1

\* The first k entries of the committed log are in the logs of f+1 replicas: of the latest
\* epoch's configuration or, while it catches up, of the one before it.
OnMajority(k) ==
    IF ~Reconfiguring THEN Cardinality(Holders(k)) >= F + 1
    ELSE LET e == MaxOf({epochNumber[r] : r \in Replica})
         IN \/ k = 0
            \/ MajorityIn(EpochConfig(e), k)
            \/ e > 0 /\ MajorityIn(EpochConfig(e - 1), k)

\* The committed log is in the logs of at least f+1 replicas: so every committed
\* operation is, acknowledged or not.
CommittedWritesExistOnMajority == OnMajority(Len(ghostCommittedLog))

\* The same, up to the last operation a client got a REPLY for.
AckedMax == MaxOf({0} \cup {ghostAckedIn[v] : v \in DOMAIN ghostAckedIn})
AcknowledgedWritesExistOnMajority == OnMajority(AckedMax)

\* No request is at two op-numbers of the committed log.
CommittedLogHasNoDuplicates == ~ghostCommittedTwice

\* No two replicas act as normal primary of the same view: every view is started
\* once (by one replica in one life; view 0 is started by Init).  (That PREPARE,
\* COMMIT and STARTVIEW of view v come from primary(v) holds by construction.)
OnePrimaryPerView == \A x, y \in ghostViewStarts : x[1] = y[1] => x = y

\* Within a view, a normal backup's log is a prefix of its normal primary's.
BackupLogPrefixOfPrimary ==
    \A r \in Replica :
       LET p == Primary(r, viewNumber[r])
       IN /\ status[r] = "normal" /\ p # r
          /\ status[p] = "normal" /\ viewNumber[p] = viewNumber[r] /\ epochNumber[p] = epochNumber[r]
          => IsPrefixOf(log[r], log[p])

\* At most one entry per view and op-number across all PREPAREs: each PREPARE
\* (checked while in flight, as every message is right after its send) carries
\* the entry of the first PREPARE of its view and op-number.
OneEntryPerViewOpNumber ==
    \A m \in BagToSet(msgs) :
       m.type = "PREPARE" =>
          <<EV(m.epoch, m.view), m.opNumber>> \in DOMAIN ghostPrepared
          /\ ghostPrepared[<<EV(m.epoch, m.view), m.opNumber>>] = m.entry

\* Every STARTVIEW of a view carries a log extending the first STARTVIEW's of that view
\* (with checkpoints: the whole logs they stand for, WholeLog).
StartViewExtendsFirst ==
    \A m \in BagToSet(msgs) :
       m.type = "STARTVIEW" =>
          EV(m.epoch, m.view) \in DOMAIN ghostStartView
          /\ IsPrefixOf(ghostStartView[EV(m.epoch, m.view)], WholeLog(m))

\* What messages promise: k <= n in every message with both; a DOVIEWCHANGE's
\* last-normal-view is below its view; while its view-number is v (and it has not
\* crashed: a crash takes it to view 0), the sender of a PREPAREOK(v, n) holds at
\* least n entries.
MessagePromises ==
    \A m \in BagToSet(msgs) :
       /\ m.type \in {"PREPARE", "DOVIEWCHANGE", "STARTVIEW", "RECOVERYRESPONSE", "NEWSTATE"}
          => m.commitNumber <= m.opNumber
       /\ m.type = "DOVIEWCHANGE" => m.lastNormalView < m.view
       /\ m.type = "PREPAREOK" /\ viewNumber[m.from] = m.view /\ epochNumber[m.from] = m.epoch
          /\ status[m.from] # "recovering"
          => Len(log[m.from]) >= m.opNumber

\* No client request is executed twice by a replica (in one life): each client's
\* requests are executed in increasing request-number order.
ExactlyOnceExecution == \A r \in Replica : ~ghostExecutedTwice[r]

\* Every REPLY carries the service's result of its request at the point of the
\* committed log where it (first) is.  A REPLY is checked while it is in flight:
\* it is in the network in the state right after the step that sent it, and the
\* committed log only grows, so a received REPLY needs no second check.
RepliesMatchService ==
    \A m \in BagToSet(msgs) :
       m.type = "REPLY" /\ m \notin ghostLeaseReplies =>
          LET k == <<m.client, m.requestNumber>>
          IN k \in DOMAIN ghostCommittedReq /\ m.result = ghostCommittedReq[k].result

\* Checkpoints (§5.1).  A checkpoint is of committed state: at most the replica's commit-number.
CheckpointIsCommitted == \A r \in Replica : Base(r) <= commitNumber[r]

\* Checkpoint ck is the state after executing the committed log's entries 1..its op-number.
IsCommittedCheckpoint(ck) ==
    /\ ck.opNumber <= Len(ghostCommittedLog)
    /\ ck = CheckpointOf(NoCheckpoint, SubSeq(ghostCommittedLog, 1, ck.opNumber), ck.opNumber)

\* The entries a replica discarded (1..its checkpoint) are committed, and its checkpoint
\* covers them: it is the state after exactly those entries of the committed log.
DiscardedEntriesCommitted ==
    \A r \in Replica : AgreesUpTo(log[r], Base(r)) /\ IsCommittedCheckpoint(checkpoint[r])

\* Every checkpoint (each replica's, the one its service was restored from, and every one a
\* message carries) equals executing the committed log up to its op-number.
CheckpointMatchesCommittedLog ==
    /\ \A r \in Replica : IsCommittedCheckpoint(checkpoint[r]) /\ IsCommittedCheckpoint(restoredFrom[r])
    /\ \A m \in BagToSet(msgs) :
          m.type \in {"DOVIEWCHANGE", "STARTVIEW", "RECOVERYRESPONSE", "NEWSTATE"}
          => IsCommittedCheckpoint(m.checkpoint)

\* Reads under leases (§6.2), the Go checker's invariants of the same names.

\* No replica starts or joins a view change (is in view-change status) while its clock is
\* below a promise it made: a promise is made only by a normal or recovering replica, so one
\* in view-change with its clock below it entered it while the promise ran.
LeasePromiseKept == \A r \in Replica : status[r] = "view-change" => clock[r] >= promise[r]

\* At every lease read at least f backups had granted the primary a lease in its view at a
\* tick t' with (1+ρ)(t - t') < L: whatever their clocks' drift within ρ, their promises ran.
LeaseReadCovered == ~ghostLeaseUncovered

\* Every lease read returned the key's value in the whole committed log when it was answered
\* (every write committed anywhere before it), so it is linearizable with the writes.
LeaseReadNotStale == ~ghostLeaseStale

\* The clocks' drift is bounded: over any step, every clock advances by between (1-ρ) and
\* (1+ρ) times the real time that passed (Tick keeps it; TraceVR checks a trace's readings).
ClockDriftBounded ==
    [][\A r \in Replica :
          clock'[r] # clock[r] =>
             /\ (ClockUnit - Drift) * (now' - now) <= clock'[r] - clock[r]
             /\ clock'[r] - clock[r] <= (ClockUnit + Drift) * (now' - now)]_vars

\* The invariants of leases, for the models with them.
LeaseSafety ==
    /\ LeasePromiseKept
    /\ LeaseReadCovered
    /\ LeaseReadNotStale

\* Reconfiguration (§7), the Go checker's invariants of the same names.

\* Every state and message naming an epoch agrees on its configuration, the one before it and
\* its start.
OneConfigurationPerEpoch ==
    /\ \A x, y \in ghostEpochs : x[1] = y[1] => x = y
    /\ \A m \in BagToSet(msgs) :
          m.type = "STARTEPOCH" =>
             \A x \in ghostEpochs : x[1] = m.epoch => x = <<m.epoch, m.config, m.oldConfig, m.opNumber>>

\* No replica that began a step in epoch e is the first to commit an operation after epoch
\* e's RECONFIGURATION: what follows it is committed in a later epoch.
NoCommitAfterReconfiguration == ~ghostCommitAfterReconfig

\* A normal replica of a later epoch holds every operation committed in earlier ones.
LaterEpochHoldsCommitted ==
    \A r \in Replica :
       status[r] = "normal" /\ epochNumber[r] > 0
       => AgreesUpTo(log[r], ByView(ghostCommittedIn, EV(epochNumber[r], 0), TRUE))

\* A replaced replica shuts down only when f'+1 replicas of the new group have been up to date.
ShutDownAfterNewGroupUpToDate ==
    \A r \in Replica :
       status[r] = "shut-down"
       => Cardinality({j \in Range(config[r]) : <<epochNumber[r], j>> \in ghostUpToDate})
             >= (Len(config[r]) - 1) \div 2 + 1

\* All invariants, for configurations that check them at once.
Safety ==
    /\ OpNumberIsLogLength
    /\ CommitNumberAtMostOpNumber
    /\ NormalStatusLastNormalView
    /\ NoLogDivergence
    /\ CommittedWriteNotLost
    /\ AcknowledgedWriteNotLost
    /\ CommittedWritesExistOnMajority
    /\ AcknowledgedWritesExistOnMajority
    /\ CommittedLogHasNoDuplicates
    /\ OnePrimaryPerView
    /\ BackupLogPrefixOfPrimary
    /\ OneEntryPerViewOpNumber
    /\ StartViewExtendsFirst
    /\ MessagePromises
    /\ ExactlyOnceExecution
    /\ RepliesMatchService
    /\ CheckpointIsCommitted
    /\ DiscardedEntriesCommitted
    /\ CheckpointMatchesCommittedLog

\* Safety and the invariants of reconfiguration.
EpochSafety ==
    /\ Safety
    /\ OneConfigurationPerEpoch
    /\ NoCommitAfterReconfiguration
    /\ LaterEpochHoldsCommitted
    /\ ShutDownAfterNewGroupUpToDate

-----------------------------------------------------------------------------
(* Action properties.  A crash (a fresh nonce) starts a new life, in which *)
(* view-number and commit-number start again from 0.                       *)

\* A replica's view-number never decreases within one life.
ViewNumberMonotonic ==
    [][\A r \in Replica : nonce'[r] = nonce[r] =>
          \/ epochNumber'[r] > epochNumber[r]
          \/ epochNumber'[r] = epochNumber[r] /\ viewNumber'[r] >= viewNumber[r]]_vars

\* A replica's commit-number never decreases within one life.
CommitNumberMonotonic ==
    [][\A r \in Replica : nonce'[r] = nonce[r] => commitNumber'[r] >= commitNumber[r]]_vars

-----------------------------------------------------------------------------
(* Liveness.  The paper states no fairness; this is the one assumed.       *)
(*                                                                         *)
(* Weak fairness per replica (or client) and kind of action: every         *)
(* receive (one kind per message type) and every timer that resends is     *)
(* taken if it stays enabled.  Faults (Crash, DropMessage,                 *)
(* DuplicateMessage), a client's choice to issue a request, and            *)
(* TimeoutStartViewChange get none: a timeout is a suspicion of failure,   *)
(* and weak fairness on it would force view changes forever (a backup's    *)
(* timeout is always enabled), under which no request need ever complete. *)
(* So LiveSpec alone does not imply the properties: they also need faults  *)
(* and timeouts to stop, with no replica down from then on (the paper's    *)
(* "the network eventually delivers, at most f fail").  MCVR_live.tla      *)
(* makes those finite with guards (MaxDrops, MaxView, no crash) and checks *)
(* the properties under this fairness on the guarded actions.             *)
(*                                                                         *)
(* An implementation provides it: each receive kind is a handler its event *)
(* loop runs for every delivered message, and each resend is a periodic    *)
(* timer that fires while its condition (status, role) holds.             *)

Fairness ==
    /\ \A r \in Replica :
          /\ WF_vars(SendCommit(r))
          /\ WF_vars(\E n \in 1 .. opNumber[r] : ResendPrepare(r, n))
          /\ WF_vars(ResendStartViewChange(r))
          /\ WF_vars(ResendDoViewChange(r))
          /\ \A j \in Others(r) : WF_vars(ResendStartView(r, j))
          /\ WF_vars(StartRecovery(r))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveRequest(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceivePrepare(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceivePrepareOk(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveCommit(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveStartViewChange(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveDoViewChange(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveStartView(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveRecovery(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveRecoveryResponse(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveGetState(r, m))
          /\ WF_vars(\E m \in BagToSet(msgs) : ReceiveNewState(r, m))
    /\ \A c \in ClientId :
          /\ WF_vars(ClientTimeout(c))
          /\ WF_vars(\E m \in BagToSet(msgs) : ClientReceiveReply(c, m))

LiveSpec == Spec /\ Fairness

\* A replica in view-change eventually becomes normal again.
ViewChangeCompletes == \A r \in Replica : status[r] = "view-change" ~> status[r] = "normal"

\* Every client request eventually completes.
RequestsComplete == \A c \in ClientId : clientPending[c] ~> ~clientPending[c]

=============================================================================
