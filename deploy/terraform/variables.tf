# The parameters of deploy/cloudformation/yagura-org.yaml, with the same defaults.

variable "image" {
  type        = string
  description = "The yagura container image (built from the repository's Dockerfile), e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/yagura:TAG"
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type        = list(string)
  description = "Two or more private subnets with a route to the AWS APIs (NAT or VPC endpoints)."
  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids needs two or more subnets (one EFS mount target in each of the first two)."
  }
}

variable "organization_root_id" {
  type        = string
  description = "The Organization's root (r-...), where the StackSet deploys the member audit role."
  validation {
    condition     = can(regex("^r-[0-9a-z]{4,32}$", var.organization_root_id))
    error_message = "organization_root_id is the Organization's root id, r- and 4 to 32 lowercase letters or digits."
  }
}

variable "member_role_template_url" {
  type        = string
  default     = ""
  description = "The S3 URL of deploy/cloudformation/member-audit-role.yaml, uploaded beforehand; empty: the StackSet takes the template from this repository."
}

variable "audit_role_name" {
  type    = string
  default = "yagura-audit"
}

variable "audit_regions" {
  type        = string
  default     = "us-east-1,us-west-2"
  description = "Regions `audit --org` and `watch --org` read (comma-separated)."
}

variable "audit_schedule" {
  type    = string
  default = "cron(0 3 * * ? *)"
}

variable "watch_schedule" {
  type    = string
  default = "rate(1 hour)"
}

variable "notification_email" {
  type    = string
  default = ""
}
