# The external-dns role of a kops cluster moving from kiam to IRSA, written the way
# terraform-aws-modules' examples write roles: a trust document, the role, its permissions.

terraform {
  required_version = ">= 1.3"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

locals {
  cluster_name = "beta.hdo.ee"
  tags = {
    Team      = "platform"
    ManagedBy = "terraform"
  }
}

data "aws_caller_identity" "current" {}

# Who may take the role: kiam's node role, until the pods use IRSA.
data "aws_iam_policy_document" "external_dns_assume" {
  statement {
    sid     = "Kiam"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }
}

resource "aws_iam_role" "external_dns" {
  name               = "external-dns-${local.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.external_dns_assume.json
  tags               = local.tags
}

data "aws_iam_policy_document" "external_dns" {
  statement {
    sid       = "ChangeRecords"
    actions   = ["route53:ChangeResourceRecordSets"]
    resources = ["arn:aws:route53:::hostedzone/*"]
  }

  statement {
    sid = "ListZones"
    actions = [
      "route53:ListHostedZones",
      "route53:ListResourceRecordSets",
      "route53:ListTagsForResource",
    ]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "external_dns" {
  name   = "external-dns-${local.cluster_name}"
  policy = data.aws_iam_policy_document.external_dns.json
  tags   = local.tags
}

resource "aws_iam_role_policy_attachment" "external_dns" {
  role       = aws_iam_role.external_dns.name
  policy_arn = aws_iam_policy.external_dns.arn
}

output "external_dns_role_arn" {
  description = "Annotate the external-dns service account with this ARN"
  value       = aws_iam_role.external_dns.arn
}
