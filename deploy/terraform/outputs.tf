output "queue_url" {
  value = aws_sqs_queue.notifications.id
}

output "dead_letter_queue_url" {
  value = aws_sqs_queue.dead_letter.id
}

output "topic_arn" {
  value = aws_sns_topic.notifications.arn
}

output "audit_task_role_arn" {
  value = aws_iam_role.ecs["audit"].arn
}
