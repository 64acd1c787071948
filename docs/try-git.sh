#!/usr/bin/env bash
# Try strata's git side on a throwaway repository: environments, diff and
# affected. Run it from anywhere: `bash docs/try-git.sh` (set STRATA to the
# binary if `strata` is not on PATH). It makes a repository in a temporary
# directory, prints what each command says, and removes the directory.
set -euo pipefail
strata=${STRATA:-strata}
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT
cd "$repo"
g() { git -c user.name=demo -c user.email=demo@example.com -c commit.gpgsign=false "$@"; }
g init -q

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
echo "the base is documented here" > base/README.md
printf 'resources:\n- ../../base\nnamespace: dev\n' > overlays/dev/kustomization.yaml
printf 'resources:\n- ../../base\nnamespace: prod\nreplicas:\n- name: web\n  count: 3\n' > overlays/prod/kustomization.yaml
g add -A && g commit -qm "first"

echo "== strata envs"
"$strata" envs

echo "== a change in prod only, uncommitted: strata diff (HEAD against the working tree)"
sed -i 's/count: 3/count: 5/' overlays/prod/kustomization.yaml
"$strata" diff --color never
g commit -qam "prod: 5 replicas"

echo "== a change to the README nothing renders: strata affected HEAD~1..HEAD"
echo "more words" >> base/README.md
g commit -qam "docs"
out=$("$strata" affected HEAD~1..HEAD)
echo "${out:-(none)}"

echo "== a change to the shared base: strata affected --format json"
sed -i 's/nginx:1.27/nginx:1.28/' base/deployment.yaml
g commit -qam "nginx 1.28"
"$strata" affected HEAD~1..HEAD --format json

echo "== the pull-request comment for the last three commits: strata diff --format markdown"
"$strata" diff HEAD~3..HEAD --format markdown
