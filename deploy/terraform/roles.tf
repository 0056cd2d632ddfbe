# The least-privilege roles of yagura-org.yaml: the tasks' execution role, the consumer's, the
# audit and watch tasks' (with the read-only actions of policy/yagura-audit-readonly.json, the
# same list the member accounts' role grants) and EventBridge Scheduler's.

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

# Mounting the store through its access point only, for both task roles.
locals {
  store_client_statement = {
    Effect    = "Allow"
    Action    = ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"]
    Resource  = aws_efs_file_system.store.arn
    Condition = { StringEquals = { "elasticfilesystem:AccessPointArn" = aws_efs_access_point.store.arn } }
  }
  sns_publish_statement = {
    Effect   = "Allow"
    Action   = "sns:Publish"
    Resource = aws_sns_topic.notifications.arn
  }
}

# The roles ECS tasks take: the execution role (pulls the image, writes the logs) and the task
# roles of the consumer and of the audit and watch tasks.
resource "aws_iam_role" "ecs" {
  for_each = {
    execution = null
    consume   = "yagura trail consume - read the queue and the trail objects, notify"
    audit     = "yagura audit --org and watch --org - assume the member audit role, read this account, notify"
  }
  name_prefix        = "yagura-${each.key}-"
  description        = each.value
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.ecs["execution"].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role_policy" "consume" {
  name = "consume"
  role = aws_iam_role.ecs["consume"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = [
          "sqs:ReceiveMessage",
          "sqs:DeleteMessage",
          "sqs:ChangeMessageVisibility",
          "sqs:GetQueueAttributes",
        ]
        Resource = aws_sqs_queue.notifications.arn
      },
      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${local.trail_bucket_arn}/AWSLogs/*"
      },
      local.sns_publish_statement,
      local.store_client_statement,
    ]
  })
}

resource "aws_iam_role_policy" "audit_assume_member" {
  name = "assume-member-audit-role"
  role = aws_iam_role.ecs["audit"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = "arn:${local.partition}:iam::*:role/${var.audit_role_name}"
      },
      local.sns_publish_statement,
      local.store_client_statement,
    ]
  })
}

resource "aws_iam_role_policy" "audit_readonly" {
  name   = "yagura-audit-readonly"
  role   = aws_iam_role.ecs["audit"].id
  policy = jsonencode(local.audit_readonly_policy)
}

resource "aws_iam_role" "scheduler" {
  name_prefix = "yagura-scheduler-"
  description = "EventBridge Scheduler - start the audit and watch tasks"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  name = "run-yagura-tasks"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "ecs:RunTask"
        Resource  = [aws_ecs_task_definition.task["audit"].arn, aws_ecs_task_definition.task["watch"].arn]
        Condition = { ArnEquals = { "ecs:cluster" = aws_ecs_cluster.yagura.arn } }
      },
      {
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = [aws_iam_role.ecs["execution"].arn, aws_iam_role.ecs["audit"].arn]
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
    ]
  })
}

# --- the member accounts' audit role ---------------------------------------------------------
# A service-managed StackSet of deploy/cloudformation/member-audit-role.yaml, deployed to every
# account under the root, and to accounts that join later.

resource "aws_cloudformation_stack_set" "member_audit_roles" {
  name             = "yagura-member-audit-role"
  description      = "yagura's read-only audit role in every member account"
  permission_model = "SERVICE_MANAGED"
  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }
  capabilities  = ["CAPABILITY_NAMED_IAM"]
  template_url  = var.member_role_template_url == "" ? null : var.member_role_template_url
  template_body = var.member_role_template_url == "" ? file("${path.module}/../cloudformation/member-audit-role.yaml") : null
  parameters = {
    AuditorRoleArn = aws_iam_role.ecs["audit"].arn
    RoleName       = var.audit_role_name
  }
  operation_preferences {
    max_concurrent_percentage    = 25
    failure_tolerance_percentage = 10
  }
  # AWS sets the administration role of a service-managed StackSet itself.
  lifecycle {
    ignore_changes = [administration_role_arn]
  }
}

resource "aws_cloudformation_stack_set_instance" "member_audit_roles" {
  stack_set_name = aws_cloudformation_stack_set.member_audit_roles.name
  region         = local.region
  deployment_targets {
    organizational_unit_ids = [var.organization_root_id]
  }
  operation_preferences {
    max_concurrent_percentage    = 25
    failure_tolerance_percentage = 10
  }
}
