role_name = "external-dns"

oidc_providers = {
  main = {
    provider_arn               = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    namespace_service_accounts = ["kube-system:external-dns"]
  }
}
