#!/usr/bin/env bash
# The whole hydration flow on a throwaway repository: hydrate, change,
# diff, check (fails), hydrate again, check (passes). Run it from anywhere:
# `bash docs/walkthrough.sh` (set STRATA to the binary if `strata` is not on
# PATH). It makes a repository in a temporary directory, prints each
# command and what it says, and removes the directory. It stops with an
# error if any step does not do what it says here.
set -euo pipefail
strata=${STRATA:-strata}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cd "$repo"
g() { git -c user.name=demo -c user.email=demo@example.com -c commit.gpgsign=false "$@"; }
step() { printf '\n== %s\n' "$*"; }
g init -q -b main

mkdir -p base overlays/dev overlays/prod
cat > base/kustomization.yaml <<'K'
resources:
- deployment.yaml
K
cat > base/deployment.yaml <<'K'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
K
printf 'resources:\n- ../../base\nnamespace: dev\n' > overlays/dev/kustomization.yaml
printf 'resources:\n- ../../base\nnamespace: prod\nreplicas:\n- name: web\n  count: 3\n' > overlays/prod/kustomization.yaml
g add -A && g commit -qm "first"

step "strata envs: the environments found (overlays/*)"
"$strata" envs

step "strata hydrate: each environment rendered to its branch env/NAME"
"$strata" hydrate
g log --oneline env/prod
g ls-tree -r --name-only env/prod

step "strata check: the hydrated output is up to date"
"$strata" check

step "a change: prod runs 5 replicas (committed)"
sed -i.bak 's/count: 3/count: 5/' overlays/prod/kustomization.yaml && rm overlays/prod/kustomization.yaml.bak
g commit -qam "prod: 5 replicas"

step "strata diff HEAD~1..HEAD: what the change renders to"
"$strata" diff HEAD~1..HEAD --color never

step "strata check: env/prod is now stale (exit 1, with the diff)"
if "$strata" check; then
  echo "walkthrough: strata check should have failed here" >&2
  exit 1
fi

step "strata hydrate again: env/prod gets the new manifest (each branch records the new source)"
"$strata" hydrate

step "strata check: up to date again"
"$strata" check
g log --format='%h %s%n%(trailers:only,unfold)' env/prod

step "hydrating the same source again changes nothing (same commit id)"
before=$(g rev-parse env/prod)
"$strata" hydrate
test "$(g rev-parse env/prod)" = "$before"
echo "env/prod is still $before"
