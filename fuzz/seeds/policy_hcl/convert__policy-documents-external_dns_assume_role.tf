data "aws_iam_policy_document" "external_dns_assume_role" {
  statement {
    sid     = "KiamNodes"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "sts:TagSession",
      "sts:AssumeRoleWithWebIdentity",
    ]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:aud"
      values   = ["amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub"
      values   = ["system:serviceaccount:kube-system:external-dns"]
    }
  }
}
