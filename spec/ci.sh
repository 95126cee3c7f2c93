#!/usr/bin/env bash
# The spec's CI steps, called by .ci/run (its budget table lists their measured times):
#
#   bash spec/ci.sh [--full] VRCHECK_BINARY
#
# With the TLA+ tools in ../shared/tla beside the repository (or $TLA_TOOLS): SANY on every
# module; TLC on the safety models, every bug model and every witness; TraceVR under TLC on a
# fresh trace. The Go engine (vrcheck tla check) checks the models marked "both" too: where both
# finish clean, their distinct-state counts must be equal; on a violation, the invariant and the
# counterexample's length must be. Without TLC it says what it skipped and runs the engine's
# checks only. --full adds the long runs: each bug model with Bugs = {} (must run clean) and
# the models marked "full" below.
set -euo pipefail

full=0
if [ "${1:-}" = "--full" ]; then full=1; shift; fi
if [ $# -ne 1 ] || [ ! -x "$1" ]; then
  echo "usage: bash spec/ci.sh [--full] VRCHECK_BINARY" >&2
  exit 2
fi
vrcheck=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")"
tools=${TLA_TOOLS:-../../shared/tla}
export TLA_JAVA_OPTS=${TLA_JAVA_OPTS:--Xmx6g}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" MCVR_nobug_$$.cfg' EXIT
# Heavy runs share the machine: the lock keeps them one at a time (absent flock: run anyway).
# VRCHECK_HEAVY_LOCK= (empty) turns it off, for a caller that already holds it.
heavy_lock=${VRCHECK_HEAVY_LOCK-/tmp/vrcheck-heavy.lock}
lock() {
  if [ -n "$heavy_lock" ] && command -v flock >/dev/null; then flock "$heavy_lock" "$@"; else "$@"; fi
}

have_tlc=0
if [ -x "$tools/tlc" ] && [ -x "$tools/sany" ] && command -v java >/dev/null; then have_tlc=1; fi
skipped=()

step() { printf '\n== %s\n' "$*"; t0=$SECONDS; }
took() { echo "($((SECONDS - t0)) s)"; }

# The checks. when: default (every run) or full (--full only). checkers: tlc, engine or both
# (engine alone runs even without TLC; tlc alone is skipped, and said so, without it). want:
# clean, or the invariant or action property that must be reported violated (temporal: TLC's
# "Temporal properties were violated"). limit: seconds. module: the spec the cfg checks.
# A witness names its model: it must be that model with only its INVARIANT changed; a variant
# names it as MODEL+Bugs: it must be that model with only its Bugs line changed.
checks() {
  cat <<'EOF'
# when    checkers cfg                                       want                              limit module      model
# The safety models (README.md, Models) and their witnesses.
default   both     MCVR.cfg                                   clean                             900   MCVR.tla
default   both     MCVR_witness_two-clients.cfg               WitnessTwoClientsCommitted        300   MCVR.tla    MCVR.cfg
default   both     MCVR_viewchange.cfg                        clean                             900   MCVR.tla
default   both     MCVR_viewchange_witness_decisive-lnv.cfg   WitnessDecisiveLastNormalView     300   MCVR.tla    MCVR_viewchange.cfg
default   both     MCVR_viewchange_witness_view2.cfg          WitnessLaterViewStarted           300   MCVR.tla    MCVR_viewchange.cfg
default   both     MCVR_recovery.cfg                          clean                             900   MCVR.tla
default   both     MCVR_recovery_witness_recovered.cfg        WitnessRecoveredAfterCrash        300   MCVR.tla    MCVR_recovery.cfg
default   both     MCVR_recovery_witness_new-state.cfg        WitnessStateTransferred           300   MCVR.tla    MCVR_recovery.cfg
default   both     MCVR_bug_recovery-without-primary.cfg      OnePrimaryPerView                 120   MCVR.tla
default   both     MCVR_bug_recovering-participates.cfg       CommittedWritesExistOnMajority    180   MCVR.tla
default   tlc      MCVR_bug_commit-regress.cfg                CommitNumberMonotonic             300   MCVR.tla
default   tlc      MCVR_bug_late-startview.cfg                MessagePromises                   600   MCVR.tla
default   both     MCVR_bug_statetransfer-truncate.cfg        CommittedWriteNotLost             300   MCVR.tla
# The view-change defects, in their directed models (MCVR_dvc.tla; README.md, Bug variants).
default   both     MCVR_bug_dvc-largest-n-only.cfg            CommittedWriteNotLost             600   MCVR_dvc.tla
default   both     MCVR_bug_dvc-mixed-views.cfg               CommittedWriteNotLost             600   MCVR_dvc.tla
# Liveness (README.md, Liveness): the live model, its witnesses, the safe-but-not-live variant.
default   both     MCVR_live.cfg                              clean                             900   MCVR_live.tla
default   both     MCVR_live_witness_AllDone.cfg              NotAllDone                        120   MCVR_live.tla MCVR_live.cfg
default   both     MCVR_live_witness_LostStartViewJoined.cfg  NotLostStartViewJoined            120   MCVR_live.tla MCVR_live.cfg
default   both     MCVR_live_no-resend-startview.cfg          temporal                          900   MCVR_live.tla MCVR_live.cfg+Bugs
# Checkpoints (README.md, Checkpoints): state transfer from a checkpoint, the two checkpoint bugs,
# the view-change model and its witnesses.
default   both     MCVR_checkpoint_transfer.cfg               clean                             600   MCVR.tla
default   both     MCVR_checkpoint_transfer_witness_in-new-state.cfg WitnessCheckpointInNewState 300 MCVR.tla MCVR_checkpoint_transfer.cfg
default   both     MCVR_bug_gc-no-checkpoint.cfg              MessagePromises                   300   MCVR.tla    MCVR_checkpoint_transfer.cfg+Bugs
default   both     MCVR_bug_checkpoint-uncommitted.cfg        CheckpointIsCommitted             300   MCVR.tla
default   both     MCVR_checkpoint.cfg                        clean                             900   MCVR.tla
default   both     MCVR_checkpoint_witness_in-start-view.cfg  WitnessCheckpointInStartView      300   MCVR.tla    MCVR_checkpoint.cfg
default   both     MCVR_checkpoint_witness_restored-later.cfg WitnessCheckpointRestoredLater    300   MCVR.tla    MCVR_checkpoint.cfg
# Reads under leases (README.md, Reads under leases): the model, its witness, the two lease- bugs.
default   both     MCVR_lease.cfg                             clean                             300   MCVR.tla
default   both     MCVR_lease_witness_read.cfg                WitnessLeaseReadAfterTick         120   MCVR.tla    MCVR_lease.cfg
default   both     MCVR_bug_lease-no-drift.cfg                LeaseReadCovered                  120   MCVR.tla    MCVR_lease.cfg+Bugs
default   both     MCVR_bug_lease-ignore-promise.cfg          LeasePromiseKept                  120   MCVR.tla    MCVR_lease.cfg+Bugs
# Reconfiguration (README.md, Reconfiguration): the model's witnesses, two epoch- bug models;
# the model itself (clean) is below, under --full.
default   both     MCVR_reconfig_witness_completed.cfg        WitnessReconfigurationCompleted   300   MCVR_reconfig.tla MCVR_reconfig.cfg
default   both     MCVR_reconfig_witness_view-change.cfg      WitnessViewChangeDuringReconfiguration 300 MCVR_reconfig.tla MCVR_reconfig.cfg
default   both     MCVR_bug_epoch-accept-after-reconfiguration.cfg NoCommitAfterReconfiguration 300 MCVR_reconfig.tla
default   both     MCVR_bug_epoch-shutdown-early.cfg          CommittedWritesExistOnMajority    300   MCVR_reconfig.tla MCVR_reconfig.cfg+Bugs
default   engine   MCVR_bug_epoch-startepoch-commit.cfg       NoLogDivergence                   900   MCVR_reconfig.tla
# Not yet within the default budget (README.md, Models and Bug variants: measured so far).
full      tlc      MCVR_bug_epoch-startepoch-commit.cfg       NoLogDivergence                   900   MCVR_reconfig.tla
full      both     MCVR_reconfig.cfg                          clean                             1800  MCVR_reconfig.tla
EOF
}

# run CHECKER NAME CFG TLA [TIMEOUT]: runs TLC or the engine, output in $tmp/NAME.CHECKER.
run() {
  local checker=$1 name=$2 cfg=$3 spec=$4 limit=${5:-900} rc
  set +e
  if [ "$checker" = tlc ]; then
    lock timeout "$limit" "$tools/tlc" -workers 2 -noGenerateSpecTE -metadir "$(mktemp -d -p "$tmp")" \
      -config "$cfg" "$spec" >"$tmp/$name.$checker" 2>&1
  else
    lock timeout "$limit" "$vrcheck" tla check -workers 2 -progress 10m -config "$cfg" "$spec" \
      >"$tmp/$name.$checker" 2>&1
  fi
  rc=$?
  set -e
  if [ $rc -eq 124 ]; then
    echo "FAIL: $checker on $cfg: no verdict within ${limit}s" >&2
    tail -5 "$tmp/$name.$checker" >&2
    exit 1
  fi
}

# The figures of one run, as "verdict|distinct|generated|depth|length".
figures() {
  local f=$1 verdict distinct generated depth length
  verdict=$(grep -Eo '^Error: (Invariant|Action property) [A-Za-z_]+ is violated|^Error: Temporal propert(ies were|y [A-Za-z_]+ was) violated' "$f" | head -1 || true)
  if grep -q 'No error has been found' "$f"; then verdict=clean; fi
  if [ -z "$verdict" ]; then verdict=error; fi
  distinct=$(grep -Eo '[0-9,]+ distinct states found' "$f" | tail -1 | cut -d' ' -f1 | tr -d , || true)
  generated=$(grep -Eo '^[0-9,]+ states generated' "$f" | tail -1 | cut -d' ' -f1 | tr -d , || true)
  depth=$(grep -Eo 'complete state graph search is [0-9]+' "$f" | grep -Eo '[0-9]+$' || true)
  length=$(grep -Ec '^State [0-9]+:' "$f" || true)
  echo "$verdict|${distinct:-?}|${generated:-?}|${depth:-}|$length"
}

show() { # CHECKER NAME
  local v
  IFS='|' read -r verdict distinct generated depth length <<<"$(figures "$tmp/$2.$1")"
  v="$1 $2: $verdict; $distinct distinct states, $generated generated"
  if [ -n "$depth" ]; then v="$v, depth $depth"; fi
  if [ "$verdict" != clean ]; then v="$v; counterexample of $length states"; fi
  echo "$v; $(grep -Eo 'Finished in [^(]*' "$tmp/$2.$1" | head -1 || true)"
}

fail() { echo "FAIL: $*" >&2; tail -30 "$last" >&2; exit 1; }

# expect CHECKER NAME CFG TLA WANT [TIMEOUT]: WANT is "clean" or the violated invariant or property.
expect() {
  local checker=$1 name=$2 cfg=$3 spec=$4 want=$5 limit=${6:-900}
  run "$checker" "$name" "$cfg" "$spec" "$limit"
  last=$tmp/$name.$checker
  show "$checker" "$name"
  IFS='|' read -r verdict distinct generated depth length <<<"$(figures "$last")"
  if [ "$want" = clean ]; then
    [ "$verdict" = clean ] || fail "$checker on $cfg: expected no error"
  else
    case "$verdict" in
      "Error: Invariant $want is violated" | "Error: Action property $want is violated") ;;
      "Error: Temporal propert"*) [ "$want" = temporal ] || fail "$checker on $cfg: expected $want" ;;
      *) fail "$checker on $cfg: expected $want to be violated" ;;
    esac
  fi
}

# compare NAME CFG WANT: TLC's and the engine's figures of the same model must agree.
compare() {
  local name=$1 cfg=$2 want=$3
  IFS='|' read -r va da _ _ la <<<"$(figures "$tmp/$name.tlc")"
  IFS='|' read -r vb db _ _ lb <<<"$(figures "$tmp/$name.engine")"
  last=$tmp/$name.engine
  if [ "$want" = clean ]; then
    [ "$da" = "$db" ] || fail "$cfg: TLC found $da distinct states, the engine $db"
    echo "TLC and the engine agree: $da distinct states"
  elif [ "$want" = temporal ]; then
    # TLC checks liveness on the part of the graph found so far and stops at the first
    # violation, the engine after the whole BFS: their state counts differ, and so may their
    # lassos (any fair cycle that violates a property is one). Both must find a violation.
    case "$va|$vb" in
      "Error: Temporal propert"*"|Error: Temporal propert"*) ;;
      *) fail "$cfg: TLC says '$va', the engine '$vb'" ;;
    esac
    echo "TLC and the engine agree: temporal properties violated (TLC: lasso of $la states, $da distinct states so far; the engine: $lb states, $db distinct)"
  else
    # The engine's BFS reports a shortest counterexample; TLC with 2 workers may report a
    # longer one (MCVR_checkpoint_witness_in-start-view: 13 or 15 states from run to run).
    [ "$va" = "$vb" ] && [ -n "$lb" ] && [ -n "$la" ] && [ "$lb" -le "$la" ] ||
      fail "$cfg: TLC says '$va' in $la states, the engine '$vb' in $lb"
    if [ "$la" = "$lb" ]; then
      echo "TLC and the engine agree: $want, counterexample of $la states"
    else
      echo "TLC and the engine agree: $want; counterexample of $lb states (the engine, shortest) and $la (TLC, 2 workers)"
    fi
  fi
}

# A witness is its model with only the invariants changed: everything before INVARIANT(S) or
# PROPERTY(IES) (constants, specification, constraints), comments and blank lines aside, must be
# equal. A variant (MODEL+Bugs) is its model with only the Bugs line changed: the whole file,
# comments and blank lines aside, must be equal but for that line, which must differ.
uncommented() { grep -Ev '^[[:space:]]*(\\\*.*)?$' "$1"; }
head_of() { uncommented "$1" | sed -n '1,/^\(INVARIANT\|PROPERT\)/p' | grep -Ev '^(INVARIANT|PROPERT)'; }
same_model() {
  local model=${2%+Bugs}
  if [ "$model" != "$2" ]; then
    if ! diff <(uncommented "$model" | grep -v '^ *Bugs = ') <(uncommented "$1" | grep -v '^ *Bugs = ') >"$tmp/diff" ||
      [ "$(grep '^ *Bugs = ' "$model")" = "$(grep '^ *Bugs = ' "$1")" ]; then
      cat "$tmp/diff"; echo "FAIL: variant $1 is not model $model with another Bugs line" >&2; exit 1
    fi
  elif ! diff <(head_of "$2") <(head_of "$1") >"$tmp/diff"; then
    cat "$tmp/diff"; echo "FAIL: witness $1 is not model $2 with another invariant" >&2; exit 1
  fi
}

# A copy of a bug model with Bugs = {} (beside MCVR.tla, which TLC looks for in the cfg's folder).
clean_copy() {
  local out=MCVR_nobug_$$.cfg
  sed 's/^\( *Bugs = \).*/\1{}/' "$1" >"$out"
  grep -q '^ *Bugs = {}$' "$out" || { echo "$1: no Bugs line" >&2; exit 1; }
  echo "$out"
}

mods=(*.tla)
step "SANY on every module (${mods[*]})"
if [ $have_tlc -eq 1 ]; then
  for m in "${mods[@]}"; do
    # SANY's exit status is not reliable across versions: also look for its error reports.
    if ! "$tools/sany" "$m" >"$tmp/sany.out" 2>&1 ||
      grep -Eq '\*\*\* Errors|[Pp]arse [Ee]rror|Semantic errors|Fatal errors|Lexical error|Could not parse|Unknown operator|Cannot find source file' "$tmp/sany.out"; then
      cat "$tmp/sany.out"; echo "FAIL: SANY on $m" >&2; exit 1
    fi
    echo "SANY: $m ok"
  done
else
  skipped+=("SANY on ${mods[*]}")
fi
"$vrcheck" tla parse "${mods[@]}" >/dev/null
echo "vrcheck tla parse: ${mods[*]} ok"
took

while read -r when checkers cfg want limit module model; do
  case "$when" in '#'* | '') continue ;; esac
  if [ "$when" = full ] && [ $full -eq 0 ]; then
    skipped+=("$cfg (--full only)"); continue
  fi
  name=${cfg%.cfg}
  step "$cfg: $( [ "$want" = clean ] && echo "no error" || echo "$want violated")"
  if [ -n "$model" ]; then same_model "$cfg" "$model"; fi
  if [ "$checkers" != engine ]; then
    if [ $have_tlc -eq 1 ]; then expect tlc "$name" "$cfg" "$module" "$want" "$limit"
    else skipped+=("TLC on $cfg (expects $want)"); fi
  fi
  if [ "$checkers" != tlc ]; then expect engine "$name" "$cfg" "$module" "$want" "$limit"; fi
  if [ "$checkers" = both ] && [ $have_tlc -eq 1 ]; then compare "$name" "$cfg" "$want"; fi
  took
done < <(checks)

step "TraceVR under TLC on a fresh trace (vrcheck sim --seed 11)"
"$vrcheck" sim --seed 11 --out "$tmp/trace.ndjson" >/dev/null
if [ $have_tlc -eq 1 ]; then
  VRCHECK_TRACE=$tmp/trace.ndjson expect tlc trace TraceVR.cfg TraceVR.tla clean 300
  # One altered commit-number must be rejected (TraceVR reports a deadlock at that event).
  perl -pe 'if (!$d && s/("state":\{[^}]*"commitNumber":)([0-9]+)/$1.($2+7)/e) { $d = 1 }' \
    "$tmp/trace.ndjson" >"$tmp/bad.ndjson"
  cmp -s "$tmp/trace.ndjson" "$tmp/bad.ndjson" && { echo "FAIL: could not alter the trace" >&2; exit 1; }
  VRCHECK_TRACE=$tmp/bad.ndjson run tlc trace_bad TraceVR.cfg TraceVR.tla 300
  grep -q 'Deadlock reached' "$tmp/trace_bad.tlc" ||
    { last=$tmp/trace_bad.tlc; fail "TraceVR accepted a trace with a commit-number altered"; }
  echo "tlc trace_bad: rejected (deadlock), as expected"
else
  skipped+=("TraceVR under TLC")
fi
took

if [ $full -eq 1 ]; then
  step "--full: each bug model with Bugs = {} runs clean (TLC, else the engine)"
  for cfg in MCVR_bug_*.cfg; do
    # The module its row of the table names (MCVR.tla if it has none).
    module=$(checks | awk -v c="$cfg" '$1 !~ /^#/ && $3 == c && !done { print $6; done = 1 }')
    nb=$(clean_copy "$cfg")
    if [ $have_tlc -eq 1 ]; then expect tlc "nobug_${cfg%.cfg}" "$nb" "${module:-MCVR.tla}" clean 1800
    else expect engine "nobug_${cfg%.cfg}" "$nb" "${module:-MCVR.tla}" clean 1800; fi
    rm -f "$nb"
  done
  took
fi

if [ ${#skipped[@]} -gt 0 ]; then
  printf '\nspec/ci.sh skipped:\n'
  if [ $have_tlc -eq 0 ]; then printf '  (TLA+ tools not found in %s; set TLA_TOOLS)\n' "$tools"; fi
  printf '  - %s\n' "${skipped[@]}"
fi
echo "spec/ci.sh passed"
