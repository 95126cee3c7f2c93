package traces

import (
	"fmt"
	"slices"
)

// MinVersion is the oldest trace format version the reader reads; Version (trace.go) is the
// newest, and the one the writer writes.
const MinVersion = 1

// Change is what one format version added to the one before it. A trace may use an addition
// only if its header's version is at least the version that added it; an added field is
// required from that version on (older traces read it as its zero value).
type Change struct {
	Actions     []string            // new actions (also listed in Actions)
	MsgTypes    []MsgType           // new message types (also listed in Fields)
	Fields      map[MsgType][]Field // new fields of message types (also listed in Fields)
	StateFields []string            // new replica-state fields (also in ReplicaStateFields)
	Optional    map[MsgType][]Field // new optional fields of message types (also listed in Optional)
}

// Changes holds, for every version after 1, what it added. To add version N: set Version to
// N, add the new names to Actions, Fields or ReplicaStateFields as usual, and list them here
// under N. Nothing is ever removed, so a version N reader reads every version 1..N.
var Changes = map[int]Change{
	// The resends the paper allows (issue 10); version 2 also lets ResendPrepare resend any
	// uncommitted op and GETSTATE go to any replica, which needs no new names.
	2: {Actions: []string{ResendStartViewChange, ResendDoViewChange, ResendStartView}},
	// Batching (issue 14, §6.1): SendPrepare, a PREPARE carrying a batch in log, and the
	// header's batch.
	3: {Actions: []string{SendPrepare}, Optional: map[MsgType][]Field{Prepare: {FLog}}},
	// Checkpoints and log compaction (issue 14, §5.1-5.2): TakeCheckpoint, the replica
	// state's checkpoint, the optional checkpoint of the messages that carry a log, and the
	// header's checkpointEvery.
	4: {Actions: []string{TakeCheckpoint}, StateFields: []string{"checkpoint"},
		Optional: map[MsgType][]Field{DoViewChange: {FCheckpoint}, StartView: {FCheckpoint}, RecoveryResponse: {FCheckpoint}, NewState: {FCheckpoint}}},
	// Reconfiguration (issue 13, §7): its actions and messages, every message's optional
	// epoch, the replica state's epoch and configurations; also (outside this table) the
	// header's universe, the client state's epoch, the statuses idle, transitioning and
	// shut-down, and the log entry op reconfiguration.
	5: {
		Actions: []string{ReceiveReconfiguration, ReceiveStartEpoch, ReceiveEpochStarted, TimeoutStartEpoch,
			ResendStartEpoch, ClientReconfiguration, ClientReceiveNewEpoch},
		MsgTypes:    []MsgType{Reconfiguration, StartEpoch, EpochStarted, NewEpoch},
		StateFields: []string{"epochNumber", "config", "oldConfig"},
		Optional:    optionalEpoch(),
	},
	// Reads at backups (issue 14, §6.2): the READ message, its actions, REPLY's optional
	// commit-number; also (outside this table) the header's reads and the client state's
	// commitNumber.
	6: {Actions: []string{ReceiveRead, ReplyRead, ClientRead}, MsgTypes: []MsgType{Read},
		Optional: map[MsgType][]Field{Reply: {FCommitNumber}}},
	// Reads under leases (issue 14, §6.2): the replica state's clock, the optional clock of
	// PREPARE, COMMIT and PREPAREOK; also (outside this table) the header's reads "lease",
	// lease and drift.
	7: {StateFields: []string{"clock"}, Optional: map[MsgType][]Field{Prepare: {FClock}, Commit: {FClock}, PrepareOk: {FClock}}},
}

// WriteVersion is the version a Writer writes for a trace with header h: h.Version if the
// writer declares one (a run that reconfigures declares ReconfigurationVersion, 5, since
// the header alone does not show it), else the oldest one that has everything the
// configuration can use, and never below 3, so that a trace of a configuration without the
// options of a later version stays byte for byte what it was: 6 with reads outside the log
// (reads), 5 with a universe larger than the first configuration, 4 with checkpoints (checkpointEvery > 0), else 3.
func WriteVersion(h *Header) int {
	if h.Version != 0 {
		return h.Version
	}
	return max(3, needVersion(h))
}

// needVersion is the oldest version that has the header's fields.
func needVersion(h *Header) int {
	switch {
	case h.Reads == ReadsLease:
		return LeaseVersion
	case h.Reads != "":
		return ReadsVersion
	case h.Universe > h.Replicas:
		return ReconfigurationVersion
	case h.CheckpointEvery > 0:
		return 4
	case h.Batch > 1:
		return 3
	}
	return MinVersion
}

// optionalEpoch is version 5's optional epoch of every version 1 message type.
func optionalEpoch() map[MsgType][]Field {
	m := map[MsgType][]Field{}
	for _, t := range epochOptional {
		m[t] = []Field{FEpoch}
	}
	return m
}

// ReconfigurationVersion is the version that added reconfiguration: the client state's
// epoch, the statuses idle, transitioning and shut-down, and the op reconfiguration, which
// Changes cannot express, are read from it on.
const ReconfigurationVersion = 5

// ReadsVersion is the version that added reads outside the log (§6.2): the header's reads
// and the client state's commitNumber are read from it on.
const ReadsVersion = 6

// LeaseVersion is the version that added reads under leases: the header's reads "lease",
// lease and drift are read from it on.
const LeaseVersion = 7

// ReadsLease is the header's reads value of reads at the primary under leases (version 7).
const ReadsLease = "lease"

// ReadModes lists the header's values of reads (version 6; "lease": version 7).
var ReadModes = []string{"backup", ReadsLease}

// ReplicaStateFields lists the fields of a replica's state, in the order they are written.
var ReplicaStateFields = []string{"viewNumber", "status", "opNumber", "commitNumber", "lastNormalView", "nonce", "logKeep", "logAdd", "checkpoint",
	"epochNumber", "config", "oldConfig", "clock"}

// versions is the table the reader uses: Changes applied to the current schema.
var versions = func() *versionTable {
	t, err := newVersionTable(Changes, Version)
	if err != nil {
		panic("traces: " + err.Error())
	}
	return t
}()

// versionTable says which version introduced each name (a name not in it is in version 1)
// and holds each version's schema.
type versionTable struct {
	current int
	action  map[string]int
	typ     map[MsgType]int
	field   map[MsgType]map[Field]int
	opt     map[MsgType]map[Field]int
	state   map[string]int
	schemas []*schema // index: version
}

// schema is what a trace of one version may and must contain, as the reader's bit sets.
type schema struct {
	version   int
	t         *versionTable
	fieldMask map[MsgType]uint32 // the fields (id, type, from, to and payload) each type must have
	optMask   map[MsgType]uint32 // the Optional fields each type may have
	stateMask uint32             // bit i: ReplicaStateFields[i]
}

// newVersionTable derives the per-version schemas from changes, checking that changes only
// name what the current schema has.
func newVersionTable(changes map[int]Change, current int) (*versionTable, error) {
	t := &versionTable{current: current, action: map[string]int{}, typ: map[MsgType]int{},
		field: map[MsgType]map[Field]int{}, opt: map[MsgType]map[Field]int{}, state: map[string]int{}}
	for v, c := range changes {
		if v <= MinVersion || v > current {
			return nil, fmt.Errorf("Changes has version %d, outside %d..%d", v, MinVersion+1, current)
		}
		for _, a := range c.Actions {
			if _, ok := Actions[a]; !ok {
				return nil, fmt.Errorf("version %d adds action %q, which is not in Actions", v, a)
			}
			t.action[a] = v
		}
		for _, m := range c.MsgTypes {
			if _, ok := Fields[m]; !ok {
				return nil, fmt.Errorf("version %d adds message type %s, which is not in Fields", v, m)
			}
			t.typ[m] = v
		}
		for m, fs := range c.Fields {
			for _, f := range fs {
				if !slices.Contains(Fields[m], f) {
					return nil, fmt.Errorf("version %d adds field %q to %s, which Fields does not list", v, f, m)
				}
				if t.field[m] == nil {
					t.field[m] = map[Field]int{}
				}
				t.field[m][f] = v
			}
		}
		for m, fs := range c.Optional {
			for _, f := range fs {
				if !slices.Contains(Optional[m], f) {
					return nil, fmt.Errorf("version %d adds optional field %q to %s, which Optional does not list", v, f, m)
				}
				if t.opt[m] == nil {
					t.opt[m] = map[Field]int{}
				}
				t.opt[m][f] = v
			}
		}
		for _, f := range c.StateFields {
			if !slices.Contains(ReplicaStateFields, f) {
				return nil, fmt.Errorf("version %d adds state field %q, which ReplicaStateFields does not list", v, f)
			}
			t.state[f] = v
		}
	}
	if len(ReplicaStateFields) > 32 {
		return nil, fmt.Errorf("more than 32 replica-state fields")
	}
	t.schemas = make([]*schema, current+1)
	for v := MinVersion; v <= current; v++ {
		s := &schema{version: v, t: t, fieldMask: map[MsgType]uint32{}, optMask: map[MsgType]uint32{}}
		for m, fs := range Fields {
			if t.typeSince(m) > v {
				continue
			}
			var mask uint32 = 0xf // id, type, from, to
			for _, f := range fs {
				if t.fieldSince(m, f) <= v {
					mask |= payloadBit(f)
				}
			}
			s.fieldMask[m] = mask
			for _, f := range Optional[m] {
				if t.optSince(f, m) <= v {
					s.optMask[m] |= payloadBit(f)
				}
			}
		}
		for i, f := range ReplicaStateFields {
			if t.stateSince(f) <= v {
				s.stateMask |= 1 << i
			}
		}
		t.schemas[v] = s
	}
	return t, nil
}

func (t *versionTable) actionSince(a string) int          { return max(t.action[a], 1) }
func (t *versionTable) typeSince(m MsgType) int           { return max(t.typ[m], 1) }
func (t *versionTable) fieldSince(m MsgType, f Field) int { return max(t.field[m][f], 1) }
func (t *versionTable) stateSince(f string) int           { return max(t.state[f], 1) }
func (t *versionTable) optSince(f Field, m MsgType) int {
	if v, ok := t.opt[m][f]; ok {
		return v
	}
	return t.current + 1 // listed in Optional but in no version: never allowed
}

// supported names the range of versions for error messages.
func (t *versionTable) supported() string {
	if MinVersion == t.current {
		return fmt.Sprintf("version %d", t.current)
	}
	return fmt.Sprintf("versions %d..%d", MinVersion, t.current)
}

// ActionSince returns the format version that introduced action a.
func ActionSince(a string) int { return versions.actionSince(a) }

// MsgTypeSince returns the format version that introduced message type t.
func MsgTypeSince(t MsgType) int { return versions.typeSince(t) }

// FieldSince returns the format version that introduced field f of message type t.
func FieldSince(t MsgType, f Field) int { return versions.fieldSince(t, f) }

// StateFieldSince returns the format version that introduced replica-state field f.
func StateFieldSince(f string) int { return versions.stateSince(f) }

// versionError says that a trace uses something newer than its header's version.
func versionError(what string, since, version int) error {
	return fmt.Errorf("%s is in trace format version %d and later; this trace's header says version %d", what, since, version)
}
