//! Lambda: every function of the region (ListFunctions, every page) with its resource-based
//! policy (GetPolicy, a few at a time); a function without a policy answers
//! `ResourceNotFoundException`, which is data.

use crate::error::{collect_error, is_code};
use crate::ok;
use crate::regional::paged;
use futures::stream::{self, StreamExt};
use yagura_inventory::{Collected, LambdaFunction};

/// GetPolicy calls in flight per region.
const POLICY_READS: usize = 8;

pub(crate) async fn functions(c: &aws_sdk_lambda::Client) -> Collected<Vec<LambdaFunction>> {
    let listed = match paged(
        "lambda:ListFunctions",
        c.list_functions().into_paginator().send(),
        |page, out| {
            for f in page.functions() {
                let vpc = f.vpc_config();
                out.push(LambdaFunction {
                    name: f.function_name().unwrap_or_default().to_string(),
                    arn: f.function_arn().unwrap_or_default().to_string(),
                    runtime: f.runtime().map(|r| r.as_str().to_string()),
                    vpc_id: vpc
                        .and_then(|v| v.vpc_id())
                        .filter(|v| !v.is_empty())
                        .map(str::to_string),
                    subnets: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
                    policy: Collected::default(),
                });
            }
        },
    )
    .await
    {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut functions: Vec<LambdaFunction> = stream::iter(listed)
        .map(|mut f| async move {
            f.policy = match c.get_policy().function_name(&f.arn).send().await {
                Ok(o) => ok(o.policy().map(str::to_string)),
                Err(e) if is_code(&e, &["ResourceNotFoundException"]) => ok(None),
                Err(e) => Collected::Error(collect_error("lambda:GetPolicy", e)),
            };
            f
        })
        .buffer_unordered(POLICY_READS)
        .collect()
        .await;
    functions.sort_by(|a, b| a.name.cmp(&b.name));
    ok(functions)
}
