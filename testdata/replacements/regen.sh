#!/bin/sh
# Regenerates each case's expected output from the oracle, kubectl kustomize
# (kubectl 1.37.1 = kustomize v5.8.1): expected.yaml on success, or
# expected-error.txt (kubectl's stderr, the input path replaced by $INPUT).
# Usage: testdata/replacements/regen.sh   (from anywhere)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
for case in "$here"/cases/*/; do
  case=${case%/}
  input="$case/input"
  rm -f "$case/expected.yaml" "$case/expected-error.txt"
  if out=$(cd "$input" && kubectl kustomize . 2>/tmp/regen-err.$$); then
    printf '%s\n' "$out" > "$case/expected.yaml"
  else
    sed "s|$input|\$INPUT|g" /tmp/regen-err.$$ > "$case/expected-error.txt"
  fi
  rm -f /tmp/regen-err.$$
done
