# The trail, its bucket and queues, the notifications topic and the store on EFS: the resources
# of yagura-org.yaml up to its roles (roles.tf) and its ECS part (ecs.tf).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  # Known before the bucket exists, as in the template: the queue policy and the consume role
  # name the bucket without depending on it.
  trail_bucket     = "yagura-trail-${local.account_id}-${local.region}"
  trail_bucket_arn = "arn:${local.partition}:s3:::${local.trail_bucket}"
  # policy/yagura-audit-readonly.json: the one list of the audit roles' actions.
  audit_readonly_policy = jsondecode(file("${path.module}/../../policy/yagura-audit-readonly.json"))
}

# --- CloudTrail -> S3 -> SQS ----------------------------------------------------------------

resource "aws_s3_bucket" "trail" {
  bucket = local.trail_bucket
}

resource "aws_s3_bucket_server_side_encryption_configuration" "trail" {
  bucket = aws_s3_bucket.trail.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "trail" {
  bucket                  = aws_s3_bucket.trail.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "trail" {
  bucket = aws_s3_bucket.trail.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_notification" "trail" {
  bucket = aws_s3_bucket.trail.id
  queue {
    queue_arn     = aws_sqs_queue.notifications.arn
    events        = ["s3:ObjectCreated:*"]
    filter_prefix = "AWSLogs/"
    filter_suffix = ".json.gz"
  }
  # S3 sends a test message when the configuration is set: the queue must accept it already.
  depends_on = [aws_sqs_queue_policy.notifications]
}

resource "aws_s3_bucket_policy" "trail" {
  bucket = aws_s3_bucket.trail.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CloudTrailAclCheck"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:GetBucketAcl"
        Resource  = aws_s3_bucket.trail.arn
      },
      {
        Sid       = "CloudTrailWrite"
        Effect    = "Allow"
        Principal = { Service = "cloudtrail.amazonaws.com" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.trail.arn}/AWSLogs/*"
        Condition = { StringEquals = { "s3:x-amz-acl" = "bucket-owner-full-control" } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
  # The public access block is applied first (a bucket policy change while it is being set fails).
  depends_on = [aws_s3_bucket_public_access_block.trail]
}

resource "aws_cloudtrail" "organization" {
  name                          = "yagura-organization"
  s3_bucket_name                = aws_s3_bucket.trail.id
  enable_logging                = true
  is_multi_region_trail         = true
  is_organization_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  depends_on                    = [aws_s3_bucket_policy.trail]
}

resource "aws_sqs_queue" "dead_letter" {
  name_prefix               = "yagura-trail-dlq-"
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "notifications" {
  name_prefix = "yagura-trail-"
  # Longer than yagura's fetch, scan and commit of one object: a message comes back only when
  # the consumer died before deleting it.
  visibility_timeout_seconds = 300
  message_retention_seconds  = 345600
  sqs_managed_sse_enabled    = true
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue_policy" "notifications" {
  queue_url = aws_sqs_queue.notifications.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "TrailBucketNotifications"
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.notifications.arn
      Condition = {
        ArnEquals    = { "aws:SourceArn" = local.trail_bucket_arn }
        StringEquals = { "aws:SourceAccount" = local.account_id }
      }
    }]
  })
}

# --- notifications ----------------------------------------------------------------------------

resource "aws_sns_topic" "notifications" {
  name_prefix       = "yagura-"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "email" {
  count     = var.notification_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.notifications.arn
  protocol  = "email"
  endpoint  = var.notification_email
}

# --- the store on EFS -------------------------------------------------------------------------
# The rules are resources of their own (not inline blocks): the two groups name each other.
# Terraform removes the default allow-all egress of a new group, so the store's group has no
# egress at all (the template leaves AWS's default on it; EFS needs none).

resource "aws_security_group" "yagura" {
  for_each = {
    task  = "yagura tasks (outbound only)"
    store = "yagura store (EFS), reached by the yagura tasks only"
  }
  name_prefix = "yagura-${each.key}-"
  description = each.value
  vpc_id      = var.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "task_https" {
  security_group_id = aws_security_group.yagura["task"].id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  description       = "AWS APIs"
}

resource "aws_vpc_security_group_egress_rule" "task_nfs" {
  security_group_id            = aws_security_group.yagura["task"].id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.yagura["store"].id
  description                  = "the store on EFS"
}

resource "aws_vpc_security_group_ingress_rule" "store_nfs" {
  security_group_id            = aws_security_group.yagura["store"].id
  ip_protocol                  = "tcp"
  from_port                    = 2049
  to_port                      = 2049
  referenced_security_group_id = aws_security_group.yagura["task"].id
  description                  = "NFS from the yagura tasks"
}

resource "aws_efs_file_system" "store" {
  encrypted        = true
  performance_mode = "generalPurpose"
  throughput_mode  = "elastic"
  tags             = { Name = "yagura-store" }
}

resource "aws_efs_backup_policy" "store" {
  file_system_id = aws_efs_file_system.store.id
  backup_policy {
    status = "ENABLED"
  }
}

# In the first two subnets, as the template does.
resource "aws_efs_mount_target" "store" {
  count           = 2
  file_system_id  = aws_efs_file_system.store.id
  subnet_id       = var.subnet_ids[count.index]
  security_groups = [aws_security_group.yagura["store"].id]
}

resource "aws_efs_access_point" "store" {
  file_system_id = aws_efs_file_system.store.id
  posix_user {
    uid = 10001
    gid = 10001
  }
  root_directory {
    path = "/yagura"
    creation_info {
      owner_uid   = 10001
      owner_gid   = 10001
      permissions = "0700"
    }
  }
}
