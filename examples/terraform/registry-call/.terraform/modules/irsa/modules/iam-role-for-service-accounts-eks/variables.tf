variable "create_role" {
  description = "Whether to create the role"
  type        = bool
  default     = true
}

variable "role_name" {
  description = "The role's name"
  type        = string
  default     = null
}

variable "oidc_providers" {
  description = "The OIDC providers, with the service accounts each trusts"
  type        = any
  default     = {}
}

variable "assume_role_condition_test" {
  description = "The condition operator of the :sub and :aud conditions"
  type        = string
  default     = "StringEquals"
}
