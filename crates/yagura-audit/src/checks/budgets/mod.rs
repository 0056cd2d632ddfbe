//! The `budgets` checks.

pub(crate) mod budget_without_notification;
