# yagura's read-only audit role in one member account: the Terraform form of
# deploy/cloudformation/member-audit-role.yaml, for those who manage the member accounts with
# Terraform instead of the StackSet the root configuration (deploy/terraform) deploys. Use it
# once per member account, with a provider configured for that account:
#
#   module "yagura_audit_role" {
#     source           = "../yagura/deploy/terraform/modules/member-audit-role"
#     providers        = { aws = aws.member_123456789012 }
#     auditor_role_arn = "arn:aws:iam::MANAGEMENT:role/yagura-audit-..." # audit_task_role_arn
#   }
#
# The actions are read from policy/yagura-audit-readonly.json (the calls yagura-collect makes),
# so keep this module inside the repository checkout it came from.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

variable "auditor_role_arn" {
  type        = string
  description = "The role of the yagura audit task (the root configuration's audit_task_role_arn), the only principal trusted."
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+", var.auditor_role_arn))
    error_message = "auditor_role_arn is the ARN of an IAM role."
  }
}

variable "role_name" {
  type        = string
  default     = "yagura-audit"
  description = "The name `yagura audit --org --role-name` assumes."
}

resource "aws_iam_role" "audit" {
  name                 = var.role_name
  description          = "Read-only role assumed by yagura audit --org"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.auditor_role_arn }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "readonly" {
  name   = "yagura-audit-readonly"
  role   = aws_iam_role.audit.id
  policy = jsonencode(jsondecode(file("${path.module}/../../../../policy/yagura-audit-readonly.json")))
}

output "audit_role_arn" {
  value = aws_iam_role.audit.arn
}
