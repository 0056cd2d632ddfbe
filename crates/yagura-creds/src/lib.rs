//! Operator credentials (CRED-01…CRED-03): AWS config/credentials profiles, an MFA session
//! cache shared across profiles and processes, and the ways credentials are handed over
//! (`credential_process` JSON, environment for `exec`, console sign-in URLs, switch-role
//! profiles).
//!
//! Architecture invariants: no AWS SDK here — the STS calls are closures passed in by the
//! collector/CLI; secrets are [`Secret`]s (`yagura_core::Secret`, the workspace's one) whose
//! `Debug`/`Display` print `<redacted>`; nothing prints.

pub mod cache;
pub mod credentials;
pub mod duration;
pub mod flow;
pub mod mfa;
pub mod output;
pub mod paths;
pub mod profile;
pub mod sts_error;

pub use cache::{CacheError, CacheKey, FetchError, MfaCode, Provenance, SessionCache};
pub use credentials::Credentials;
pub use duration::{plan_role_session, DurationError, RolePlan, Strategy};
pub use flow::{
    credentials_for, forget_session, validate_mfa_code, AssumeRoleRequest, FlowError, FlowOptions,
    FlowResult, Sts,
};
pub use mfa::{code_from_command, MfaCommandError};
pub use output::{
    credential_process_json, exec_env, login_url, login_url_at, parse_signin_token_response,
    profile_base_name, profile_names, replace_managed_block, sanitize_profile_name,
    signin_token_url, signin_token_url_at, switch_role_profiles, Account, EnvChanges, NamedBy,
    OutputError, Partition, SwitchRoleOptions,
};
pub use paths::{default_paths, Paths};
pub use profile::{AwsFiles, Origin, ProfileError, ResolvedProfile, RoleStep, Source};
pub use sts_error::{classify, parse_error_response, StsErrorKind, StsProblem};
pub use yagura_core::Secret;
