# A role from the registry module, as terraform-aws-modules' README shows it; `terraform init`
# downloaded the module into .terraform/modules (recorded in .terraform/modules/modules.json).

module "irsa" {
  source  = "terraform-aws-modules/iam/aws//modules/iam-role-for-service-accounts-eks"
  version = "5.39.0"

  role_name = "external-dns"

  oidc_providers = {
    main = {
      provider_arn               = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
      namespace_service_accounts = ["kube-system:external-dns"]
    }
  }
}
