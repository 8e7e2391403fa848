#!/usr/bin/env python3
"""Writes a spec of N roles for the generate benchmark: 2 providers (a kops cluster and an EKS
cluster), 5 service accounts and a legacy node-role principal per role.

    benches/make-spec.py N [yaml|json] [kops] > spec.yaml

With `kops`, roles have no legacy principal (kops-managed roles cannot keep one).
"""
import json
import sys


def spec(n, kops=False):
    return {
        "account": "123456789012",
        "providers": {
            "beta": {
                "arn": "arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com",
                "audience": "amazonaws.com",
            },
            "prod": {
                "issuer": "https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE",
                "account": "123456789012",
            },
        },
        "roles": [
            {
                "name": f"app-{i:06d}",
                "service_accounts": [f"team-{i:06d}:service-{j}" for j in range(5)],
                "legacy_principals": {"AWS": ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]},
                "path": "/irsa/",
                "policy_arns": [f"arn:aws:iam::123456789012:policy/app-{i:06d}"],
                "tags": {"team": f"team-{i:06d}"},
            }
            for i in range(n)
        ],
    } if not kops else {
        "roles": [
            {
                "name": f"app-{i:06d}",
                "service_accounts": [f"team-{i:06d}:service-{j}" for j in range(5)],
                "policy_arns": [f"arn:aws:iam::123456789012:policy/app-{i:06d}"],
            }
            for i in range(n)
        ],
    }


def yaml(doc):
    """The spec as block YAML (flow lists), written by hand so no YAML package is needed."""
    out = [f'account: "{doc["account"]}"', "providers:"]
    for name, provider in doc["providers"].items():
        out.append(f"  {name}:")
        out.extend(f"    {k}: {json.dumps(v)}" for k, v in provider.items())
    out.append("roles:")
    for role in doc["roles"]:
        out.append(f"  - name: {role['name']}")
        out.append(f"    service_accounts: [{', '.join(role['service_accounts'])}]")
        out.append(f"    legacy_principals: {{AWS: [{role['legacy_principals']['AWS'][0]}]}}")
        out.append(f"    path: {role['path']}")
        out.append(f"    policy_arns: [{role['policy_arns'][0]}]")
        out.append(f"    tags: {{team: {role['tags']['team']}}}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    n = int(sys.argv[1])
    fmt = sys.argv[2] if len(sys.argv) > 2 else "yaml"
    document = spec(n, kops="kops" in sys.argv[3:])
    if fmt == "yaml" and "providers" in document:
        sys.stdout.write(yaml(document))
    else:
        sys.stdout.write(json.dumps(document, indent=1) + "\n")
