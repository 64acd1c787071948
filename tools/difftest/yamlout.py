"""A small YAML writer for generated trees, with the styles the tester needs.

A file is a `Yaml` (documents of plain Python values plus the wrappers
below) or a `Text`. The wrappers let a tree say *how* a value is spelled,
since that is what the tester is after: `Raw` is written verbatim as a
plain scalar (so `Raw("010")` is whatever YAML makes of `010`), `Flow`
writes a collection in flow style, `Anchor`/`Alias` give `&a`/`*a`, `Lit`
a literal block scalar. Plain `str` values are always written so that they
read back as that string (plain when safe, else quoted).
"""

import json
import re


class Raw(str):
    """A scalar written verbatim, unquoted: YAML's resolver decides its type."""


class Lit(str):
    """A string written as a literal block scalar (`|`), when it can be."""


class Flow:
    """A mapping or sequence written in flow style."""

    def __init__(self, v):
        self.v = v

    def __eq__(self, o):
        return isinstance(o, Flow) and o.v == self.v


class Anchor:
    """A value carrying an anchor `&name`."""

    def __init__(self, name, v):
        self.name, self.v = name, v


class Alias:
    """An alias `*name`."""

    def __init__(self, name):
        self.name = name


class Yaml:
    """A YAML file: documents, optionally with CRLF line ends and a leading `---`."""

    def __init__(self, docs, crlf=False, lead=False):
        self.docs, self.crlf, self.lead = docs, crlf, lead


class Text:
    """A file written as it is (env files, data files); `crlf` turns \\n into \\r\\n."""

    def __init__(self, text, crlf=False):
        self.text, self.crlf = text, crlf


# Plain scalars that read back as the same string under YAML 1.1 and 1.2
# (so no yes/no/on/off either: sigs.k8s.io/yaml reads with YAML 1.1 rules).
SAFE_PLAIN = re.compile(r"^[A-Za-z_/][A-Za-z0-9_./-]*$")
KEYWORDS = {
    "null", "true", "false", "yes", "no", "on", "off", "y", "n",
}


def quote(s, rng_style=None):
    """`s` as a scalar that reads back as the string `s`."""
    if SAFE_PLAIN.match(s) and s.lower() not in KEYWORDS and rng_style != "double":
        return s
    if rng_style == "single" and not re.search(r"[\x00-\x1f\x7f\x85\u2028\u2029\ufeff]", s) and s.strip() == s:
        return "'" + s.replace("'", "''") + "'"
    out = json.dumps(s, ensure_ascii=False)
    # Characters YAML would read as line breaks or a BOM, escaped.
    for ch in ("\u2028", "\u2029", "\u0085", "\ufeff", "\x7f"):
        out = out.replace(ch, "\\u%04x" % ord(ch))
    return out


def scalar(v):
    """A scalar or flow collection, written on one line."""
    if isinstance(v, Raw):
        return str(v)
    if isinstance(v, Alias):
        return "*" + v.name
    if isinstance(v, Anchor):
        inner = scalar(v.v)
        return "&" + v.name + (" " + inner if inner else "")
    if isinstance(v, Flow):
        return flow(v.v)
    if isinstance(v, (dict, list)):
        return flow(v)
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return quote(str(v))


def flow(v):
    if isinstance(v, Flow):
        v = v.v
    if isinstance(v, dict):
        return "{" + ", ".join(key(k) + ": " + scalar(x) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(scalar(x) for x in v) + "]"
    return scalar(v)


def key(k):
    if isinstance(k, Raw):
        return str(k)
    return quote(str(k))


def is_block(v):
    """Whether `v` is written as an indented block under its key or dash."""
    return isinstance(v, (dict, list)) and len(v) > 0


def lit_ok(s):
    return (
        "\n" in s
        and not re.search(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\r]", s)
        and not s.startswith((" ", "\n"))
        and not s.endswith("\n\n")
        and not re.search(r" \n| $", s)
    )


def lit(s, ind):
    head = "|" if s.endswith("\n") else "|-"
    body = s[:-1] if s.endswith("\n") else s
    return [head] + [(" " * ind + line) if line else "" for line in body.split("\n")]


def block(v, ind):
    """Lines of a block collection at indent `ind`."""
    lines = []
    if isinstance(v, dict):
        for k, x in v.items():
            head = " " * ind + key(k) + ":"
            lines.extend(entry(head, x, ind + 2, ind))
    else:
        for x in v:
            head = " " * ind + "-"
            if is_block(x):
                sub = block(x, ind + 2)
                lines.append(head + " " + sub[0].lstrip())
                lines.extend(sub[1:])
            else:
                lines.extend(entry(head, x, ind + 2, ind + 2))
    return lines


def entry(head, x, map_ind, seq_ind):
    """`head` (a `key:` or `-`) followed by the value `x`."""
    anchor = ""
    if isinstance(x, Anchor) and is_block(x.v):
        anchor, x = " &" + x.name, x.v
    if isinstance(x, Lit) and lit_ok(x):
        ls = lit(x, map_ind)
        return [head + anchor + " " + ls[0]] + ls[1:]
    if is_block(x):
        return [head + anchor] + block(x, map_ind if isinstance(x, dict) else seq_ind)
    s = scalar(x)
    return [head + anchor + (" " + s if s else "")]


def document(v):
    if is_block(v):
        return "\n".join(block(v, 0)) + "\n"
    return scalar(v) + "\n"


def render(f):
    """The bytes of a `Yaml` or `Text` file."""
    if isinstance(f, Text):
        text = f.text
    else:
        parts = [document(d) for d in f.docs]
        text = ("---\n" if f.lead else "") + "---\n".join(parts)
    if f.crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return text.encode("utf-8", "surrogatepass")
