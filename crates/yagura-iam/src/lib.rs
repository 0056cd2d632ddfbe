//! IAM policy engine for yagura (IAM-01…IAM-04): a position-aware policy parser and canonical
//! printer, a validator in the spirit of Access Analyzer's ValidatePolicy, an action database
//! with wildcard expansion, an evaluator that follows AWS's evaluation logic, least-privilege
//! analysis of GetAccountAuthorizationDetails, and the bastion (MFA) pattern.
//!
//! Architecture invariant: nothing here does I/O or talks to AWS; inputs are strings and values,
//! outputs are data ([`Response`], [`yagura_core::Finding`]).
//!
//! Entry points for the binary:
//! - `yagura iam simulate FILE`: [`simulate_json`] (one case or an array in, the decisions out).
//! - `yagura iam analyze FILE`: [`analyze_authorization_details`] over a
//!   GetAccountAuthorizationDetails document: findings of [`CHECKS`], plus what could not be read.
//! - `yagura iam validate FILE`: [`validate::validate_text`] with [`actions::db`] and a
//!   [`validate::PolicyKind`].
//! - `yagura iam bastion plan`: [`bastion::plan`]; the audit verifies with
//!   [`bastion::verify_identity_policies`], [`bastion::verify_trust_policy`] and
//!   [`bastion::verify_role_permissions`].
//! - Programmatic use: [`Policy::parse`], [`authorize`], [`summary::summarize`],
//!   [`actions::ActionDb::expand`].
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod actions;
pub mod analyze;
pub mod bastion;
pub mod checks;
pub mod condition;
pub mod eval;
pub mod exposure;
pub mod facts;
pub mod graph;
pub mod inventory;
pub mod json;
pub mod pattern;
pub mod policy;
pub mod simulate;
pub mod summary;
pub mod validate;

pub use analyze::analyze_authorization_details;
pub use checks::CHECKS;
pub use eval::{
    authorize, authorize_with, policy_match, Decision, Known, Matched, Policies, PolicyMatch,
    PolicySet, Request, Response,
};
pub use policy::{Effect, Policy, Statement};
pub use simulate::{simulate_json, Case};

/// Errors of the IAM engine. Positions are 1-based line and column in the named input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("{input}:{line}:{column}: invalid JSON: {message}")]
    Syntax {
        input: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{input}:{line}:{column}: {message}")]
    Policy {
        input: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{input}:{line}:{column}: {message}")]
    Input {
        input: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("cannot write the output: {0}")]
    Output(String),
    #[error("the embedded action database is unreadable: {0}")]
    Database(String),
}
