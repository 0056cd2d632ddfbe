//! Operator credentials (CRED-01…CRED-03): AWS config/credentials profiles, an MFA session
//! cache shared across profiles and processes, and the ways credentials are handed over
//! (`credential_process` JSON, environment for `exec`, console sign-in URLs, switch-role
//! profiles).
//!
//! Sources of every kind the AWS CLI knows (static keys, SSO with the CLI's token cache,
//! `credential_process`, another profile, `credential_source = Environment`), long-term keys
//! in the OS keyring or a 0600 file ([`keystore`]), and a loopback credentials endpoint for
//! tools without `credential_process` ([`server`]).
//!
//! Architecture invariants: no AWS SDK here — the STS, SSO and IAM calls are traits ([`Sts`],
//! [`SsoApi`]) implemented by the collector; secrets are [`Secret`]s (`yagura_core::Secret`,
//! the workspace's one) whose `Debug`/`Display` print `<redacted>`; nothing prints.
// Only the binary prints (ARCHITECTURE.md): a library returns data and typed errors.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod cache;
pub mod credentials;
pub mod duration;
pub mod flow;
mod fsutil;
pub mod keystore;
pub mod mfa;
pub mod output;
pub mod paths;
pub mod process;
pub mod profile;
pub mod server;
pub mod sso;
pub mod sts_error;

pub use cache::{CacheError, CacheKey, FetchError, MfaCode, Provenance, SessionCache};
pub use credentials::Credentials;
pub use duration::{plan_role_session, DurationError, RolePlan, Strategy};
pub use flow::{
    credentials_for, credentials_for_env, forget_session, is_fido_serial, session_name_from_arn,
    validate_mfa_code, AssumeRoleRequest, FlowEnv, FlowError, FlowOptions, FlowResult, Sts,
};
pub use keystore::{Backend, KeyStore, KeyStoreError, Keystore, StoredKey};
pub use mfa::{code_from_command, MfaCommandError};
pub use output::{
    credential_process_json, exec_env, login_url, login_url_at, parse_signin_token_response,
    profile_base_name, profile_names, replace_managed_block, sanitize_profile_name, shell_word,
    signin_token_url, signin_token_url_at, switch_role_profiles, Account, EnvChanges, NamedBy,
    OutputError, Partition, SwitchRoleOptions,
};
pub use paths::{default_paths, Paths};
pub use profile::{AwsFiles, Origin, ProfileError, ResolvedProfile, RoleStep, Source, SsoSource};
pub use sso::{RefreshedToken, SsoApi, SsoError};
pub use sts_error::{classify, parse_error_response, StsErrorKind, StsProblem};
pub use yagura_core::Secret;
