data "aws_iam_policy_document" "external_dns" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }
}
