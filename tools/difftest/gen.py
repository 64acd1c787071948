"""The seeded generator of kustomize trees.

`generate(seed, mutate_share)` returns a `Case`: the files of a tree (path
-> `Yaml`/`Text`), the directory to build (`overlay`), and the features it
uses (for the coverage table). The same seed gives the same tree.

A tree is an overlay over one or two bases (a base may include a nested
base) plus zero to two components. Every layer draws each kustomization
field with its own probability, aiming the field at things that exist
(names of resources, generators and images of the layers below), so most
trees are valid; hostile scalars, anchors, flow style and CRLF are spread
over resources and values. A share of seeds (`mutate_share`) gets one
near-valid mutation that kustomize should reject.
"""

import base64
import random

from yamlout import Alias, Anchor, Flow, Lit, Raw, Text, Yaml

# Strings that YAML, JSON or Go would read as something else if they lost
# their quotes on the way through kustomize.
HOSTILE = [
    "null", "Null", "NULL", "~", "", " ", "010", "0o17", "0b101", "1_000", "+1", "-0",
    "1e3", "1E3", ".5", "5.", "3.14", "1.0", "0x1F", ".inf", "-.Inf", ".nan",
    "1e400", "18446744073709551616", "9223372036854775808", "-9223372036854775809",
    "yes", "no", "on", "off", "y", "n", "Y", "true", "False", "TRUE",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2024-01-01T00:00:00.000Z",
    "2002-12-14 21:59:43.10 -5", "12:30:00", "1:20", "8443", "0", "-1", "=",
    "<<", "日本語", "😀🚀", "é", "e\u0301", "a\tb", "line1\nline2", "trailing ",
    " leading", "#hash", "a: b", "- x", "[x]", "{x}", "*star", "&amp", "!bang",
    "%pct", "@at", "`tick", "'q'", '"dq"', "\\back", "a,b", "x" * 130,
    "word " * 30, "ü" * 90, "\u2028", "tab\there", "multi\nline\n",
]
# The same as plain scalars: what YAML resolves them to is the point.
PLAIN = [
    "010", "0o17", "1_000", "+1", "1e3", "0x1F", "3.14", "1.0", "-0", "007",
    "2001-12-14", "2024-01-01T00:00:00.000Z", "2001-12-14t21:59:43.10-05:00",
    "yes", "no", "on", "off", "true", "~", "null", "", "12:30:00", "1e20",
    "18446744073709551616", "0.0000001", "123456789012345678", ".5",
]
# Timestamps and numbers inside flow sequences and mappings.
FLOW_HOSTILE = [
    "2024-01-01T00:00:00.000Z", "2001-12-14t21:59:43.10-05:00", "2001-12-14",
    "010", "1e3", "0x1F", "+1", "1_000", "~", "null", "yes",
]

# Plain scalars kustomize accepts in `args` (its var expansion rejects numbers
# and booleans there): timestamps, nulls and strings.
ARGS_RAW = ["2024-01-01T00:00:00.000Z", "2001-12-14t21:59:43.10-05:00", "2001-12-14",
            "2002-12-14 21:59:43.10 -5", "yes", "0x1Fz", "1e3x"]
# Numbers and the like go where any type is kept (ConfigMap data, custom resources, flow maps).
FLOW_HOSTILE += ["1.0", "3.14", "0o17", ".5"]

IMAGES = ["nginx", "nginx:1.25", "redis:7", "registry.example.com/team/app:v1",
          "busybox", "ghcr.io/org/tool@sha256:" + "ab" * 32, "postgres:16-alpine"]


class Gen:
    """One tree's generator state."""

    def __init__(self, seed, mutate_share):
        self.rng = random.Random(seed)
        self.seed = seed
        self.mutate = self.rng.random() < mutate_share
        self.files = {}
        self.features = set()
        self.n = 0
        self.images = set()

    def p(self, prob):
        return self.rng.random() < prob

    def pick(self, xs):
        return self.rng.choice(xs)

    def uid(self, stem):
        self.n += 1
        return "%s-%d" % (stem, self.n)

    def feat(self, *names):
        self.features.update(names)

    # ---- scalars ---------------------------------------------------------

    def word(self):
        return self.pick(["alpha", "beta", "gamma", "delta", "web", "db", "api", "x"])

    def value(self):
        """A string value, hostile a good part of the time."""
        if self.p(0.45):
            return self.pick(HOSTILE)
        return self.word() + str(self.rng.randint(0, 99))

    def label_value(self):
        # Label values kustomize accepts: strings, some of them hostile.
        if self.p(0.3):
            return self.pick(["null", "~", "010", "1_000", "+1", "1e3", "0x1F", "yes",
                              "true", "2001-12-14", "", "8443", "-0"])
        return self.word()

    def label_key(self):
        if self.p(0.2):
            return self.pick(["app.kubernetes.io/name", "team", "example.com/tier",
                              "a.b/c-d_e", "app"])
        return self.pick(["app", "tier", "env", "team", "owner"])

    def annotations(self, k=None):
        k = k if k is not None else self.rng.randint(1, 3)
        out = {}
        for _ in range(k):
            key = self.pick(["note", "example.com/v", "a", "build", "owner", "desc", "ünï"])
            out[key] = self.value()
            if self.p(0.08):
                self.feat("scalar:plain")
                out[key] = Raw(self.pick(["\"%s\"" % s for s in ("null", "010", "~")] + ["'+1'"]))
        return out

    # ---- resources -------------------------------------------------------

    def meta(self, name, labels=None, ns=None):
        m = {"name": name}
        if ns:
            m["namespace"] = ns
        if labels:
            m["labels"] = labels
        if self.p(0.35):
            m["annotations"] = self.annotations()
            self.feat("scalar:hostile")
        return m

    def container(self, cms, secrets):
        img = self.pick(IMAGES)
        self.images.add(img.split("@")[0].rsplit(":", 1)[0] if ":" in img.split("/")[-1] or "@" in img else img)
        c = {"name": self.pick(["main", "app", "sidecar"]), "image": img}
        if self.p(0.5):
            args = [self.value() if self.p(0.5) else "--flag=" + self.word() for _ in range(self.rng.randint(1, 4))]
            if self.p(0.12):
                self.feat("scalar:flow")
                args = Flow([Raw(self.pick(ARGS_RAW)) if self.p(0.6) else "--since" for _ in range(self.rng.randint(1, 3))])
            elif self.p(0.03):
                self.feat("scalar:empty-item")
                args.insert(self.rng.randint(0, len(args)), self.pick([Raw(""), Raw("~"), None]))
            elif self.p(0.1):
                self.feat("scalar:plain")
                args.append(Raw(self.pick(ARGS_RAW)))
            c["args"] = args
        if self.p(0.3):
            c["command"] = ["sh", "-c", "echo $(VAR_%d)" % self.rng.randint(0, 2)]
        env = []
        if self.p(0.5):
            env.append({"name": "PLAIN", "value": self.value()})
        if cms and self.p(0.5):
            env.append({"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": self.pick(cms), "key": "k"}}})
        if secrets and self.p(0.4):
            env.append({"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": self.pick(secrets), "key": "k"}}})
        if env:
            c["env"] = env
        if cms and self.p(0.3):
            c["envFrom"] = [{"configMapRef": {"name": self.pick(cms)}}]
        if self.p(0.5):
            c["ports"] = [{"containerPort": self.pick([80, 8080, 8443]), "name": "http"}]
        return c

    def pod_spec(self, refs):
        cms, secrets = refs.get("ConfigMap", []), refs.get("Secret", [])
        spec = {"containers": [self.container(cms, secrets) for _ in range(self.rng.randint(1, 2))]}
        names = [c["name"] for c in spec["containers"]]
        if len(set(names)) < len(names):
            spec["containers"] = spec["containers"][:1]
        if cms and self.p(0.4):
            spec["volumes"] = [{"name": "cfg", "configMap": {"name": self.pick(cms)}}]
        if secrets and self.p(0.3):
            spec.setdefault("volumes", []).append({"name": "sec", "secret": {"secretName": self.pick(secrets)}})
        if refs.get("ServiceAccount") and self.p(0.5):
            spec["serviceAccountName"] = self.pick(refs["ServiceAccount"])
        if self.p(0.15):
            spec["initContainers"] = [{"name": "init", "image": self.pick(IMAGES), "args": Flow(["a", Raw(self.pick(ARGS_RAW))])}]
            self.feat("scalar:flow")
        return spec

    def workload(self, kind, name, refs):
        app = {"app": name}
        tmpl_labels = dict(app)
        sel = {"matchLabels": dict(app)}
        doc = {"apiVersion": "apps/v1", "kind": kind, "metadata": self.meta(name, dict(app) if self.p(0.6) else None)}
        if self.p(0.15):
            # The pod labels and the selector share one anchored mapping.
            self.feat("yaml:anchor")
            sel = {"matchLabels": Anchor("sel", tmpl_labels)}
            tmpl_labels = Alias("sel")
        elif self.p(0.15):
            self.feat("scalar:flow")
            sel = Flow({"matchLabels": Flow(dict(app))})
        spec = {"selector": sel, "template": {"metadata": {"labels": tmpl_labels}, "spec": self.pod_spec(refs)}}
        if self.p(0.6):
            spec["replicas"] = self.rng.randint(1, 5)
        if kind == "StatefulSet":
            if refs.get("Service"):
                spec["serviceName"] = self.pick(refs["Service"])
            if self.p(0.5):
                spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"}, "spec": {
                    "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]
        doc["spec"] = spec
        return doc

    def widget_items(self):
        """A list for a custom resource, with empty and null items and plain scalars of any type."""
        items = [self.value() for _ in range(self.rng.randint(0, 2))]
        if self.p(0.4):
            self.feat("scalar:empty-item")
            items.insert(self.rng.randint(0, len(items)), self.pick([Raw(""), Raw("~"), None, Raw("null")]))
        if self.p(0.5):
            self.feat("scalar:plain")
            items.append(Raw(self.pick(PLAIN)))
        if self.p(0.3):
            self.feat("scalar:flow")
            return Flow([Raw(self.pick(FLOW_HOSTILE)) for _ in range(self.rng.randint(1, 3))])
        return items

    def resource(self, kind, name, refs):
        """One resource of `kind` named `name`, referring to names in `refs`."""
        if kind in ("Deployment", "StatefulSet", "DaemonSet"):
            return self.workload(kind, name, refs)
        if kind == "ConfigMap":
            data = {"k": self.value()}
            for _ in range(self.rng.randint(0, 3)):
                data[self.pick(["a", "b.txt", "c_d", "key-e", "ünicode"])] = self.value()
            if self.p(0.2):
                self.feat("scalar:plain")
                data["plain"] = Raw(self.pick(PLAIN))
            if self.p(0.15):
                data["script"] = Lit("line one\n  indented: %s\nlast\n" % self.word())
            return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.meta(name), "data": data}
        if kind == "Secret":
            d = {"apiVersion": "v1", "kind": "Secret", "metadata": self.meta(name), "type": "Opaque"}
            if self.p(0.5):
                d["data"] = {"k": base64.b64encode(self.value().encode()).decode()}
            else:
                d["stringData"] = {"k": self.value()}
            return d
        if kind == "Service":
            sel = {"app": self.pick(refs.get("Deployment", []) + refs.get("StatefulSet", []) + ["none"])}
            tp = self.pick([8080, "8443", "http", Raw("8443"), Raw("'9000'")])
            return {"apiVersion": "v1", "kind": "Service", "metadata": self.meta(name, {"svc": name}),
                    "spec": {"selector": sel, "ports": [{"port": 80, "targetPort": tp, "protocol": "TCP"}]}}
        if kind == "Ingress":
            svc = self.pick(refs.get("Service", ["missing-svc"]))
            return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": self.meta(name),
                    "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{
                        "path": "/", "pathType": "Prefix",
                        "backend": {"service": {"name": svc, "port": {"number": 80}}}}]}}]}}
        if kind == "CronJob":
            return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": self.meta(name),
                    "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": {
                        "spec": dict(self.pod_spec(refs), restartPolicy="OnFailure")}}}}}
        if kind == "ServiceAccount":
            return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": self.meta(name)}
        if kind == "Role":
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": self.meta(name),
                    "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": Flow(["get", "list"]),
                               "resourceNames": refs.get("ConfigMap", [])[:2]}]}
        if kind == "RoleBinding":
            role = self.pick(refs.get("Role", ["missing-role"]))
            subj = [{"kind": "ServiceAccount", "name": sa, "namespace": "default"} for sa in refs.get("ServiceAccount", [])[:2]]
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": self.meta(name),
                    "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
                    "subjects": subj}
        if kind == "ClusterRole":
            return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": self.meta(name),
                    "rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}]}
        if kind == "HorizontalPodAutoscaler":
            tgt = self.pick(refs.get("Deployment", ["missing-dep"]))
            return {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": self.meta(name),
                    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": tgt},
                             "minReplicas": 1, "maxReplicas": self.rng.randint(2, 9)}}
        if kind == "CustomResourceDefinition":
            return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                    "metadata": {"name": "widgets.example.com"},
                    "spec": {"group": "example.com", "names": {"kind": "Widget", "plural": "widgets"},
                             "scope": "Namespaced", "versions": [{"name": "v1", "served": True, "storage": True,
                                                                  "schema": {"openAPIV3Schema": {"type": "object"}}}]}}
        if kind == "Widget":
            return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": self.meta(name),
                    "spec": {"configRef": {"name": self.pick(refs.get("ConfigMap", ["none"]))},
                             "items": self.widget_items(),
                             "size": self.value(), "when": Raw(self.pick(PLAIN))}}
        if kind == "Namespace":
            return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        raise ValueError(kind)

    # ---- layers ----------------------------------------------------------

    def resources_of_layer(self, d, layer):
        """Resource files of one layer; returns the file names and records ids."""
        kinds = ["ConfigMap", "Secret", "ServiceAccount", "Deployment", "Service", "StatefulSet",
                 "Ingress", "CronJob", "Role", "RoleBinding", "ClusterRole",
                 "HorizontalPodAutoscaler", "Widget", "DaemonSet"]
        chosen = ["ConfigMap", "Deployment"] + [k for k in kinds[1:] if self.p(0.3 if k != "Widget" else 0.45)]
        order = [k for k in kinds if k in chosen]
        refs = layer["refs"]
        docs = []
        for kind in order:
            for _ in range(1 if kind != "ConfigMap" else self.rng.randint(1, 2)):
                name = self.uid(kind.lower()[:3])
                refs.setdefault(kind, []).append(name)
                docs.append(self.resource(kind, name, refs))
                self.feat("kind:" + kind)
        if self.p(0.08) and not self.crd_done:
            self.crd_done = True
            docs.append(self.resource("CustomResourceDefinition", "", refs))
            self.feat("kind:CustomResourceDefinition")
        layer["docs"] = docs
        files = []
        self.rng.shuffle(docs)
        while docs:
            k = self.rng.randint(1, 3)
            chunk, docs = docs[:k], docs[k:]
            fname = "res-%d.yaml" % (len(files) + 1)
            crlf = self.p(0.08)
            if crlf:
                self.feat("yaml:crlf")
            self.files[d + "/" + fname] = Yaml(chunk, crlf=crlf, lead=self.p(0.1))
            files.append(fname)
        return files

    def targets(self, layer):
        """(kind, name) of resources visible to a layer."""
        return [(k, n) for k, ns in layer["refs"].items() for n in ns]

    def smp(self, layer, kind, name):
        if kind in ("Deployment", "StatefulSet", "DaemonSet"):
            c = {"name": "main", "image": self.pick(IMAGES)}
            if self.p(0.3):
                c["args"] = [self.value(), self.pick([Raw(""), Raw("~"), "x"])]
                self.feat("scalar:empty-item")
            body = {"spec": {"template": {"metadata": {"annotations": self.annotations(1)}}}}
            if self.p(0.6):
                body["spec"]["template"]["spec"] = {"containers": [c]}
            if self.p(0.3):
                body["spec"]["replicas"] = self.rng.randint(1, 9)
        elif kind == "ConfigMap":
            body = {"data": {"patched": self.value(), "k": self.value()}}
        elif kind == "Service":
            body = {"spec": {"ports": [{"port": 80, "targetPort": self.pick(["8443", 9090, Raw("'8443'")])}]}}
        elif kind == "Widget":
            body = {"spec": {"items": self.widget_items(), "size": self.value()}}
        else:
            body = {"metadata": {"annotations": self.annotations(1)}}
        api = {"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1"}.get(kind, "v1")
        api = {"Ingress": "networking.k8s.io/v1", "CronJob": "batch/v1", "Widget": "example.com/v1",
               "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
               "ClusterRole": "rbac.authorization.k8s.io/v1",
               "HorizontalPodAutoscaler": "autoscaling/v2"}.get(kind, api)
        doc = {"apiVersion": api, "kind": kind, "metadata": {"name": name}}
        if layer["ns"].get(name):
            doc["metadata"]["namespace"] = layer["ns"][name]
        for k, v in body.items():
            if k == "metadata":
                doc["metadata"].update(v)
            else:
                doc[k] = v
        return doc

    def json_ops(self, kind):
        # `add` of a whole map: the parent exists whatever the resource has.
        ops = [{"op": "add", "path": "/metadata/annotations", "value": {"added": self.value()}}]
        if self.p(0.5):
            ops = [{"op": "add", "path": "/metadata/labels", "value": {"patched": self.label_value()}}]
        if kind in ("Deployment", "StatefulSet") and self.p(0.5):
            ops.append({"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": self.pick(IMAGES)})
        if kind == "ConfigMap" and self.p(0.6):
            ops.append({"op": "add", "path": "/data/json", "value": self.pick([self.value(), 1000, 1.5, True, None])})
        if self.p(0.2):
            ops.append({"op": "test", "path": "/kind", "value": kind})
        return ops

    def target(self, layer, kind, name):
        t = {"kind": kind}
        r = self.rng.random()
        if r < 0.6:
            t["name"] = name
        elif r < 0.7:
            t["name"] = name[:3] + ".*"
        if self.p(0.2):
            t["version"] = "v1" if kind in ("ConfigMap", "Service", "Secret") else None
            if t["version"] is None:
                del t["version"]
        if self.p(0.1) and kind in ("Deployment",):
            t = {"labelSelector": "app=" + name}
        if self.p(0.05):
            t = {"annotationSelector": "note"}
        return t

    def patch_entry(self, d, layer, use_file=None):
        """One entry of `patches:`: SMP or JSON 6902, inline or a file, with or without a target."""
        kind, name = self.pick(self.targets(layer))
        use_file = self.p(0.5) if use_file is None else use_file
        if self.p(0.5):
            self.feat("patches:smp")
            doc = self.smp(layer, kind, name)
            e = {}
            if self.p(0.3):
                e["target"] = {"kind": kind, "name": name}
                if self.p(0.3):
                    e["target"] = {"kind": kind}
                    doc["metadata"]["name"] = "ignored"
        else:
            self.feat("patches:json6902")
            doc = self.json_ops(kind)
            e = {"target": self.target(layer, kind, name)}
        if use_file:
            self.feat("patches:file")
            fname = self.uid("patch") + (".json" if isinstance(doc, list) and self.p(0.3) else ".yaml")
            if fname.endswith(".json"):
                import json
                self.files[d + "/" + fname] = Text(json.dumps(doc, indent=2, ensure_ascii=False))
            else:
                self.files[d + "/" + fname] = Yaml([doc], crlf=self.p(0.05))
            e["path"] = fname
        else:
            self.feat("patches:inline")
            from yamlout import document
            e["patch"] = Lit(document(doc))
        if self.p(0.1):
            e["options"] = {"allowNameChange": True} if "target" in e and isinstance(doc, dict) else {"allowKindChange": False}
        return e

    def gen_entry(self, d, name, kind, merge_of=None):
        """A configMapGenerator or secretGenerator entry."""
        e = {"name": name}
        if merge_of is not None:
            e["behavior"] = self.pick(["merge", "replace"])
            self.feat("generator:behavior-" + e["behavior"])
            if merge_of.get("namespace"):
                e["namespace"] = merge_of["namespace"]
        elif self.p(0.15):
            e["behavior"] = "create"
        if self.p(0.7):
            lits = []
            used = set()
            for _ in range(self.rng.randint(1, 3)):
                k = self.pick(["k", "LIT", "a.b", "x_y", "num", "one"])
                if k in used:
                    continue
                used.add(k)
                v = self.pick(HOSTILE[:60]) if self.p(0.5) else self.word()
                if "\n" in v or "\t" in v:
                    v = "plain"
                lits.append("%s=%s" % (k, v))
            e["literals"] = lits
            self.feat("generator:literals")
        if self.p(0.35):
            fname = self.uid("file") + ".txt"
            self.files[d + "/" + fname] = Text(self.value() + "\n" + self.word() + "\n", crlf=self.p(0.2))
            e["files"] = [fname if self.p(0.6) else "key-%d=%s" % (self.n, fname)]
            self.feat("generator:files")
        if self.p(0.3):
            fname = self.uid("vars") + ".env"
            lines = ["# comment", "E1=%s" % self.word(), "", "E2=%s" % self.pick(["010", "1e3", "~", "yes", "x y", "a=b"])]
            if self.p(0.3):
                lines.append("export E3=z")
            self.files[d + "/" + fname] = Text("\n".join(lines) + "\n", crlf=self.p(0.3))
            e["envs"] = [fname]
            self.feat("generator:envs")
        if "literals" not in e and "files" not in e and "envs" not in e:
            e["literals"] = ["k=v"]
        if kind == "Secret" and self.p(0.3):
            e["type"] = self.pick(["Opaque", "kubernetes.io/tls-not"])
        if self.p(0.3):
            self.feat("generator:options")
            o = {}
            if self.p(0.5):
                o["disableNameSuffixHash"] = True
            if self.p(0.4):
                o["labels"] = {self.label_key(): self.label_value()}
            if self.p(0.4):
                o["annotations"] = self.annotations(1)
            if self.p(0.2):
                o["immutable"] = True
            e["options"] = o
        return e

    def replacement(self, layer):
        """A replacement copying a field of one resource into another."""
        refs = layer["refs"]
        # Only resources written as files have `data.k`; generated ones are named by their generator.
        srcs = [("ConfigMap", n, "data.k") for n in refs.get("ConfigMap", []) if "con-" in n]
        srcs += [("Deployment", n, "spec.template.spec.containers.0.image") for n in refs.get("Deployment", [])]
        srcs += [("Service", n, "metadata.name") for n in refs.get("Service", [])]
        srcs += [("ConfigMap", n, "metadata.name") for n in refs.get("ConfigMap", []) if "con-" not in n]
        kind, name, path = self.pick(srcs)
        r = {"source": {"kind": kind, "name": name, "fieldPath": path}}
        if self.p(0.2):
            r["source"]["options"] = {"delimiter": "/", "index": 0}
        tkind = self.pick(["Deployment", "ConfigMap"])
        tpaths = {"Deployment": ["metadata.annotations.copied", "spec.template.spec.containers.0.env.0.value",
                                 "spec.template.metadata.labels.copied"],
                  "ConfigMap": ["data.copied", "metadata.annotations.note"]}
        t = {"select": {"kind": tkind}, "fieldPaths": [self.pick(tpaths[tkind])]}
        # The paths need not exist: without `create` most would be an error.
        t["options"] = {"create": True}
        if self.p(0.2):
            t["reject"] = [{"name": "nothing-%d" % self.n}]
        r["targets"] = [t]
        return r

    def plugin(self, d, layer, kind):
        """A builtin plugin config of `kind` for `transformers:` or `generators:`."""
        self.feat("plugin:" + kind)
        m = {"apiVersion": "builtin", "kind": kind, "metadata": {"name": self.uid("plg")}}
        fs = lambda path, **kw: [dict({"path": path}, **kw)]
        if kind == "PrefixSuffixTransformer":
            m.update(prefix=self.word() + "-", suffix="-" + self.word(), fieldSpecs=fs("metadata/name"))
        elif kind == "LabelTransformer":
            m.update(labels={self.label_key(): self.label_value()}, fieldSpecs=fs("metadata/labels", create=True))
        elif kind == "AnnotationsTransformer":
            m.update(annotations=self.annotations(), fieldSpecs=fs("metadata/annotations", create=True))
        elif kind == "NamespaceTransformer":
            m["metadata"]["namespace"] = self.pick(["team-a", "prod"])
            m["fieldSpecs"] = fs("metadata/namespace", create=True)
            if self.p(0.3):
                m["unsetOnly"] = True
            if self.p(0.3):
                m["setRoleBindingSubjects"] = self.pick(["defaultOnly", "allServiceAccounts", "none"])
        elif kind == "ImageTagTransformer":
            m.update(imageTag={"name": self.pick(sorted(self.images) or ["nginx"]), "newTag": self.pick(["2.0", "010", "latest"])},
                     fieldSpecs=fs("spec/template/spec/containers/image", kind="Deployment"))
        elif kind == "ReplicaCountTransformer":
            m.update(replica={"name": self.pick(layer["refs"]["Deployment"]), "count": self.rng.randint(0, 7)},
                     fieldSpecs=fs("spec/replicas", kind="Deployment"))
        elif kind == "PatchTransformer":
            e = self.patch_entry(d, layer)
            e.pop("options", None)
            m.update(e)
        elif kind == "PatchStrategicMergeTransformer":
            k, n = self.pick(self.targets(layer))
            if self.p(0.5):
                fname = self.uid("smp") + ".yaml"
                self.files[d + "/" + fname] = Yaml([self.smp(layer, k, n)])
                m["paths"] = [fname]
            else:
                from yamlout import document
                m["patches"] = Lit(document(self.smp(layer, k, n)))
        elif kind == "PatchJson6902Transformer":
            k, n = self.pick(self.targets(layer))
            t = {"kind": k, "name": n}
            m["target"] = t
            import json
            m["jsonOp"] = json.dumps(self.json_ops(k), ensure_ascii=False)
        elif kind == "ReplacementTransformer":
            m["replacements"] = [self.replacement(layer)]
        elif kind == "ValueAddTransformer":
            m["value"] = self.pick(["team-a", "x"])
            m["targets"] = [{"selector": {"kind": "ConfigMap"}, "fieldPath": "metadata/namespace"}]
        elif kind == "HashTransformer":
            pass
        elif kind == "SortOrderTransformer":
            m["sortOptions"] = self.sort_options()
        elif kind == "ConfigMapGenerator":
            m.update(self.gen_entry(d, self.uid("pcm"), "ConfigMap"))
            m.pop("behavior", None)
            m["metadata"]["name"] = m.pop("name")
        elif kind == "SecretGenerator":
            m.update(self.gen_entry(d, self.uid("psec"), "Secret"))
            m.pop("behavior", None)
            m["metadata"]["name"] = m.pop("name")
        return m

    def sort_options(self):
        if self.p(0.5):
            return {"order": "fifo"}
        o = {"order": "legacy"}
        if self.p(0.6):
            o["legacySortOptions"] = {"orderFirst": ["Service", "ConfigMap"], "orderLast": ["Deployment"]}
        return o

    def kustomization(self, d, layer, below, component=False, top=False):
        """The kustomization of directory `d`, over the layers `below`."""
        k = {}
        if component:
            k["apiVersion"] = "kustomize.config.k8s.io/v1alpha1"
            k["kind"] = "Component"
        elif self.p(0.6):
            k["apiVersion"] = "kustomize.config.k8s.io/v1beta1"
            k["kind"] = "Kustomization"
        res = list(layer.get("files", []))
        res += layer.get("bases", [])
        if res:
            k["resources"] = res
        if layer.get("components"):
            k["components"] = layer["components"]
            self.feat("components")
        if not component and layer.get("bases"):
            self.feat("bases")
        refs = layer["refs"]
        F = self.feat
        if self.p(0.25):
            k["namePrefix"] = layer["prefix"] = self.word() + "-"
            F("namePrefix")
        if self.p(0.2):
            k["nameSuffix"] = layer["suffix"] = "-" + self.word()
            F("nameSuffix")
        if self.p(0.25 if not top else 0.35):
            k["namespace"] = layer["namespace"] = self.pick(["team-a", "prod", "ns-1"])
            F("namespace")
        label_keys = []
        if self.p(0.25):
            k["commonLabels"] = {}
            for _ in range(self.rng.randint(1, 2)):
                key = self.label_key()
                k["commonLabels"][key] = self.label_value()
                label_keys.append(key)
            F("commonLabels")
        if self.p(0.35):
            ls = []
            for _ in range(self.rng.randint(1, 3)):
                e = {"pairs": {}}
                for _ in range(self.rng.randint(1, 2)):
                    key = self.pick(label_keys + [self.label_key()]) if label_keys and self.p(0.4) else self.label_key()
                    e["pairs"][key] = self.label_value()
                if self.p(0.5):
                    e["includeSelectors"] = self.p(0.5)
                    F("labels:includeSelectors")
                if self.p(0.5):
                    e["includeTemplates"] = self.p(0.6)
                    F("labels:includeTemplates")
                if self.p(0.15):
                    e["fields"] = [{"path": "spec/template/metadata/labels", "kind": "Deployment", "create": True}]
                ls.append(e)
            k["labels"] = ls
            F("labels")
        if self.p(0.3):
            k["commonAnnotations"] = self.annotations()
            F("commonAnnotations")
        if self.images and self.p(0.3):
            imgs = []
            for name in self.rng.sample(sorted(self.images), min(len(self.images), self.rng.randint(1, 2))):
                e = {"name": name}
                r = self.rng.random()
                if r < 0.3:
                    e["newTag"] = self.pick(["2.0", "v1.2.3", "010", "latest"])
                elif r < 0.5:
                    e["newName"] = "mirror.example.com/" + name.split("/")[-1]
                elif r < 0.7:
                    e["digest"] = "sha256:" + "cd" * 32
                else:
                    e["newName"] = "other"
                    e["newTag"] = "1"
                imgs.append(e)
            k["images"] = imgs
            F("images")
        workloads = refs.get("Deployment", []) + refs.get("StatefulSet", [])
        if workloads and self.p(0.2):
            k["replicas"] = [{"name": self.pick(workloads), "count": self.rng.randint(0, 9)}]
            F("replicas")
        if self.targets(layer) and self.p(0.4):
            k["patches"] = [self.patch_entry(d, layer) for _ in range(self.rng.randint(1, 2))]
            F("patches")
        if self.targets(layer) and self.p(0.15):
            psm = []
            kind, name = self.pick(self.targets(layer))
            doc = self.smp(layer, kind, name)
            if self.p(0.5):
                fname = self.uid("psm") + ".yaml"
                self.files[d + "/" + fname] = Yaml([doc])
                psm.append(fname)
            else:
                from yamlout import document
                psm.append(Lit(document(doc)))
            k["patchesStrategicMerge"] = psm
            F("patchesStrategicMerge")
        if self.targets(layer) and self.p(0.12):
            kind, name = self.pick(self.targets(layer))
            e = {"target": {"kind": kind, "name": name}}
            if kind in ("Deployment", "StatefulSet", "DaemonSet"):
                e["target"].update(group="apps", version="v1")
            elif kind in ("ConfigMap", "Secret", "Service", "ServiceAccount"):
                e["target"]["version"] = "v1"
            if self.p(0.5):
                fname = self.uid("j6902") + ".yaml"
                self.files[d + "/" + fname] = Yaml([self.json_ops(kind)])
                e["path"] = fname
            else:
                import json
                e["patch"] = json.dumps(self.json_ops(kind))
            k["patchesJson6902"] = [e]
            F("patchesJson6902")
        gens = layer["gens"]
        if self.p(0.4):
            entries = []
            for g in [g for g in gens if g["kind"] == "ConfigMap"]:
                if self.p(0.4) and not component:
                    entries.append(self.gen_entry(d, g["name"], "ConfigMap", merge_of=g))
            for _ in range(self.rng.randint(1, 2)):
                name = self.uid("gcm")
                entries.append(self.gen_entry(d, name, "ConfigMap"))
                gens.append({"kind": "ConfigMap", "name": name})
                layer.setdefault("generated", []).append(name)
                refs.setdefault("ConfigMap", []).append(name)
            k["configMapGenerator"] = entries
            F("configMapGenerator")
        if self.p(0.3):
            entries = []
            for g in [g for g in gens if g["kind"] == "Secret"]:
                if self.p(0.4) and not component:
                    entries.append(self.gen_entry(d, g["name"], "Secret", merge_of=g))
            name = self.uid("gsec")
            entries.append(self.gen_entry(d, name, "Secret"))
            gens.append({"kind": "Secret", "name": name})
            refs.setdefault("Secret", []).append(name)
            k["secretGenerator"] = entries
            F("secretGenerator")
        if self.p(0.2):
            o = {}
            if self.p(0.5):
                o["disableNameSuffixHash"] = self.p(0.7)
            if self.p(0.5):
                o["labels"] = {self.label_key(): self.label_value()}
            if self.p(0.4):
                o["annotations"] = self.annotations(1)
            k["generatorOptions"] = o
            F("generatorOptions")
        if self.p(0.25) and (refs.get("ConfigMap") or refs.get("Service")):
            k["replacements"] = [self.replacement(layer) for _ in range(self.rng.randint(1, 2))]
            F("replacements")
        if not component and self.p(0.15) and not self.vars_done:
            self.vars_done = True
            vs = []
            for i, (kind, fp) in enumerate([("Service", "metadata.name"), ("ConfigMap", "data.k"), ("Deployment", "metadata.name")]):
                if refs.get(kind) and self.p(0.7):
                    v = {"name": "VAR_%d" % i, "objref": {"kind": kind, "name": refs[kind][0],
                                                       "apiVersion": "apps/v1" if kind == "Deployment" else "v1"}}
                    if self.p(0.6):
                        v["fieldref"] = {"fieldpath": fp}
                    vs.append(v)
            if vs:
                k["vars"] = vs
                F("vars")
        if self.p(0.1):
            fname = "config-%d.yaml" % self.n
            self.files[d + "/" + fname] = Yaml([{
                "nameReference": [{"kind": "ConfigMap", "version": "v1", "fieldSpecs": [
                    {"path": "spec/configRef/name", "kind": "Widget"}]}],
                "commonLabels": [{"path": "spec/selectorLabels", "kind": "Widget", "create": True}],
                "varReference": [{"path": "spec/size", "kind": "Widget"}],
                "images": [{"path": "spec/image", "kind": "Widget"}],
            }])
            k["configurations"] = [fname]
            F("configurations")
        if self.p(0.07):
            self.files[d + "/crd-schema.json"] = Text(CRD_SCHEMA)
            k["crds"] = ["crd-schema.json"]
            F("crds")
        if self.p(0.07):
            self.files[d + "/openapi.json"] = Text(OPENAPI)
            k["openapi"] = {"path": "openapi.json"}
            F("openapi")
        if top and self.p(0.2):
            k["sortOptions"] = self.sort_options()
            F("sortOptions")
        if self.p(0.15):
            k["buildMetadata"] = self.rng.sample(["originAnnotations", "transformerAnnotations", "managedByLabel"],
                                                 self.rng.randint(1, 2))
            F("buildMetadata")
        if self.targets(layer) and self.p(0.3):
            kinds = ["PrefixSuffixTransformer", "LabelTransformer", "AnnotationsTransformer",
                     "NamespaceTransformer", "ImageTagTransformer", "ReplicaCountTransformer",
                     "PatchTransformer", "PatchStrategicMergeTransformer", "PatchJson6902Transformer",
                     "ReplacementTransformer", "ValueAddTransformer", "HashTransformer"]
            if not refs.get("Deployment"):
                kinds.remove("ReplicaCountTransformer")
            ts = []
            for kind in self.rng.sample(kinds, self.rng.randint(1, 3)):
                if kind == "ReplacementTransformer" and not (refs.get("ConfigMap") or refs.get("Service")):
                    continue
                cfg = self.plugin(d, layer, kind)
                if self.p(0.5):
                    fname = self.uid("tr") + ".yaml"
                    self.files[d + "/" + fname] = Yaml([cfg])
                    ts.append(fname)
                else:
                    ts.append(Lit(__import__("yamlout").document(cfg)))
            if ts:
                k["transformers"] = ts
                F("transformers")
        if self.p(0.2):
            gs = []
            for kind in self.rng.sample(["ConfigMapGenerator", "SecretGenerator"], self.rng.randint(1, 2)):
                cfg = self.plugin(d, layer, kind)
                fname = self.uid("gen") + ".yaml"
                self.files[d + "/" + fname] = Yaml([cfg])
                gs.append(fname)
            k["generators"] = gs
            F("generators")
        for f in k:
            F("field:" + f)
        return k

    def build(self):
        self.crd_done = False
        self.vars_done = False

        def new_layer():
            return {"refs": {}, "gens": [], "bases": [], "components": [], "ns": {}}

        def expose(lay):
            """What a layer shows the layers above: names after its prefix, suffix and namespace."""
            pre, suf, ns = lay.get("prefix", ""), lay.get("suffix", ""), lay.get("namespace")
            out = {"refs": {}, "gens": [], "ns": {}}
            for kk, names in lay["refs"].items():
                out["refs"][kk] = [pre + n + suf for n in names]
            for n, old in lay["ns"].items():
                out["ns"][pre + n + suf] = ns or old
            if ns:
                for names in out["refs"].values():
                    for n in names:
                        out["ns"][n] = ns
            # A generator in a layer above merges by the generator's own name and namespace.
            out["gens"] = [dict(g) for g in lay["gens"]]
            return out

        def merge(dst, src):
            for kk, names in src["refs"].items():
                dst["refs"].setdefault(kk, []).extend(names)
            dst["gens"].extend(dict(g) for g in src["gens"])
            dst["ns"].update(src["ns"])

        def layer_of(d, below, p_files=1.0, component=False):
            lay = new_layer()
            for b in below:
                merge(lay, expose(b))
            if self.p(p_files):
                lay["files"] = self.resources_of_layer(d, lay)
            lay["bases"] = ["../" + b["dir"] for b in below] if not component else []
            lay["dir"] = d
            return lay

        below = []
        if self.p(0.3):
            nested = layer_of("nested", [])
            self.files["nested/kustomization.yaml"] = Yaml([self.kustomization("nested", nested, [])])
            below = [nested]
            self.feat("nested-base")
        base = layer_of("base", below)
        self.files["base/kustomization.yaml"] = Yaml([self.kustomization("base", base, below)])
        bases = [base]
        if self.p(0.3):
            b2 = layer_of("base2", [])
            self.files["base2/kustomization.yaml"] = Yaml([self.kustomization("base2", b2, [])])
            bases.append(b2)
        overlay = layer_of("overlay", bases, p_files=0.4)
        ncomp = 0 if self.p(0.55) else self.rng.randint(1, 2)
        for i in range(ncomp):
            name = "comp%d" % (i + 1)
            # A component transforms what the overlay has accumulated so far.
            c = layer_of(name, [], p_files=0.0, component=True)
            merge(c, overlay)
            c["gens"] = [dict(g) for g in overlay["gens"]]
            if self.p(0.4):
                c["files"] = self.resources_of_layer(name, c)
            self.files[name + "/kustomization.yaml"] = Yaml([self.kustomization(name, c, [overlay], component=True)])
            overlay["components"].append("../" + name)
            kept = {kk: list(v) for kk, v in overlay["refs"].items()}
            # The overlay's generators cannot merge into a component's (kustomize: "does not exist").
            gens = overlay["gens"]
            ex = expose(c)
            overlay["refs"], overlay["ns"] = ex["refs"], ex["ns"]
            del kept
        top = self.kustomization("overlay", overlay, bases, top=True)
        self.files["overlay/kustomization.yaml"] = Yaml([top], crlf=self.p(0.05))
        if self.mutate:
            from mutate import mutate
            what = mutate(self)
            self.feat("mutation:" + what)
        return Case(self.seed, self.files, "overlay", self.features, self.mutate)


def below_gens(below, kind):
    return [g for lay in below for g in lay["gens"] if g["kind"] == kind]


class Case:
    """A generated tree."""

    def __init__(self, seed, files, root, features, mutated):
        self.seed, self.files, self.root, self.features, self.mutated = seed, files, root, features, mutated


def generate(seed, mutate_share=0.15):
    """The tree of `seed`; a `mutate_share` of seeds carry one mutation."""
    return Gen(seed, mutate_share).build()


CRD_SCHEMA = """{
  "github.com/example/pkg/apis/widgets/v1.Widget": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
        "spec": {"$ref": "github.com/example/pkg/apis/widgets/v1.WidgetSpec"}
      }
    },
    "Dependencies": ["github.com/example/pkg/apis/widgets/v1.WidgetSpec",
                     "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"]
  },
  "github.com/example/pkg/apis/widgets/v1.WidgetSpec": {
    "Schema": {
      "properties": {
        "configRef": {
          "x-kubernetes-object-ref-api-version": "v1",
          "x-kubernetes-object-ref-kind": "ConfigMap",
          "$ref": "github.com/example/pkg/apis/widgets/v1.Ref"
        }
      }
    },
    "Dependencies": ["github.com/example/pkg/apis/widgets/v1.Ref"]
  },
  "github.com/example/pkg/apis/widgets/v1.Ref": {
    "Schema": {"properties": {"name": {"type": "string"}}},
    "Dependencies": []
  }
}
"""

OPENAPI = """{
  "definitions": {
    "v1.Widget": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": {"properties": {"items": {"items": {"$ref": "#/definitions/v1.Item"}, "type": "array",
                 "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}},
                 "type": "object"}
      },
      "type": "object",
      "x-kubernetes-group-version-kind": [{"group": "example.com", "kind": "Widget", "version": "v1"}]
    },
    "v1.Item": {"properties": {"name": {"type": "string"}, "value": {"type": "string"}}, "type": "object"}
  }
}
"""
