#!/usr/bin/env python3
"""The benchmark's trust policy built and serialized with awacs: 2 providers (kops and EKS),
5 service accounts and a legacy node-role principal. Prints nanoseconds per policy.

    benches/awacs_render.py [--show]
"""
import sys
import timeit

from awacs.aws import Allow, Condition, PolicyDocument, Principal, Statement, StringEquals
from awacs.sts import AssumeRole, AssumeRoleWithWebIdentity

KOPS = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"
EKS = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
ACCOUNT = "123456789012"


def policy():
    subjects = [f"system:serviceaccount:team-000042:service-{j}" for j in range(5)]
    statements = [
        Statement(
            Effect=Allow,
            Principal=Principal("AWS", f"arn:aws:iam::{ACCOUNT}:role/nodes.beta.hdo.ee"),
            Action=[AssumeRole],
        )
    ]
    for issuer, audience in ((KOPS, "amazonaws.com"), (EKS, "sts.amazonaws.com")):
        statements.append(
            Statement(
                Effect=Allow,
                Principal=Principal("Federated", f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer}"),
                Action=[AssumeRoleWithWebIdentity],
                Condition=Condition(StringEquals({f"{issuer}:aud": audience, f"{issuer}:sub": subjects})),
            )
        )
    return PolicyDocument(Version="2012-10-17", Statement=statements).to_json(indent=None)


if __name__ == "__main__":
    if "--show" in sys.argv:
        print(policy())
        sys.exit(0)
    number = 2000
    best = min(timeit.repeat(policy, number=number, repeat=5))
    print(int(best / number * 1e9))
