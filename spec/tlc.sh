#!/usr/bin/env bash
# Checks spec/ with the TLA+ tools: SANY on every module, TLC on the small model MCVR.cfg and,
# given a trace, trace validation with TraceVR.cfg.
#
#   TLA2TOOLS_JAR=/path/tla2tools.jar COMMUNITY_MODULES_JAR=/path/CommunityModules.jar \
#       COMMUNITY_DEPS_JAR=/path/CommunityModules-deps.jar bash spec/tlc.sh [TRACE.ndjson]
#
# Without TLA2TOOLS_JAR it takes the three jars from ../shared/tla beside the repository, if there.
#
# TLC_MODEL picks another model (default MCVR.cfg), TLC_WORKERS the TLC workers (default 2).
# Without TLA2TOOLS_JAR it says so and exits 0 (the tools cannot be installed everywhere);
# with it, any SANY or TLC error, violation or deadlock makes it exit non-zero.
set -euo pipefail

shared=$(cd "$(dirname "$0")/../.." && pwd)/shared/tla
if [ -z "${TLA2TOOLS_JAR:-}" ] && [ -f "$shared/tla2tools.jar" ]; then
  TLA2TOOLS_JAR=$shared/tla2tools.jar
  COMMUNITY_MODULES_JAR=${COMMUNITY_MODULES_JAR:-$shared/CommunityModules.jar}
  COMMUNITY_DEPS_JAR=${COMMUNITY_DEPS_JAR:-$shared/CommunityModules-deps.jar}
fi
if [ -z "${TLA2TOOLS_JAR:-}" ]; then
  echo "TLA2TOOLS_JAR is not set and ../shared/tla is absent: skipped SANY and TLC"
  exit 0
fi
if [ ! -f "$TLA2TOOLS_JAR" ]; then
  echo "TLA2TOOLS_JAR=$TLA2TOOLS_JAR: no such file" >&2
  exit 2
fi
if [ -z "${COMMUNITY_MODULES_JAR:-}" ] || [ ! -f "$COMMUNITY_MODULES_JAR" ]; then
  echo "COMMUNITY_MODULES_JAR is not set or not a file: TraceVR.tla needs its Json and IOUtils modules (CommunityModules.jar)" >&2
  exit 2
fi
if [ -z "${COMMUNITY_DEPS_JAR:-}" ] || [ ! -f "$COMMUNITY_DEPS_JAR" ]; then
  echo "COMMUNITY_DEPS_JAR is not set or not a file: the Json overrides need CommunityModules-deps.jar" >&2
  exit 2
fi

trace=""
if [ $# -gt 1 ]; then
  echo "usage: bash spec/tlc.sh [TRACE.ndjson]" >&2
  exit 2
fi
if [ $# -eq 1 ]; then
  if [ ! -f "$1" ]; then
    echo "$1: no such trace file" >&2
    exit 2
  fi
  trace=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fi

cd "$(dirname "$0")"
cp="$TLA2TOOLS_JAR:$COMMUNITY_MODULES_JAR:$COMMUNITY_DEPS_JAR"
model=${TLC_MODEL:-MCVR.cfg}
workers=${TLC_WORKERS:-2}
meta=$(mktemp -d)
trap 'rm -rf "$meta"' EXIT

# SANY's exit status is not reliable across versions: also look for its error reports.
for m in VR MCVR TraceVR; do
  echo "== SANY $m.tla"
  if ! java -cp "$cp" tla2sany.SANY "$m.tla" >"$meta/sany.out" 2>&1 ||
    grep -Eq '\*\*\* Errors|[Pp]arse [Ee]rror|Semantic errors|Fatal errors|Lexical error|Could not parse|Unknown operator|Cannot find source file' "$meta/sany.out"; then
    cat "$meta/sany.out"
    echo "SANY failed on $m.tla" >&2
    exit 1
  fi
  grep -E '^(Parsing|Semantic processing)' "$meta/sany.out" || true
done

# TLC exits non-zero on a violation, a deadlock (when checked) or an error.
tlc() {
  local rc
  set +e
  java -XX:+UseParallelGC -cp "$cp" tlc2.TLC -workers "$1" -metadir "$meta/$2" -config "$2" "$3" \
    2>&1 | tee "$meta/tlc.out"
  rc=${PIPESTATUS[0]}
  set -e
  if [ "$rc" -ne 0 ] || ! grep -q 'No error has been found' "$meta/tlc.out"; then
    echo "TLC failed on $2 ($3), exit status $rc" >&2
    exit 1
  fi
}

# The paper's freedoms (resends, GETSTATE to any replica) grew MCVR.cfg far past the default
# CI budget (MCVR_ci.cfg alone: 239,402 -> about 1.4 M distinct states); the model run needs new
# bounds (issue 10, point 3) and runs only when asked: TLC_MODEL=MCVR.cfg or .ci/run --full.
if [ -n "${TLC_MODEL:-}" ] || [ "${VRCHECK_FULL:-}" = 1 ]; then
  echo "== TLC $model"
  tlc "$workers" "$model" MCVR.tla
else
  echo "== TLC $model: SKIPPED (state space over the default budget since the freedoms; .ci/run --full runs it)"
fi

if [ -n "$trace" ]; then
  echo "== TLC TraceVR.cfg on $trace"
  VRCHECK_TRACE=$trace tlc 1 TraceVR.cfg TraceVR.tla
fi
echo "spec/tlc.sh: passed (what was skipped is marked SKIPPED above)"
