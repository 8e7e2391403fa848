# Trust policies written by hand, as teams do before irsa.

data "aws_iam_policy_document" "external_dns_assume_role" {
  statement {
    sid     = "KiamNodes"
    actions = ["sts:AssumeleRo"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }

  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession", "sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:sub"
      values   = ["system:serviceaccount:kube-system:external-dns"]
    }

    condition {
      test     = "StringEquals"
      variable = "hdo-beta-irsa-providers.s3.eu-west-1.amazonaws.com:aud"
      values   = ["amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "home_folders" {
  policy_id = "home,folders"

  statement {
    sid       = "Home"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["arn:aws:s3:::team-bucket/home/&{aws:useenr}/ma*", "arn:aws:s3:::team-bucket/home/$${aws:userid}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = [true]
    }
  }

  statement {
    effect      = "Deny"
    not_actions = ["s3:GetObject"]
    resources   = ["*"]

    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/admin", "arn:aws:iam::123456789012:root"]
    }
  }
}
