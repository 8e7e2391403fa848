data "aws_iam_policy_document" "external_dns_assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub"
      values = [
        "system:serviceaccount:kube-system:external-dns",
        "system:serviceaccount:kube-system:cluster-autoscaler",
      ]
    }
  }
}

resource "aws_iam_role" "external_dns" {
  name               = "external-dns"
  assume_role_policy = data.aws_iam_policy_document.external_dns_assume_role.json
}
