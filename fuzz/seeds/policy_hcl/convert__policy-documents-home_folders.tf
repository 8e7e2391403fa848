data "aws_iam_policy_document" "home_folders" {
  policy_id = "home-folders"

  statement {
    sid    = "Home"
    effect = "Allow"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
    ]
    resources = [
      "arn:aws:s3:::team-bucket/home/$${aws:username}/*",
      "arn:aws:s3:::team-bucket/home/$${aws:userid}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }

  statement {
    effect      = "Deny"
    not_actions = ["s3:GetObject"]
    resources   = ["*"]

    not_principals {
      type = "AWS"
      identifiers = [
        "arn:aws:iam::123456789012:root",
        "arn:aws:iam::123456789012:role/admin",
      ]
    }
  }
}
