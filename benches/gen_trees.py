#!/usr/bin/env python3
"""Writes the benchmark trees into DIR (default: target/bench-trees).

  DIR/base/            500 resources: Deployments, Services, ConfigMaps,
                       Secrets, ServiceAccounts, HPAs, naming each other
                       (configMapRef, secretRef, serviceAccountName,
                       scaleTargetRef), plus generators, labels, images and
                       strategic-merge and JSON 6902 patches
  DIR/overlays/oNN/    50 overlays of it (prefix, namespace, labels, images,
                       replicas, a patch and a generator each)
  DIR/crds/            8 CustomResourceDefinitions, 12 MB in all

The trees are deterministic: the same script writes the same bytes.
"""

import os
import sys

APPS = 100  # 5 resources each: 500


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def base(top):
    docs = []
    for i in range(APPS):
        docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
  labels:
    tier: t{i % 4}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app{i}
  template:
    metadata:
      labels:
        app: app{i}
    spec:
      serviceAccountName: sa{i}
      containers:
      - name: main
        image: registry.example.com/team/app{i % 10}:1.0.{i}
        args: ["--port=8080", "--log-level=info"]
        envFrom:
        - configMapRef:
            name: cfg{i}
        - secretRef:
            name: sec{i}
        ports:
        - containerPort: 8080
          name: http
        resources:
          limits: {{cpu: 500m, memory: 256Mi}}
      - name: sidecar
        image: nginx:1.25
        volumeMounts:
        - name: shared
          mountPath: /etc/shared
      volumes:
      - name: shared
        configMap:
          name: shared
""")
        docs.append(f"""apiVersion: v1
kind: Service
metadata:
  name: app{i}
spec:
  selector:
    app: app{i}
  ports:
  - port: 80
    targetPort: http
""")
        docs.append(f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg{i}
data:
  LOG_LEVEL: info
  GREETING: "hello {i}"
  config.json: '{{"id": {i}, "name": "app{i}", "enabled": true}}'
""")
        docs.append(f"""apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa{i}
""")
        docs.append(f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app{i}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app{i}
  minReplicas: 1
  maxReplicas: 5
""")
    write(f"{top}/base/resources.yaml", "---\n".join(docs))
    secrets = "".join(
        f"- name: sec{i}\n  literals:\n  - TOKEN=t{i}\n  - USER=u{i}\n" for i in range(APPS)
    )
    patches = "".join(
        f"""- target:
    kind: Deployment
    name: app{i}
  patch: |
    - op: replace
      path: /spec/replicas
      value: {i % 5 + 1}
"""
        for i in range(0, APPS, 3)
    )
    write(
        f"{top}/base/kustomization.yaml",
        f"""resources:
- resources.yaml
labels:
- pairs:
    system: bench
  includeSelectors: true
commonAnnotations:
  owner: platform
images:
- name: nginx
  newTag: "1.27"
- name: registry.example.com/team/app3
  newName: mirror.example.com/app3
configMapGenerator:
- name: shared
  literals:
  - MODE=shared
secretGenerator:
{secrets}patches:
- path: resources-patch.yaml
{patches}""",
    )
    write(
        f"{top}/base/resources-patch.yaml",
        """apiVersion: apps/v1
kind: Deployment
metadata:
  name: app0
spec:
  template:
    spec:
      containers:
      - name: main
        env:
        - name: EXTRA
          value: "1"
""",
    )


def overlays(top, n=50):
    for o in range(n):
        write(
            f"{top}/overlays/o{o:02}/kustomization.yaml",
            f"""resources:
- ../../base
namePrefix: o{o}-
namespace: env{o}
labels:
- pairs:
    env: e{o}
images:
- name: registry.example.com/team/app1
  newTag: "2.{o}"
replicas:
- name: app{o}
  count: {o % 7 + 1}
configMapGenerator:
- name: cfg{o}
  behavior: merge
  literals:
  - OVERLAY=o{o}
patches:
- patch: |
    apiVersion: v1
    kind: Service
    metadata:
      name: app{o}
    spec:
      type: NodePort
""",
        )


def crds(top, docs=8, total=12_000_000):
    """CRDs whose schemas are wide and nested trees of described fields."""
    per = total // docs
    names = []
    for d in range(docs):
        lines = [
            "apiVersion: apiextensions.k8s.io/v1",
            "kind: CustomResourceDefinition",
            "metadata:",
            f"  name: widgets{d}.bench.example.com",
            "spec:",
            "  group: bench.example.com",
            "  names:",
            f"    kind: Widget{d}",
            f"    plural: widgets{d}",
            "  scope: Namespaced",
            "  versions:",
            "  - name: v1",
            "    served: true",
            "    storage: true",
            "    schema:",
            "      openAPIV3Schema:",
            "        type: object",
            "        properties:",
        ]
        size = sum(len(l) + 1 for l in lines)
        f = 0
        while size < per:
            block = [
                f"          field{f}:",
                f"            description: Field {f} of widget {d}; it configures one part of the widget's behaviour, with a default that suits most clusters.",
                "            type: object",
                "            properties:",
            ]
            for s in range(8):
                block += [
                    f"              sub{s}:",
                    f"                description: Sub-field {s} of field {f}.",
                    "                type: " + ("string" if s % 2 else "integer"),
                ]
                if s % 3 == 0:
                    block.append('                pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"')
            size += sum(len(l) + 1 for l in block)
            lines += block
            f += 1
        name = f"crd{d}.yaml"
        write(f"{top}/crds/{name}", "\n".join(lines) + "\n")
        names.append(name)
    write(
        f"{top}/crds/kustomization.yaml",
        "resources:\n" + "".join(f"- {n}\n" for n in names) + "labels:\n- pairs:\n    bench: crds\n",
    )


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else "target/bench-trees"
    base(top)
    overlays(top)
    crds(top)
    print(top)


if __name__ == "__main__":
    main()
