#!/usr/bin/env bash
# The spec's CI steps, called by .ci/run (its budget table lists their measured times):
#
#   bash spec/ci.sh [--full] VRCHECK_BINARY
#
# With the TLA+ tools in ../shared/tla (or $TLA_TOOLS): SANY on every module; TLC on MCVR.cfg,
# MCVR_live.cfg, every bug model and every witness; TraceVR under TLC on a fresh trace. The Go
# engine (vrcheck tla) checks the same safety models, and where both finish, their distinct-state
# counts must be equal; on a violation, the invariant and the counterexample's length must be.
# Without TLC it says what it skipped and runs the engine's checks only. --full adds the long
# runs: the other safety models under both checkers, each bug model with Bugs = {} (must run
# clean), and the safe-but-not-live variant's lasso.
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
lock() { if command -v flock >/dev/null; then flock /tmp/vrcheck-heavy.lock "$@"; else "$@"; fi; }

have_tlc=0
if [ -x "$tools/tlc" ] && [ -x "$tools/sany" ] && command -v java >/dev/null; then have_tlc=1; fi
skipped=()

step() { printf '\n== %s\n' "$*"; t0=$SECONDS; }
took() { echo "($((SECONDS - t0)) s)"; }

# run CHECKER NAME CFG TLA [TIMEOUT]: runs TLC or the engine, output in $tmp/NAME.CHECKER.
run() {
  local checker=$1 name=$2 cfg=$3 spec=$4 limit=${5:-900} rc
  set +e
  if [ "$checker" = tlc ]; then
    lock timeout "$limit" "$tools/tlc" -workers 2 -metadir "$(mktemp -d -p "$tmp")" \
      -config "$cfg" "$spec" >"$tmp/$name.$checker" 2>&1
  else
    lock timeout "$limit" "$vrcheck" tla check -workers 2 -config "$cfg" "$spec" \
      >"$tmp/$name.$checker" 2>&1
  fi
  rc=$?
  set -e
  if [ $rc -eq 124 ]; then
    echo "$checker on $cfg: no verdict within ${limit}s" >&2
    tail -5 "$tmp/$name.$checker" >&2
    exit 1
  fi
}

# The figures of one run, as "verdict|distinct|generated|depth|length".
figures() {
  local f=$1 verdict distinct generated depth length
  verdict=$(grep -Eo '^Error: (Invariant|Action property|Temporal properties were) [A-Za-z_~]* ?(is )?violated' "$f" | head -1 || true)
  if grep -q 'Model checking completed. No error has been found.' "$f"; then verdict=clean; fi
  if [ -z "$verdict" ]; then verdict=error; fi
  distinct=$(grep -Eo '[0-9,]+ distinct states found, [0-9,]+ states left' "$f" | tail -1 | cut -d' ' -f1 | tr -d ,)
  generated=$(grep -Eo '^[0-9,]+ states generated' "$f" | tail -1 | cut -d' ' -f1 | tr -d ,)
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
  echo "$v; $(grep -Eo 'Finished in .*' "$tmp/$2.$1" | head -1 || true)"
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
      "Error: Temporal properties were violated") [ "$want" = temporal ] || fail "$checker on $cfg: expected $want" ;;
      *) fail "$checker on $cfg: expected $want to be violated" ;;
    esac
  fi
}

# both NAME CFG WANT [TIMEOUT]: TLC (if present) and the engine; their verdicts must agree.
both() {
  local name=$1 cfg=$2 want=$3 limit=${4:-900} a b
  if [ $have_tlc -eq 1 ]; then expect tlc "$name" "$cfg" MCVR.tla "$want" "$limit"; fi
  expect engine "$name" "$cfg" MCVR.tla "$want" "$limit"
  if [ $have_tlc -eq 1 ]; then
    IFS='|' read -r va da _ _ la <<<"$(figures "$tmp/$name.tlc")"
    IFS='|' read -r vb db _ _ lb <<<"$(figures "$tmp/$name.engine")"
    if [ "$want" = clean ]; then
      [ "$da" = "$db" ] || { last=$tmp/$name.engine; fail "$cfg: TLC found $da distinct states, the engine $db"; }
      echo "TLC and the engine agree: $da distinct states"
    else
      [ "$va" = "$vb" ] && [ "$la" = "$lb" ] ||
        { last=$tmp/$name.engine; fail "$cfg: TLC says '$va' in $la states, the engine '$vb' in $lb"; }
      echo "TLC and the engine agree: $want, counterexample of $la states"
    fi
  fi
}

# tlc_only NAME CFG TLA WANT [TIMEOUT]: a check only TLC can do (liveness, or too long for the engine).
tlc_only() {
  if [ $have_tlc -eq 1 ]; then expect tlc "$@"; else skipped+=("TLC on $2 (expects ${4})"); fi
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

step "MCVR.cfg, the main safety model: TLC and the engine, equal state counts"
both main MCVR.cfg clean
took

step "Bug models: each violates its invariant (TLC and the engine agree on it and the length)"
while read -r name want; do
  both "bug_$name" "MCVR_bug_$name.cfg" "$want"
done <<'EOF'
recovery-without-primary OnePrimaryPerView
recovering-participates AcknowledgedWritesExistOnMajority
commit-regress CommitNumberMonotonic
statetransfer-truncate AcknowledgedWriteNotLost
late-startview CommitNumberAtMostOpNumber
dvc-largest-n-only AcknowledgedWriteNotLost
dvc-mixed-views AcknowledgedWriteNotLost
EOF
took

step "Witnesses: the models reach the hard cases (each ~Situation is violated)"
while read -r cfg want; do
  tlc_only "witness_${cfg%.cfg}" "$cfg" MCVR.tla "$want"
done <<'EOF'
EOF
took

step "MCVR_live.cfg: liveness under TLC"
tlc_only live MCVR_live.cfg MCVR.tla clean
took

step "TraceVR under TLC on a fresh trace (vrcheck sim --seed 11)"
"$vrcheck" sim --seed 11 --out "$tmp/trace.ndjson" >/dev/null
if [ $have_tlc -eq 1 ]; then
  VRCHECK_TRACE=$tmp/trace.ndjson expect tlc trace TraceVR.cfg TraceVR.tla clean 300
  # One altered commit-number must be rejected (TraceVR reports a deadlock at that event).
  perl -pe 'if (!$d && s/("state":\{[^}]*"commitNumber":)([0-9]+)/$1.($2+7)/e) { $d = 1 }' \
    "$tmp/trace.ndjson" >"$tmp/bad.ndjson"
  cmp -s "$tmp/trace.ndjson" "$tmp/bad.ndjson" && { echo "FAIL: could not alter the trace" >&2; exit 1; }
  run tlc trace_bad TraceVR.cfg TraceVR.tla 300
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
    nb=$(clean_copy "$cfg")
    if [ $have_tlc -eq 1 ]; then expect tlc "nobug_$cfg" "$nb" MCVR.tla clean 1800
    else expect engine "nobug_$cfg" "$nb" MCVR.tla clean 1800; fi
    rm -f "$nb"
  done
  took
fi

if [ ${#skipped[@]} -gt 0 ]; then
  printf '\nspec/ci.sh: TLA+ tools not found in %s (set TLA_TOOLS): skipped\n' "$tools"
  printf '  - %s\n' "${skipped[@]}"
fi
echo "spec/ci.sh passed"
