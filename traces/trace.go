// Package traces defines vrcheck's trace format: one NDJSON header line, then one line per
// action of spec/VR.tla. It is the contract between impl/ (which writes traces) and checker/
// (which reads them); neither imports the other. README.md beside this file is the reference.
package traces

import (
	"fmt"
	"strconv"
	"strings"
)

// Format and Version identify the trace format in the header line.
const (
	Format  = "vrcheck-trace"
	Version = 7
)

// Action names, exactly as the actions of spec/VR.tla and the methods of impl/vr.
const (
	// Replica actions on a received message.
	ReceiveRequest          = "ReceiveRequest"
	ReceivePrepare          = "ReceivePrepare"
	ReceivePrepareOk        = "ReceivePrepareOk"
	ReceiveCommit           = "ReceiveCommit"
	ReceiveStartViewChange  = "ReceiveStartViewChange"
	ReceiveDoViewChange     = "ReceiveDoViewChange"
	ReceiveStartView        = "ReceiveStartView"
	ReceiveRecovery         = "ReceiveRecovery"
	ReceiveRecoveryResponse = "ReceiveRecoveryResponse"
	ReceiveGetState         = "ReceiveGetState"
	ReceiveNewState         = "ReceiveNewState"
	// Replica actions on a timer, or on a crash.
	SendCommit             = "SendCommit"
	ResendPrepare          = "ResendPrepare"
	TimeoutStartViewChange = "TimeoutStartViewChange"
	Crash                  = "Crash"
	StartRecovery          = "StartRecovery"
	// Resends (version 2).
	ResendStartViewChange = "ResendStartViewChange"
	ResendDoViewChange    = "ResendDoViewChange"
	ResendStartView       = "ResendStartView"
	// Batching (version 3): the primary sends the PREPARE of the requests it gathered.
	SendPrepare = "SendPrepare"
	// Reconfiguration (version 5, the paper's §7).
	ReceiveReconfiguration = "ReceiveReconfiguration"
	ReceiveStartEpoch      = "ReceiveStartEpoch"
	ReceiveEpochStarted    = "ReceiveEpochStarted"
	TimeoutStartEpoch      = "TimeoutStartEpoch"
	ResendStartEpoch       = "ResendStartEpoch"
	// Checkpoints (version 4): a replica checkpoints its service state at its commit-number
	// and discards the log entries up to it.
	TakeCheckpoint = "TakeCheckpoint"
	// Reads at backups (version 6, §6.2): a replica receives a READ, and answers the READs
	// it parked once its commit-number reaches theirs.
	ReceiveRead = "ReceiveRead"
	ReplyRead   = "ReplyRead"
	// Client actions.
	ClientRequest      = "ClientRequest"
	ClientReceiveReply = "ClientReceiveReply"
	ClientTimeout      = "ClientTimeout"
	// Client actions of reconfiguration (version 5).
	ClientReconfiguration = "ClientReconfiguration"
	ClientReceiveNewEpoch = "ClientReceiveNewEpoch"
	// Client action of reads at backups (version 6): a get sent as READ.
	ClientRead = "ClientRead"
	// Network actions.
	DropMessage      = "DropMessage"
	DuplicateMessage = "DuplicateMessage"
)

// ActionKind says which of an event's fields are present.
type ActionKind int

const (
	ReplicaReceive ActionKind = iota + 1 // replica, msg, sent, state
	ReplicaTimer                         // replica, sent, state
	ClientAction                         // client, sent, clientState (+ msg for ClientReceiveReply)
	NetworkAction                        // msg only
)

// Actions maps every action name to its kind; a name not in it is not a VR.tla action.
var Actions = map[string]ActionKind{
	ReceiveRequest:          ReplicaReceive,
	ReceivePrepare:          ReplicaReceive,
	ReceivePrepareOk:        ReplicaReceive,
	ReceiveCommit:           ReplicaReceive,
	ReceiveStartViewChange:  ReplicaReceive,
	ReceiveDoViewChange:     ReplicaReceive,
	ReceiveStartView:        ReplicaReceive,
	ReceiveRecovery:         ReplicaReceive,
	ReceiveRecoveryResponse: ReplicaReceive,
	ReceiveGetState:         ReplicaReceive,
	ReceiveNewState:         ReplicaReceive,
	SendCommit:              ReplicaTimer,
	ResendPrepare:           ReplicaTimer,
	TimeoutStartViewChange:  ReplicaTimer,
	Crash:                   ReplicaTimer,
	StartRecovery:           ReplicaTimer,
	ResendStartViewChange:   ReplicaTimer,
	ResendDoViewChange:      ReplicaTimer,
	ResendStartView:         ReplicaTimer,
	SendPrepare:             ReplicaTimer,
	ReceiveReconfiguration:  ReplicaReceive,
	ReceiveStartEpoch:       ReplicaReceive,
	ReceiveEpochStarted:     ReplicaReceive,
	TimeoutStartEpoch:       ReplicaTimer,
	ResendStartEpoch:        ReplicaTimer,
	TakeCheckpoint:          ReplicaTimer,
	ReceiveRead:             ReplicaReceive,
	ReplyRead:               ReplicaTimer,
	ClientRead:              ClientAction,
	ClientRequest:           ClientAction,
	ClientReceiveReply:      ClientAction,
	ClientTimeout:           ClientAction,
	ClientReconfiguration:   ClientAction,
	ClientReceiveNewEpoch:   ClientAction,
	DropMessage:             NetworkAction,
	DuplicateMessage:        NetworkAction,
}

// ReceiveAction names the replica action that handles a message of type t ("" for REPLY,
// which only clients receive).
func ReceiveAction(t MsgType) string {
	switch t {
	case Request:
		return ReceiveRequest
	case Prepare:
		return ReceivePrepare
	case PrepareOk:
		return ReceivePrepareOk
	case Commit:
		return ReceiveCommit
	case StartViewChange:
		return ReceiveStartViewChange
	case DoViewChange:
		return ReceiveDoViewChange
	case StartView:
		return ReceiveStartView
	case Recovery:
		return ReceiveRecovery
	case RecoveryResponse:
		return ReceiveRecoveryResponse
	case GetState:
		return ReceiveGetState
	case NewState:
		return ReceiveNewState
	case Reconfiguration:
		return ReceiveReconfiguration
	case StartEpoch:
		return ReceiveStartEpoch
	case EpochStarted:
		return ReceiveEpochStarted
	case Read:
		return ReceiveRead
	}
	return ""
}

// ClientReceiveAction names the client action that handles a message of type t ("" for the
// types only replicas receive).
func ClientReceiveAction(t MsgType) string {
	switch t {
	case Reply:
		return ClientReceiveReply
	case NewEpoch:
		return ClientReceiveNewEpoch
	}
	return ""
}

// ToClient says whether messages of type t go to a client (their to is a client id).
func ToClient(t MsgType) bool { return t == Reply || t == NewEpoch }

// FromClient says whether messages of type t come from a client (their from is a client id).
func FromClient(t MsgType) bool { return t == Request || t == Reconfiguration || t == Read }

// MsgType is a message's type, spelled as in the paper.
type MsgType string

const (
	Request          MsgType = "REQUEST"
	Prepare          MsgType = "PREPARE"
	PrepareOk        MsgType = "PREPAREOK"
	Reply            MsgType = "REPLY"
	Commit           MsgType = "COMMIT"
	StartViewChange  MsgType = "STARTVIEWCHANGE"
	DoViewChange     MsgType = "DOVIEWCHANGE"
	StartView        MsgType = "STARTVIEW"
	Recovery         MsgType = "RECOVERY"
	RecoveryResponse MsgType = "RECOVERYRESPONSE"
	GetState         MsgType = "GETSTATE"
	NewState         MsgType = "NEWSTATE"
	// Reconfiguration (version 5).
	Reconfiguration MsgType = "RECONFIGURATION"
	StartEpoch      MsgType = "STARTEPOCH"
	EpochStarted    MsgType = "EPOCHSTARTED"
	NewEpoch        MsgType = "NEWEPOCH"
	// Reads at backups (version 6): ⟨READ c, s, key, k⟩, a get a replica answers from its
	// committed state once its commit-number is at least k, the client's latest seen.
	Read MsgType = "READ"
)

// Status values of a replica.
const (
	StatusNormal     = "normal"
	StatusViewChange = "view-change"
	StatusRecovering = "recovering"
	// Reconfiguration (version 5): a replica of the universe in no configuration yet; one
	// that learned of a new epoch and is catching up (a new replica) or waiting to be
	// relieved (a replaced one); one that left the group for good.
	StatusIdle          = "idle"
	StatusTransitioning = "transitioning"
	StatusShutDown      = "shut-down"
)

// Statuses lists every status, the version 1 ones first.
var Statuses = []string{StatusNormal, StatusViewChange, StatusRecovering, StatusIdle, StatusTransitioning, StatusShutDown}

// Operations of the key-value service. Every operation returns the key's value before it.
const (
	OpGet    = "get"
	OpPut    = "put"
	OpAppend = "append"
	// OpReconfiguration (version 5) is a RECONFIGURATION request in the log: its value is the
	// new configuration (FormatConfig), its key "". Executing it makes no up-call and returns "".
	OpReconfiguration = "reconfiguration"
)

// Entry is one log entry: the client's request.
type Entry struct {
	Client        int    `json:"client"`
	RequestNumber int    `json:"requestNumber"`
	Op            string `json:"op"`
	Key           string `json:"key"`
	Value         string `json:"value"`
}

// Message is every protocol message. Type decides which fields are meaningful and written
// (see Fields); the others are zero. From and To are replica ids, except that a REQUEST comes
// from a client id and a REPLY goes to one.
type Message struct {
	ID   int     `json:"id"`
	Type MsgType `json:"type"`
	From int     `json:"from"`
	To   int     `json:"to"`

	View           int     `json:"view"`
	OpNumber       int     `json:"opNumber"`
	CommitNumber   int     `json:"commitNumber"`
	LastNormalView int     `json:"lastNormalView"`
	FromOpNumber   int     `json:"fromOpNumber"`
	Replica        int     `json:"replica"`
	Nonce          int     `json:"nonce"`
	Client         int     `json:"client"`
	RequestNumber  int     `json:"requestNumber"`
	Op             string  `json:"op"`
	Key            string  `json:"key"`
	Value          string  `json:"value"`
	Result         string  `json:"result"`
	Entry          *Entry  `json:"entry"`
	Log            []Entry `json:"log"`
	// Reconfiguration (version 5): the sender's epoch-number (every type; optional: written
	// when not 0), and the configurations a RECONFIGURATION, STARTEPOCH or NEWEPOCH carries.
	Epoch     int   `json:"epoch"`
	Config    []int `json:"config"`
	OldConfig []int `json:"oldConfig"`
	// Checkpoint (version 4, optional on DOVIEWCHANGE, STARTVIEW, RECOVERYRESPONSE and
	// NEWSTATE): the sender's checkpoint, when its log no longer holds the entries up to it;
	// the message's log then starts after Checkpoint.OpNumber.
	Checkpoint *Checkpoint `json:"checkpoint"`
	// Clock (version 7, reads under leases; optional on PREPARE, COMMIT and PREPAREOK): on
	// PREPARE and COMMIT the primary's clock reading when it sent them (the lease stamp), on
	// a PREPAREOK the stamp of the PREPARE or COMMIT it answers, echoed (a lease granted).
	Clock int `json:"clock"`
}

// Checkpoint is a replica's checkpoint (§5.1): the service state and the client-table after
// executing log entries 1..OpNumber, all of them committed.
type Checkpoint struct {
	OpNumber int `json:"opNumber"`
	// Store is the key-value state, sorted by key, keys never written left out.
	Store []KeyValue `json:"store"`
	// Table is the client-table, sorted by client: each client's latest request among entries
	// 1..OpNumber and its result.
	Table []TableRow `json:"table"`
}

// KeyValue is one key of a checkpoint's service state.
type KeyValue struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// TableRow is one client's row of a checkpoint's client-table.
type TableRow struct {
	Client        int    `json:"client"`
	RequestNumber int    `json:"requestNumber"`
	Result        string `json:"result"`
}

// Equal reports whether c and d are the same checkpoint (nil is no checkpoint).
func (c *Checkpoint) Equal(d *Checkpoint) bool {
	if c == nil || d == nil {
		return c == d
	}
	if c.OpNumber != d.OpNumber || len(c.Store) != len(d.Store) || len(c.Table) != len(d.Table) {
		return false
	}
	for i := range c.Store {
		if c.Store[i] != d.Store[i] {
			return false
		}
	}
	for i := range c.Table {
		if c.Table[i] != d.Table[i] {
			return false
		}
	}
	return true
}

// Field names a Message payload field in JSON.
type Field string

const (
	FView           Field = "view"
	FOpNumber       Field = "opNumber"
	FCommitNumber   Field = "commitNumber"
	FLastNormalView Field = "lastNormalView"
	FFromOpNumber   Field = "fromOpNumber"
	FReplica        Field = "replica"
	FNonce          Field = "nonce"
	FClient         Field = "client"
	FRequestNumber  Field = "requestNumber"
	FOp             Field = "op"
	FKey            Field = "key"
	FValue          Field = "value"
	FResult         Field = "result"
	FEntry          Field = "entry"
	FLog            Field = "log"
	FEpoch          Field = "epoch"
	FConfig         Field = "config"
	FOldConfig      Field = "oldConfig"
	FCheckpoint     Field = "checkpoint"
	FClock          Field = "clock"
)

// Fields lists, per message type, its payload fields in the order they are written (after
// id, type, from, to). A reader requires exactly these.
var Fields = map[MsgType][]Field{
	Request:          {FClient, FRequestNumber, FOp, FKey, FValue},
	Prepare:          {FView, FOpNumber, FCommitNumber, FEntry},
	PrepareOk:        {FView, FOpNumber, FReplica},
	Reply:            {FView, FClient, FRequestNumber, FResult},
	Commit:           {FView, FCommitNumber},
	StartViewChange:  {FView, FReplica},
	DoViewChange:     {FView, FLog, FLastNormalView, FOpNumber, FCommitNumber, FReplica},
	StartView:        {FView, FLog, FOpNumber, FCommitNumber},
	Recovery:         {FReplica, FNonce},
	RecoveryResponse: {FView, FNonce, FLog, FOpNumber, FCommitNumber, FReplica},
	GetState:         {FView, FOpNumber, FReplica},
	NewState:         {FView, FFromOpNumber, FLog, FOpNumber, FCommitNumber, FReplica},
	Reconfiguration:  {FEpoch, FClient, FRequestNumber, FConfig},
	StartEpoch:       {FEpoch, FOpNumber, FOldConfig, FConfig},
	EpochStarted:     {FEpoch, FReplica},
	NewEpoch:         {FEpoch, FView, FConfig},
	Read:             {FClient, FRequestNumber, FKey, FCommitNumber},
}

// Optional lists, per message type, payload fields written after those of Fields and only
// when not empty; a reader takes a message without them as having them empty. A batched
// PREPARE (version 3) carries in log the batch's entries before its entry: it covers
// op-numbers opNumber-len(log) .. opNumber.
//
// A DOVIEWCHANGE, STARTVIEW, RECOVERYRESPONSE or NEWSTATE with a checkpoint (version 4)
// carries in log only the entries after checkpoint.opNumber (for NEWSTATE: after the larger
// of fromOpNumber and checkpoint.opNumber).
//
// With reads at backups (version 6) a REPLY carries the sender's commit-number when the
// request it answers executed (a write: its op-number), or as of which a READ was answered.
//
// With reads under leases (version 7) PREPARE and COMMIT carry the primary's clock reading
// and a PREPAREOK echoes the one of the PREPARE or COMMIT it answers.
var Optional = map[MsgType][]Field{
	Prepare:          {FLog, FEpoch, FClock},
	Request:          {FEpoch},
	PrepareOk:        {FEpoch, FClock},
	Reply:            {FEpoch, FCommitNumber},
	Commit:           {FEpoch, FClock},
	StartViewChange:  {FEpoch},
	DoViewChange:     {FCheckpoint, FEpoch},
	StartView:        {FCheckpoint, FEpoch},
	Recovery:         {FEpoch},
	RecoveryResponse: {FCheckpoint, FEpoch},
	GetState:         {FEpoch},
	NewState:         {FCheckpoint, FEpoch},
}

// LogStart is the op-number after which m's log starts: its checkpoint's op-number if it
// carries one, and for NEWSTATE at least fromOpNumber; 0 for a DOVIEWCHANGE, STARTVIEW or
// RECOVERYRESPONSE without one.
func (m *Message) LogStart() int {
	s := 0
	if m.Type == NewState {
		s = m.FromOpNumber
	}
	if m.Checkpoint != nil {
		s = max(s, m.Checkpoint.OpNumber)
	}
	return s
}

// epochOptional lists the message types whose epoch is optional (the version 1 ones).
var epochOptional = []MsgType{Request, Prepare, PrepareOk, Reply, Commit, StartViewChange, DoViewChange,
	StartView, Recovery, RecoveryResponse, GetState, NewState}

// ReplicaState is a replica's state after an action. The log is given as a change:
// the log after the action is the first LogKeep entries of the log before it, then LogAdd.
type ReplicaState struct {
	ViewNumber     int     `json:"viewNumber"`
	Status         string  `json:"status"`
	OpNumber       int     `json:"opNumber"`
	CommitNumber   int     `json:"commitNumber"`
	LastNormalView int     `json:"lastNormalView"`
	Nonce          int     `json:"nonce"`
	LogKeep        int     `json:"logKeep"`
	LogAdd         []Entry `json:"logAdd"`
	// Checkpoint (version 4) is the op-number of the replica's latest checkpoint: its log
	// holds only entries Checkpoint+1..OpNumber. The log after the action is then the log
	// before it up to op-number LogKeep, the entries up to Checkpoint (committed, covered by
	// the checkpoint), and LogAdd from max(LogKeep, Checkpoint)+1 on.
	Checkpoint int `json:"checkpoint"`
	// Reconfiguration (version 5): epoch-number, the epoch's configuration and the one
	// before it (old-configuration; [] in epoch 0), each a sorted list of replica ids.
	EpochNumber int   `json:"epochNumber"`
	Config      []int `json:"config"`
	OldConfig   []int `json:"oldConfig"`
	// Clock (version 7) is the replica's clock reading at the action, in thousandths of a
	// tick: what its lease decisions used (see README.md, Reads under leases).
	Clock int `json:"clock"`
}

// ClientState is a client's state after an action.
type ClientState struct {
	View          int  `json:"view"`
	RequestNumber int  `json:"requestNumber"`
	Pending       bool `json:"pending"`
	// Epoch (version 5) is the latest epoch the client knows of.
	Epoch int `json:"epoch"`
	// CommitNumber (version 6) is the largest commit-number of any REPLY the client received:
	// what its READs ask a replica to have reached.
	CommitNumber int `json:"commitNumber"`
}

// Event is one trace line after the header: one instance of a VR.tla action.
type Event struct {
	Seq    int    `json:"seq"`
	Tick   int    `json:"tick"`
	Action string `json:"action"`
	// Replica is set for replica actions and Client for client actions (else -1 in Go, absent
	// in JSON).
	Replica     int           `json:"replica"`
	Client      int           `json:"client"`
	Msg         *Message      `json:"msg"`
	Sent        []Message     `json:"sent"`
	State       *ReplicaState `json:"state"`
	ClientState *ClientState  `json:"clientState"`
}

// Header is line 1 of a trace.
type Header struct {
	Format   string `json:"format"`
	Version  int    `json:"version"`
	Seed     int64  `json:"seed"`
	Replicas int    `json:"replicas"`
	F        int    `json:"f"`
	Clients  int    `json:"clients"`
	// Bugs lists the implementation's bug switches that were on (never null: [] when none).
	Bugs []string `json:"bugs"`
	// Batch is the primary's batch size B (version 3; 0, written only when above 1, is no
	// batching): what the checker needs to know of the configuration to validate a step.
	Batch int `json:"batch"`
	// Universe (version 5; written only when above Replicas) is the number of replica ids,
	// 0..Universe-1, of which the first configuration is 0..Replicas-1: the others start idle
	// and join when a reconfiguration adds them. 0 reads as Replicas.
	Universe int `json:"universe"`
	// CheckpointEvery is K (version 4; 0, written only when above 0, is no checkpoints): a
	// replica takes a checkpoint once its commit-number is K past its latest one.
	CheckpointEvery int `json:"checkpointEvery"`
	// Reads (version 6; "", not written, is every get through the log) is how gets are
	// served: "backup" (§6.2, READ at a backup, causal).
	Reads string `json:"reads"`
	// Lease and Drift (version 7, with reads "lease"): the lease length L in ticks, and the
	// bound ρ on every replica's clock drift, in parts per thousand.
	Lease int `json:"lease"`
	Drift int `json:"drift"`
	// Scenario is the writer's full configuration as a JSON object, for reproduction; the
	// checker does not interpret it.
	Scenario map[string]any `json:"scenario"`
}

// Nodes is the number of replica ids in the trace: the universe.
func (h *Header) Nodes() int {
	if h.Universe > h.Replicas {
		return h.Universe
	}
	return h.Replicas
}

// FormatConfig writes a configuration as a RECONFIGURATION entry's value: the ids, comma
// separated ("1,2,3").
func FormatConfig(ids []int) string {
	b := make([]byte, 0, 4*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(id), 10)
	}
	return string(b)
}

// ParseConfig reads FormatConfig's form; the ids must be strictly increasing and >= 0.
func ParseConfig(s string) ([]int, error) {
	var ids []int
	for _, f := range strings.Split(s, ",") {
		id, err := strconv.Atoi(f)
		if err != nil || id < 0 || len(ids) > 0 && id <= ids[len(ids)-1] {
			return nil, fmt.Errorf("configuration %q: want strictly increasing replica ids, comma separated", s)
		}
		ids = append(ids, id)
	}
	return ids, nil
}
