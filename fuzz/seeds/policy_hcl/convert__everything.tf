data "aws_iam_policy_document" "everything" {
  policy_id = "every-element"

  statement {
    sid    = "DenyOutsideOrg"
    effect = "Deny"
    not_actions = [
      "sts:AssumeRoleWithWebIdentity",
      "sts:TagSession",
    ]

    not_principals {
      type = "AWS"
      identifiers = [
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/admin",
      ]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }

    condition {
      test     = "NumericGreaterThan"
      variable = "aws:MultiFactorAuthAge"
      values   = ["3600"]
    }
  }

  statement {
    effect  = "Allow"
    actions = ["s3:GetObject"]
    resources = [
      "arn:aws:s3:::team-bucket/home/$${aws:username}/*",
      "arn:aws:s3:::team-bucket/shared/*",
    ]
    not_resources = ["arn:aws:s3:::team-bucket/secret/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values = [
        "home/$${aws:username}/",
        "shared/",
      ]
    }

    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["203.0.113.0/24"]
    }
  }

  statement {
    effect = "Allow"
    actions = [
      "sts:AssumeRole",
      "sts:TagSession",
    ]

    principals {
      type = "Service"
      identifiers = [
        "ec2.amazonaws.com",
        "eks.amazonaws.com",
      ]
    }

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = ["external-id-1234"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalTag/team"
      values   = ["%%{platform} \"quoted\" \\ backslash"]
    }
  }
}
