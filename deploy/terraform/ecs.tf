# ECS of yagura-org.yaml: the cluster, the three Fargate tasks (trail consume, audit --org,
# watch --org) sharing the store on EFS at /store, the consumer's service and the schedules.

resource "aws_ecs_cluster" "yagura" {
  name = "yagura"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "yagura" {
  name_prefix       = "yagura-"
  retention_in_days = 90
}

locals {
  tasks = {
    consume = {
      cpu      = 1024
      memory   = 2048
      role_arn = aws_iam_role.ecs["consume"].arn
      command  = ["--data-dir", "/store", "trail", "consume", "--sqs", aws_sqs_queue.notifications.id]
      environment = [
        { name = "YAGURA_SNS_TOPIC", value = aws_sns_topic.notifications.arn },
      ]
    }
    audit = {
      cpu      = 2048
      memory   = 4096
      role_arn = aws_iam_role.ecs["audit"].arn
      # --output-dir creates /store/reports on the first run (--output would not); the report
      # is /store/reports/yagura-audit.json.
      command = ["--data-dir", "/store", "audit", "--org", "--role-name", var.audit_role_name,
      "--regions", var.audit_regions, "--format", "json", "--output-dir", "/store/reports"]
      environment = []
    }
    watch = {
      cpu      = 1024
      memory   = 2048
      role_arn = aws_iam_role.ecs["audit"].arn
      command = ["--data-dir", "/store", "watch", "--org", "--role-name", var.audit_role_name,
      "--regions", var.audit_regions]
      environment = []
    }
  }
  awsvpc = {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.yagura["task"].id]
    assign_public_ip = false
  }
}

resource "aws_ecs_task_definition" "task" {
  for_each                 = local.tasks
  family                   = "yagura-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = aws_iam_role.ecs["execution"].arn
  task_role_arn            = each.value.role_arn
  volume {
    name = "store"
    efs_volume_configuration {
      file_system_id     = aws_efs_file_system.store.id
      transit_encryption = "ENABLED"
      authorization_config {
        access_point_id = aws_efs_access_point.store.id
        iam             = "ENABLED"
      }
    }
  }
  container_definitions = jsonencode([{
    name                   = "yagura"
    image                  = var.image
    essential              = true
    readonlyRootFilesystem = true
    command                = each.value.command
    environment            = each.value.environment
    mountPoints            = [{ sourceVolume = "store", containerPath = "/store" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.yagura.name
        awslogs-region        = local.region
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

resource "aws_ecs_service" "consume" {
  name            = "yagura-consume"
  cluster         = aws_ecs_cluster.yagura.id
  launch_type     = "FARGATE"
  desired_count   = 1
  task_definition = aws_ecs_task_definition.task["consume"].arn
  # One consumer per store: SQLite on EFS takes one writer.
  deployment_maximum_percent         = 100
  deployment_minimum_healthy_percent = 0
  network_configuration {
    subnets          = local.awsvpc.subnets
    security_groups  = local.awsvpc.security_groups
    assign_public_ip = local.awsvpc.assign_public_ip
  }
  depends_on = [aws_efs_mount_target.store]
}

resource "aws_scheduler_schedule" "org" {
  for_each = {
    audit = var.audit_schedule
    watch = var.watch_schedule
  }
  name                = "yagura-${each.key}-org"
  description         = "yagura ${each.key} --org"
  schedule_expression = each.value
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_ecs_cluster.yagura.arn
    role_arn = aws_iam_role.scheduler.arn
    retry_policy {
      maximum_retry_attempts = 2
    }
    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.task[each.key].arn
      launch_type         = "FARGATE"
      network_configuration {
        subnets          = local.awsvpc.subnets
        security_groups  = local.awsvpc.security_groups
        assign_public_ip = local.awsvpc.assign_public_ip
      }
    }
  }
}
