"""The shrinker: reduces a failing tree while its disagreement keeps its kind.

Edits are tried coarse to fine: drop a file, drop a document, a mapping
entry or a sequence item (shallow ones first), write a flow collection in
block style, simplify a scalar to `x`, drop a line of a text file, turn
CRLF off. An edit is kept when strata and the oracle still disagree in the
same way (`differ`, `strata-rejects`, ...); the walk goes on from where it
was, and starts again after a full pass that changed something, until a
pass changes nothing or the budget of builds is spent.
"""

import copy

from yamlout import Anchor, Flow, Lit, Raw, Text, Yaml, render


def children(v):
    """(step, child) of a node; a wrapper has the one step `w`."""
    if isinstance(v, (Anchor, Flow)):
        return [("w", v.v)]
    if isinstance(v, dict):
        return [(("k", k), x) for k, x in v.items()]
    if isinstance(v, list):
        return [(("i", i), x) for i, x in enumerate(v)]
    return []


def walk(v, path=()):
    yield path, v
    for step, x in children(v):
        yield from walk(x, path + (step,))


def get(root, path):
    for step in path:
        root = root.v if step == "w" else root[step[1]]
    return root


def delete(root, path):
    parent, step = get(root, path[:-1]), path[-1]
    if step == "w":
        raise ValueError("a wrapper's value is not deleted alone")
    del parent[step[1]]


def replace(root, path, new):
    if not path:
        raise ValueError("root")
    parent, step = get(root, path[:-1]), path[-1]
    if step == "w":
        parent.v = new
    else:
        parent[step[1]] = new


def unreferenced(files, root):
    """Files no other file names (by file name, or by directory for a kustomization)."""
    texts = {p: render(f).decode("utf-8", "replace") for p, f in files.items()}
    out = []
    for p in files:
        d, base = p.rsplit("/", 1) if "/" in p else ("", p)
        if d == root:
            if base == "kustomization.yaml":
                continue
        name = d if base == "kustomization.yaml" else base
        if not any(name in t for q, t in texts.items() if q != p):
            out.append(p)
    return out


def drop_dir(fs, d):
    for p in [p for p in fs if p.startswith(d + "/")]:
        del fs[p]


def halves(v):
    """For a long mapping or sequence: edits that drop its first or its second half."""
    n = len(v)
    if n < 4:
        return []
    keys = list(v.keys()) if isinstance(v, dict) else list(range(n))
    return [keys[: n // 2], keys[n // 2:]]


def drop_many(root, path, keys):
    node = get(root, path)
    for k in sorted(keys, reverse=True) if isinstance(node, list) else keys:
        del node[k]


def candidates(files, root="overlay"):
    """The edits of `files`, coarse first, each a function editing a copy in place."""
    out = []
    dirs = sorted({p.rsplit("/", 1)[0] for p in files if "/" in p} - {root})
    for d in dirs:
        out.append(("drop dir %s" % d, lambda fs, d=d: drop_dir(fs, d)))
    # The kustomizations' fields and list entries first: dropping one
    # unreferences whole files and directories, which `gc` then removes.
    deletions, simplify = [], []
    kusts = [p for p in sorted(files) if p.endswith("kustomization.yaml") and isinstance(files[p], Yaml)]
    for p in kusts:
        for path, v in walk(files[p].docs):
            if 2 <= len(path) <= 3 and "w" not in path:
                out.append(("drop %s %s" % (p, path), lambda fs, p=p, path=path: delete(fs[p].docs, path)))
    for p in sorted(files):
        f = files[p]
        if not isinstance(f, Yaml):
            continue
        for path, v in walk(f.docs):
            if isinstance(v, (dict, list)):
                for keys in halves(v):
                    out.append(("drop half", lambda fs, p=p, path=path, keys=keys: drop_many(fs[p].docs, path, keys)))
            if path and path[-1] != "w":
                deletions.append((len(path), p, path))
            if isinstance(v, Flow):
                simplify.append((p, path, "block"))
            elif isinstance(v, (str, int, float)) and not isinstance(v, bool) and path and v != "x":
                simplify.append((p, path, "x"))
    deletions.sort(key=lambda t: t[0])
    for p in sorted(files):
        out.append(("drop file %s" % p, lambda fs, p=p: fs.pop(p)))
    for _, p, path in deletions:
        out.append(("drop %s %s" % (p, path), lambda fs, p=p, path=path: delete(fs[p].docs, path)))
    for p, path, how in simplify:
        if how == "block":
            out.append(("block %s %s" % (p, path),
                        lambda fs, p=p, path=path: replace(fs[p].docs, path, get(fs[p].docs, path).v)))
        else:
            out.append(("simplify %s %s" % (p, path),
                        lambda fs, p=p, path=path: replace(fs[p].docs, path, simpler(get(fs[p].docs, path)))))
    for p in sorted(files):
        f = files[p]
        if isinstance(f, Text):
            for i in range(f.text.count("\n") + 1):
                out.append(("drop line %d of %s" % (i, p), lambda fs, p=p, i=i: drop_line(fs[p], i)))
        if getattr(f, "crlf", False):
            out.append(("lf %s" % p, lambda fs, p=p: setattr(fs[p], "crlf", False)))
    return out


def simpler(v):
    """A simpler scalar: text becomes `x`, a number 1; embedded documents are only dropped whole."""
    if isinstance(v, Lit):
        raise ValueError("embedded documents are dropped whole")
    if isinstance(v, Raw):
        return "x"
    if isinstance(v, bool):
        raise ValueError("bool")
    if isinstance(v, (int, float)):
        if v == 1:
            raise ValueError("already simple")
        return 1
    if len(v) > 1:
        return "x"
    raise ValueError("already simple")


def drop_line(f, i):
    lines = f.text.split("\n")
    if i >= len(lines):
        raise IndexError(i)
    del lines[i]
    f.text = "\n".join(lines)


def shrink(tools, files, root, kind, budget=300):
    """The smallest tree found whose disagreement is still `kind`, and the builds tried."""
    files = copy.deepcopy(files)
    steps = 0

    def same(new):
        nonlocal steps
        steps += 1
        return tools.both(new, root, recheck=False)[0] == kind

    def gc():
        """Drops the files nothing names any more, in one build."""
        nonlocal files
        dead = unreferenced(files, root)
        if dead:
            new = copy.deepcopy(files)
            for p in dead:
                del new[p]
            if same(new):
                files = new

    gc()
    changed = True
    while changed and steps < budget:
        changed = False
        i = 0
        while steps < budget:
            cands = candidates(files, root)
            if i >= len(cands):
                break
            _, edit = cands[i]
            new = copy.deepcopy(files)
            try:
                edit(new)
            except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                i += 1
                continue
            if root + "/kustomization.yaml" not in new:
                i += 1
                continue
            if same(new):
                files, changed = new, True
                gc()
            else:
                i += 1
    return files, steps
