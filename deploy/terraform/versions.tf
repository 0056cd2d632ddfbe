# yagura for an AWS Organization, in Terraform: the same resources, roles, variables and
# defaults as deploy/cloudformation/yagura-org.yaml (see that template and docs/scale.md).
#
# Apply it in the management account (or a delegated administrator of CloudTrail and StackSets),
# with trusted access for StackSets enabled in the Organization:
#
#   cd deploy/terraform
#   terraform init
#   terraform apply \
#     -var image=ACCOUNT.dkr.ecr.REGION.amazonaws.com/yagura:TAG \
#     -var vpc_id=vpc-... -var 'subnet_ids=["subnet-a","subnet-b"]' \
#     -var organization_root_id=r-...
#
# It creates the Organization trail's bucket, whose ObjectCreated notifications go to an SQS
# queue with a dead-letter queue; `yagura trail consume --sqs` as an ECS Fargate service with its
# store on EFS; EventBridge Scheduler schedules for `yagura audit --org` and `yagura watch --org`;
# an SNS topic; least-privilege roles; and the read-only audit role in every member account, as a
# service-managed StackSet of deploy/cloudformation/member-audit-role.yaml (read from this
# repository unless member_role_template_url names an uploaded copy). The actions of both audit
# roles are read from policy/yagura-audit-readonly.json, the calls yagura-collect makes: there is
# one list. modules/member-audit-role is the same member role for those who manage the member
# accounts with Terraform instead of the StackSet.
#
# scripts/check-deploy.sh runs `terraform fmt -check` and `terraform validate` on this directory
# and on the module, with the provider below taken from a local mirror.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}
