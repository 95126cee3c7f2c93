package vr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Config is the cluster configuration shared by replicas and clients.
type Config struct {
	Replicas int // N = 2F+1: the first configuration is replicas 0..N-1
	F        int // failures tolerated
	// Universe (reconfiguration, reconfig.go) is the number of replica ids, 0..Universe-1;
	// those beyond the first configuration start idle and join when a reconfiguration adds
	// them. 0 is Replicas.
	Universe       int
	ReplicaTimeout int  // ticks without hearing from the primary before a backup starts a view change
	ClientTimeout  int  // ticks before a client resends its request to all replicas
	Bugs           Bugs // bug switches, all off by default
	// Policy picks among the choices the paper leaves open (see the package doc).
	Policy Policy
	// Batch > 1 makes the primary gather up to Batch requests into one PREPARE, waiting at
	// most BatchWait ticks (at least 1) after the first (batch.go); 0 or 1 is no batching.
	Batch, BatchWait int
	// CheckpointEvery = K > 0 makes a replica checkpoint its service state once its
	// commit-number is K past its latest checkpoint, and discard the log up to it
	// (checkpoint.go); 0 is no checkpoints.
	CheckpointEvery int
	// Reads is how gets are served (reads.go): "" through the log, ReadsBackup as READs a
	// backup answers from its committed state, ReadsLease at the primary under leases
	// (lease.go; §6.2).
	Reads string
	// Lease is L, the lease length in ticks, and Drift ρ, the bound on clock drift in parts
	// per thousand, with reads under leases.
	Lease, Drift int
}

// Policy is a replica's way of making the choices the paper leaves to the implementation.
// Every policy follows traces/README.md; they differ in which permitted action they take.
type Policy int

const (
	// PolicyDefault makes the choices that keep the cluster fast and live.
	PolicyDefault Policy = iota
	// PolicyAlt makes the other permitted choices (a second emitter for the checkers).
	PolicyAlt
)

// Policies lists the policy names, as the --policy flag and the scenario key take them.
var Policies = []string{"default", "alt"}

func (p Policy) String() string {
	if p >= 0 && int(p) < len(Policies) {
		return Policies[p]
	}
	return fmt.Sprintf("policy(%d)", int(p))
}

// ParsePolicy turns a policy name ("" is the default) into a Policy.
func ParsePolicy(name string) (Policy, error) {
	if name == "" {
		return PolicyDefault, nil
	}
	for i, n := range Policies {
		if n == name {
			return Policy(i), nil
		}
	}
	return 0, fmt.Errorf("unknown policy %q (valid: %s)", name, strings.Join(Policies, ", "))
}

// Validate reports what is wrong with c, if anything. NewReplica and NewClient assume a valid
// configuration (they treat timeouts below 1 as 1).
func (c Config) Validate() error {
	var errs []error
	if c.F < 1 {
		errs = append(errs, fmt.Errorf("f = %d, want at least 1", c.F))
	}
	if c.Replicas != 2*c.F+1 {
		errs = append(errs, fmt.Errorf("replicas = %d, want 2f+1 = %d", c.Replicas, 2*c.F+1))
	}
	if c.ReplicaTimeout < 1 {
		errs = append(errs, fmt.Errorf("replica timeout = %d ticks, want at least 1", c.ReplicaTimeout))
	}
	if c.ClientTimeout < 1 {
		errs = append(errs, fmt.Errorf("client timeout = %d ticks, want at least 1", c.ClientTimeout))
	}
	if c.Universe != 0 && c.Universe < c.Replicas {
		errs = append(errs, fmt.Errorf("universe = %d, want 0 or at least replicas = %d", c.Universe, c.Replicas))
	}
	if c.CheckpointEvery < 0 {
		errs = append(errs, fmt.Errorf("checkpoint every = %d ops, want >= 0", c.CheckpointEvery))
	}
	if c.Batch < 0 || c.BatchWait < 0 {
		errs = append(errs, fmt.Errorf("batch = %d, batch wait = %d ticks, want both >= 0", c.Batch, c.BatchWait))
	}
	if _, err := ParseReads(c.Reads); err != nil {
		errs = append(errs, err)
	}
	if c.Reads == ReadsLease && (c.Lease < 1 || c.Drift < 0 || c.Drift > 999) {
		errs = append(errs, fmt.Errorf("lease = %d ticks, drift = %d per mille, want lease >= 1 and drift 0..999", c.Lease, c.Drift))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("vr config: %w", err)
	}
	return nil
}

// Bugs is a set of known VR defects that can be switched on, one at a time or together, to
// show that the checker finds them. Each changes the protocol only at the place of its defect.
type Bugs struct {
	ViewWrap               bool // view-wrap
	CommitWithoutQuorum    bool // commit-without-quorum
	DVCLargestNOnly        bool // dvc-largest-n-only
	DVCMixedViews          bool // dvc-mixed-views
	LateStartView          bool // late-startview
	StateTransferTruncate  bool // statetransfer-truncate
	CommitRegress          bool // commit-regress
	RecoveringParticipates bool // recovering-participates
	RecoveryWithoutPrimary bool // recovery-without-primary
	NoClientTable          bool // no-client-table
	PrepareGap             bool // prepare-gap
	ReplyBeforeCommit      bool // reply-before-commit
	BatchCommitGathered    bool // batch-commit-gathered (needs Config.Batch > 1)
	BatchGap               bool // batch-gap (needs Config.Batch > 1)
	CheckpointUncommitted  bool // checkpoint-uncommitted (needs Config.CheckpointEvery > 0)
	GCNoCheckpoint         bool // gc-no-checkpoint (needs Config.CheckpointEvery > 0)
	BackupReadStale        bool // backup-read-stale (needs Config.Reads = ReadsBackup)
	LeaseNoDrift           bool // lease-no-drift (needs Config.Reads = ReadsLease)
	LeaseIgnorePromise     bool // lease-ignore-promise (needs Config.Reads = ReadsLease)
	// Reconfiguration (reconfig.go).
	EpochAcceptAfterReconfiguration bool // epoch-accept-after-reconfiguration
	EpochShutdownEarly              bool // epoch-shutdown-early
	EpochOldPrepare                 bool // epoch-old-prepare
	EpochStartEpochCommit           bool // epoch-startepoch-commit
}

// universe is the number of replica ids.
func (c Config) universe() int { return max(c.Universe, c.Replicas) }

// BugInfo describes one bug switch.
type BugInfo struct {
	Name        string // the switch's name on the command line and in a trace header
	Description string // what the defective replica does
	Source      string // where the defect comes from
}

// BugCatalog lists every bug switch, sorted by name.
var BugCatalog = func() []BugInfo {
	out := make([]BugInfo, len(bugTable))
	for i, b := range bugTable {
		out[i] = b.BugInfo
	}
	return out
}()

type bugEntry struct {
	BugInfo
	field func(*Bugs) *bool
}

// bugTable is sorted by name (checked by a test).
var bugTable = []bugEntry{
	{BugInfo{"backup-read-stale",
		"with reads at backups, a replica answers a READ from its committed state at once, even when its commit-number is below the READ's (the latest the client saw)",
		"seeded: breaks §6.2 (a backup answers a read only once it has executed up to the op-number the client last saw: the client sees its own writes and nothing older)"},
		func(b *Bugs) *bool { return &b.BackupReadStale }},
	{BugInfo{"batch-commit-gathered",
		"with batching, the primary takes a PREPAREOK of the latest op it prepared as acknowledging every op it has appended, requests still gathering included, and commits them",
		"seeded: breaks §6.1 with §4.1 step 5 (an op commits only once f backups have it)"},
		func(b *Bugs) *bool { return &b.BatchCommitGathered }},
	{BugInfo{"batch-gap",
		"with batching, a backup takes a batched PREPARE that starts after its next op-number: it appends the batch's entries as its next ones and acknowledges the PREPARE's op-number",
		"seeded: breaks §6.1 with §4.1 step 4 (a backup waits until it has all earlier entries)"},
		func(b *Bugs) *bool { return &b.BatchGap }},
	{BugInfo{"checkpoint-uncommitted",
		"with checkpoints, TakeCheckpoint checkpoints the state of the whole log, its uncommitted entries executed, at the op-number, and discards the log up to it",
		"seeded: breaks §5.1 (a checkpoint is of committed, executed state: the commit-number)"},
		func(b *Bugs) *bool { return &b.CheckpointUncommitted }},
	{BugInfo{"commit-regress",
		"a replica receiving STARTVIEW with a lower commit-number lowers its own to it (and rolls its service state back)",
		"seeded: breaks the paper's rule that a commit-number never decreases (§4.2, STARTVIEW)"},
		func(b *Bugs) *bool { return &b.CommitRegress }},
	{BugInfo{"commit-without-quorum",
		"the primary commits everything it has appended on any PREPAREOK of its view, without waiting for f PREPAREOKs covering the operation",
		"seeded: breaks the paper's commit rule (§4.1 step 5: f PREPAREOK messages)"},
		func(b *Bugs) *bool { return &b.CommitWithoutQuorum }},
	{BugInfo{"dvc-largest-n-only",
		"the new primary picks the DOVIEWCHANGE log with the largest op-number, ignoring last-normal-view",
		"seeded: drops the paper's §4.2 step 3 rule that the log with the largest last-normal-view wins (op-number only breaks ties)"},
		func(b *Bugs) *bool { return &b.DVCLargestNOnly }},
	{BugInfo{"dvc-mixed-views",
		"the new primary counts DOVIEWCHANGEs from earlier views toward the quorum of its current view",
		"seeded: breaks the paper's §4.2 step 3 (f+1 DOVIEWCHANGE messages for the same view)"},
		func(b *Bugs) *bool { return &b.DVCMixedViews }},
	{BugInfo{"epoch-accept-after-reconfiguration",
		"the primary does not check the top of its log: it keeps accepting client requests after a RECONFIGURATION is in its log, and they commit in the old epoch",
		"seeded: breaks §7.1 (the primary stops accepting requests once the reconfiguration is in its log; a new primary after a view change checks the top of its log)"},
		func(b *Bugs) *bool { return &b.EpochAcceptAfterReconfiguration }},
	{BugInfo{"epoch-old-prepare",
		"a replica of a new epoch accepts a PREPARE of an earlier epoch as if it were of its own",
		"seeded: breaks §7.2 (no replica accepts normal-case messages of an earlier epoch)"},
		func(b *Bugs) *bool { return &b.EpochOldPrepare }},
	{BugInfo{"epoch-shutdown-early",
		"a replaced replica shuts down after f' EPOCHSTARTEDs from the new group instead of f'+1",
		"seeded: breaks §7.2 (a replaced replica waits for f'+1 replicas of the new group to be up to date; with f' of them, f' crashes lose the old group's state)"},
		func(b *Bugs) *bool { return &b.EpochShutdownEarly }},
	{BugInfo{"epoch-startepoch-commit",
		"a replica of the old group that holds the RECONFIGURATION at STARTEPOCH's op-number takes STARTEPOCH as its commit, executing its own log up to there",
		"found in this implementation (explore --reconfig --policy alt, seed 431, lost committed operations): the entry may be of a view whose other entries a view change replaced; §7.2 has an old replica learn the commit as any other (COMMIT of its view) or get the state by state transfer"},
		func(b *Bugs) *bool { return &b.EpochStartEpochCommit }},
	{BugInfo{"gc-no-checkpoint",
		"with checkpoints, a GETSTATE asking for entries the replica discarded is answered with the entries it holds, as if they followed the requested op-number, without the checkpoint",
		"seeded: breaks §5.2 (entries are discarded only once a replica that needs them can have them or the checkpoint)"},
		func(b *Bugs) *bool { return &b.GCNoCheckpoint }},
	{BugInfo{"late-startview",
		"a replica already normal in view v accepts a STARTVIEW for v and replaces its log with the message's",
		"seeded: the paper's §4.2 step 5 applies STARTVIEW only to a replica still in the view change"},
		func(b *Bugs) *bool { return &b.LateStartView }},
	{BugInfo{"lease-ignore-promise",
		"with reads under leases, a backup starts and joins view changes while the lease it granted (echoing a PREPARE's or COMMIT's stamp) still runs on its clock",
		"seeded: breaks §6.2 (a backup that granted a lease does not start a view change until the lease has expired)"},
		func(b *Bugs) *bool { return &b.LeaseIgnorePromise }},
	{BugInfo{"lease-no-drift",
		"with reads under leases, the primary counts on a lease for the full L ticks on its own clock after the echoed stamp, without the margin for clock drift",
		"seeded: breaks §6.2 (leases rely on loosely synchronized clocks: the primary must allow for its clock running slow and the backups' fast)"},
		func(b *Bugs) *bool { return &b.LeaseNoDrift }},
	{BugInfo{"no-client-table",
		"the primary does not consult the client-table: a resent (or old) request is appended and executed again",
		"seeded: drops the paper's §4.1 step 2 duplicate detection"},
		func(b *Bugs) *bool { return &b.NoClientTable }},
	{BugInfo{"prepare-gap",
		"a backup accepts a PREPARE that skips op-numbers: it appends the entry as its next one and acknowledges the PREPARE's op-number",
		"seeded: breaks the paper's §4.1 step 4 (a backup waits until it has all earlier entries)"},
		func(b *Bugs) *bool { return &b.PrepareGap }},
	{BugInfo{"recovering-participates",
		"a recovering replica answers RECOVERY and takes part in view changes (with its empty log)",
		"seeded: breaks the paper's §4.3 rule that a recovering replica takes no part in requests or view changes"},
		func(b *Bugs) *bool { return &b.RecoveringParticipates }},
	{BugInfo{"recovery-without-primary",
		"recovery completes on f+1 RECOVERYRESPONSEs even without one from the primary of the latest view (adopting a non-primary's empty log)",
		"seeded: breaks the paper's §4.3 step 3 (the responses must include the primary of the latest view)"},
		func(b *Bugs) *bool { return &b.RecoveryWithoutPrimary }},
	{BugInfo{"reply-before-commit",
		"the primary sends the REPLY (with the result the operation will have) as soon as it appends the request, before it commits",
		"seeded: breaks the paper's §4.1 step 5 (reply only after commit)"},
		func(b *Bugs) *bool { return &b.ReplyBeforeCommit }},
	{BugInfo{"statetransfer-truncate",
		"on learning of a later view from a PREPARE or COMMIT, a replica truncates its log to its commit-number, becomes normal in that view and sends GETSTATE",
		"the paper §5.2 (state transfer); shown unsafe by Vanlightly's TLA+ analysis of VR-revisited (2022) and by TLC here, see traces/README.md"},
		func(b *Bugs) *bool { return &b.StateTransferTruncate }},
	{BugInfo{"view-wrap",
		"a timed-out replica moves to view (v+1) mod (N-1), so view-numbers wrap around and are reused",
		"original DistAlgo VR program"},
		func(b *Bugs) *bool { return &b.ViewWrap }},
}

// ParseBugs turns switch names into a Bugs set. An unknown name is an error listing the valid
// ones.
func ParseBugs(names []string) (Bugs, error) {
	var b Bugs
	for _, name := range names {
		found := false
		for _, e := range bugTable {
			if e.Name == name {
				*e.field(&b) = true
				found = true
				break
			}
		}
		if !found {
			valid := make([]string, len(bugTable))
			for i, e := range bugTable {
				valid[i] = e.Name
			}
			return Bugs{}, fmt.Errorf("unknown bug switch %q (valid: %s)", name, strings.Join(valid, ", "))
		}
	}
	return b, nil
}

// Names lists the switches that are on, sorted; never nil.
func (b Bugs) Names() []string {
	out := []string{}
	for _, e := range bugTable {
		if *e.field(&b) {
			out = append(out, e.Name)
		}
	}
	sort.Strings(out)
	return out
}
