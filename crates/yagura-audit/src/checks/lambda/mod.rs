//! The `lambda` checks.

pub(crate) mod lambda_function_not_in_vpc;
pub(crate) mod lambda_function_policy_public;
pub(crate) mod lambda_runtime_deprecated;
pub(crate) mod lambda_vpc_function_single_az;

use crate::checks::prelude::*;
use yagura_inventory::LambdaFunction;

/// Runtimes deprecated after FSBP's default list was written, with the date AWS's Lambda
/// runtimes page gives for their deprecation (as listed there in November 2025): each counts
/// as obsolete from that day on.
pub(crate) const DEPRECATIONS: [(&str, &str); 2] = [
    ("nodejs18.x", "2025-09-01T00:00:00Z"),
    ("python3.9", "2025-12-15T00:00:00Z"),
];

/// Runs `judge` on every function of the region, each with where its finding goes.
pub(super) fn each_function(
    cx: &mut Cx<'_>,
    reg: &Reg<'_>,
    mut judge: impl FnMut(&mut Cx<'_>, &LambdaFunction, At<'_>) -> Outcome,
) -> Outcome {
    let functions = cx.need_in(&data::LAMBDA_FUNCTIONS, reg.region)?;
    for f in functions {
        let at = At {
            resource: &f.arn,
            region: reg.name(),
        };
        if let Err(m) = judge(cx, f, at) {
            cx.unknown_on(at, m.error);
        }
    }
    Ok(())
}
