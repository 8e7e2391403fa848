data "aws_iam_policy_document" "kiam_node_role" {
  statement {
    sid     = "KiamNodes"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:role/nodes.beta.hdo.ee"]
    }
  }
}
