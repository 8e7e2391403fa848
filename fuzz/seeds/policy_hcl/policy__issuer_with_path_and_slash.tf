data "aws_iam_policy_document" "assume_role" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = ["arn:aws:iam::123456789012:oidc-provider/auth.example.com/tenants/blue/"]
    }

    condition {
      test     = "StringEquals"
      variable = "auth.example.com/tenants/blue/:sub"
      values   = ["system:serviceaccount:default:app"]
    }
  }
}
