//! RECORDED RESPONSES: STS errors that moto cannot produce (moto accepts any MFA code, never
//! throttles, never expires a session, lets every role be assumed and has every region
//! enabled), replayed through the real SDK client of [`SdkSts`] and the real credential flow
//! of `yagura_creds`.
//!
//! Each response below is the wire form STS sends (query protocol: an `ErrorResponse` XML body
//! with the HTTP status STS uses), with the codes and messages STS returns, recorded from the
//! STS API reference and real calls (request ids and account ids replaced by examples):
//!
//! | recorded response | call | HTTP | code | message |
//! |---|---|---|---|---|
//! | [`WRONG_MFA`] | GetSessionToken | 403 | `AccessDenied` | `MultiFactorAuthentication failed with invalid MFA one time pass code. ` |
//! | [`EXPIRED`] | AssumeRole | 400 | `ExpiredToken` | `The security token included in the request is expired` |
//! | [`THROTTLED`] | GetSessionToken | 400 | `Throttling` | `Rate exceeded` |
//! | [`ROLE_DENIED`] | AssumeRole | 403 | `AccessDenied` | `User: … is not authorized to perform: sts:AssumeRole on resource: <role ARN>` |
//! | [`REGION_DISABLED`] | GetSessionToken | 403 | `RegionDisabledException` | `STS is not activated in this region for account:… ` |
//!
//! The successful answers ([`session_ok`], [`role_ok`]) are the XML of the API reference's
//! examples. The SDK deserializes all of them; [`SdkSts`] applies its own retry policy (three
//! attempts, throttling retried); the flow turns the error into the message the CLI prints
//! (`error: ` followed by the flow error's text, see `crates/yagura/src/creds.rs`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::cell::Cell;
use std::path::Path;

use aws_sdk_sts::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use jiff::{SignedDuration, Timestamp};
use yagura_collect::sts_client::SdkSts;
use yagura_creds::{
    credentials_for, forget_session, AwsFiles, CacheKey, Credentials, FlowError, FlowOptions,
    FlowResult, Secret, SessionCache, StsErrorKind,
};

const MFA: &str = "arn:aws:iam::123456789012:mfa/alice";
const ROLE: &str = "arn:aws:iam::210987654321:role/Admin";
/// The evaluation time; the recorded credentials expire 12 hours later.
const NOW: &str = "2026-11-24T00:00:00Z";
const SOURCE_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsourceSECRET";

fn source_key_id() -> String {
    // built at runtime: no key-shaped literal in the repository
    concat!("AKIA", "IOSFODNN7EXAMPLE").to_string()
}

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn error_xml(kind: &str, code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <Error>\n    \
         <Type>{kind}</Type>\n    <Code>{code}</Code>\n    <Message>{message}</Message>\n  \
         </Error>\n  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n</ErrorResponse>\n"
    )
}

/// GetSessionToken with a wrong one-time code.
const WRONG_MFA: (u16, &str, &str) = (
    403,
    "AccessDenied",
    "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
);
/// AssumeRole signed with a session STS considers expired.
const EXPIRED: (u16, &str, &str) = (
    400,
    "ExpiredToken",
    "The security token included in the request is expired",
);
/// Any call over the account's STS request rate.
const THROTTLED: (u16, &str, &str) = (400, "Throttling", "Rate exceeded");
/// AssumeRole of a role whose trust policy does not admit the caller.
const ROLE_DENIED: (u16, &str, &str) = (
    403,
    "AccessDenied",
    "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/Admin",
);
/// Any call to a regional STS endpoint the account has deactivated.
const REGION_DISABLED: (u16, &str, &str) = (
    403,
    "RegionDisabledException",
    "STS is not activated in this region for account:123456789012. Your account administrator can activate STS in this region using the IAM Console.",
);

fn body(r: (u16, &str, &str)) -> Option<String> {
    Some(error_xml("Sender", r.1, r.2))
}

/// An obviously fake session key id, built in two parts so that no key-shaped literal is committed.
const FAKE_SESSION_KEY_ID: &str = concat!("ASIA", "FAKEEXAMPLE0SESS");

/// The API reference's GetSessionToken example answer (with a fake key id).
fn session_ok() -> Option<String> {
    Some(
        "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <GetSessionTokenResult>\n    <Credentials>\n      \
         <SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxzrBlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE</SessionToken>\n      \
         <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n      \
         <Expiration>2026-11-24T12:00:00Z</Expiration>\n      \
         <AccessKeyId>FAKE_SESSION_KEY_ID</AccessKeyId>\n    </Credentials>\n  \
         </GetSessionTokenResult>\n  <ResponseMetadata>\n    \
         <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>\n  </ResponseMetadata>\n\
         </GetSessionTokenResponse>\n"
            .replace("FAKE_SESSION_KEY_ID", FAKE_SESSION_KEY_ID),
    )
}

/// The API reference's AssumeRole example answer.
fn role_ok() -> Option<String> {
    Some(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  \
         <AssumeRoleResult>\n    <AssumedRoleUser>\n      \
         <Arn>arn:aws:sts::210987654321:assumed-role/Admin/yagura</Arn>\n      \
         <AssumedRoleId>ARO123EXAMPLE123:yagura</AssumedRoleId>\n    </AssumedRoleUser>\n    \
         <Credentials>\n      \
         <AccessKeyId>ASIAIOSFODNN7ROLE</AccessKeyId>\n      \
         <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEROLE</SecretAccessKey>\n      \
         <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==</SessionToken>\n      \
         <Expiration>2026-11-24T01:00:00Z</Expiration>\n    </Credentials>\n    \
         <PackedPolicySize>6</PackedPolicySize>\n  </AssumeRoleResult>\n  <ResponseMetadata>\n    \
         <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n  </ResponseMetadata>\n\
         </AssumeRoleResponse>\n"
            .to_string(),
    )
}

/// An STS client whose answers come from `rules` (first match wins); an unmatched request
/// gets the mock transport's HTTP 418.
fn sts_over(rules: &[&Rule]) -> SdkSts {
    let mut interceptor = MockResponseInterceptor::new()
        .rule_mode(RuleMode::MatchAny)
        .allow_passthrough();
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let client = Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .build(),
    );
    SdkSts::over_client(client)
}

/// Profiles: `dev` (long-term keys and an MFA device), `admin` (a role assumed from `dev`'s
/// MFA session).
struct Setup {
    dir: tempfile::TempDir,
    files: AwsFiles,
    cache: SessionCache,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[profile dev]\nregion = us-east-1\nmfa_serial = {MFA}\n\n\
             [profile admin]\nrole_arn = {ROLE}\nsource_profile = dev\nregion = us-east-1\n"
        );
        let credentials = format!(
            "[dev]\naws_access_key_id = {}\naws_secret_access_key = {SOURCE_SECRET}\n",
            source_key_id()
        );
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(dir.path().join("credentials"), credentials).unwrap();
        let files =
            AwsFiles::load(&dir.path().join("config"), &dir.path().join("credentials")).unwrap();
        let cache = SessionCache::open(dir.path().join("sessions")).unwrap();
        Setup { dir, files, cache }
    }

    /// A cached MFA session for `dev` (as a successful login leaves it).
    fn seed_session(&self) -> Credentials {
        let c = Credentials {
            access_key_id: "ASIAIOSFODNN7CACHED".to_string(),
            secret_access_key: Secret::new("cachedSECRETcachedSECRETcachedSECRET0000"),
            session_token: Some(Secret::new("cachedTOKENcachedTOKENcachedTOKEN")),
            expiration: Some(now().checked_add(SignedDuration::from_hours(11)).unwrap()),
        };
        let key = CacheKey::session(&source_key_id(), Some(MFA));
        self.cache
            .get_or_fetch(
                &key,
                now(),
                SignedDuration::ZERO,
                || Ok::<_, String>(None),
                |_| Ok(c.clone()),
            )
            .unwrap();
        c
    }

    /// The flow for `profile`; `codes` are handed out one per prompt, and the prompts counted.
    fn flow(
        &self,
        sts: &SdkSts,
        profile: &str,
        codes: &[&str],
        prompts: &Cell<usize>,
    ) -> Result<FlowResult, FlowError<yagura_collect::sts_client::StsCallError>> {
        let mut ask = |_: &str| -> Result<Secret, String> {
            let i = prompts.get();
            prompts.set(i + 1);
            codes
                .get(i)
                .map(|c| Secret::new(*c))
                .ok_or_else(|| "no more codes".to_string())
        };
        credentials_for(
            &self.files,
            profile,
            &self.cache,
            sts,
            &mut ask,
            now(),
            &FlowOptions::default(),
        )
    }

    fn cache_text(&self) -> String {
        std::fs::read_to_string(self.cache.file_path()).unwrap_or_default()
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// What the CLI prints for a failed flow (`main.rs`: `error: ` and the error's text).
fn cli_text<E: std::fmt::Display>(e: &FlowError<E>) -> String {
    format!("error: {e}")
}

/// The secrets a message must never show: the source key, the cached session, the codes.
fn assert_no_secret(text: &str, extra: &[&str]) {
    let mut secrets = vec![
        SOURCE_SECRET,
        "cachedSECRETcachedSECRET",
        "cachedTOKENcachedTOKEN",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE",
    ];
    secrets.extend_from_slice(extra);
    for s in secrets {
        assert!(!text.contains(s), "`{s}` appears in: {text}");
    }
}

fn sts_problem(
    e: &FlowError<yagura_collect::sts_client::StsCallError>,
) -> yagura_creds::StsProblem {
    match e {
        FlowError::Sts { source, .. } => source.problem(),
        other => panic!("not an STS error: {other}"),
    }
}

#[test]
fn wrong_mfa_code_is_clear_and_the_code_is_neither_kept_nor_reused() {
    let wrong = mock!(Client::get_session_token)
        .match_requests(|r| r.token_code() == Some("111111"))
        .sequence()
        .http_status(WRONG_MFA.0, body(WRONG_MFA))
        .repeatedly()
        .build();
    let right = mock!(Client::get_session_token)
        .match_requests(|r| {
            r.token_code() == Some("222222")
                && r.serial_number() == Some(MFA)
                && r.duration_seconds() == Some(43_200)
        })
        .sequence()
        .http_status(200, session_ok())
        .build();
    let sts = sts_over(&[&wrong, &right]);
    let s = Setup::new();
    let prompts = Cell::new(0);

    let e = s
        .flow(&sts, "dev", &["111111", "222222"], &prompts)
        .unwrap_err();
    assert_eq!(
        cli_text(&e),
        "error: sts GetSessionToken for profile `dev`: the MFA code is wrong: check the device \
         and type the current code (AccessDenied: `MultiFactorAuthentication failed with invalid \
         MFA one time pass code.`)"
    );
    assert_eq!(sts_problem(&e).kind, StsErrorKind::WrongMfaCode);
    assert!(!sts_problem(&e).retry);
    assert_eq!(wrong.num_calls(), 1, "an AccessDenied is not retried");
    assert_no_secret(&cli_text(&e), &["111111"]);
    // nothing was cached: no session, and the code is not remembered in any form that a
    // later call could reuse
    let cache = s.cache_text();
    assert!(!cache.contains("111111"), "{cache}");
    assert!(
        !cache.contains("ASIA"),
        "a failed call stores no session: {cache}"
    );

    // the next call asks again and sends the new code, never the failed one
    let ok = s
        .flow(&sts, "dev", &["111111", "222222"], &prompts)
        .unwrap();
    assert_eq!(prompts.get(), 2, "one prompt per attempt");
    assert!(ok.prompted);
    assert_eq!(ok.credentials.access_key_id, FAKE_SESSION_KEY_ID);
    assert_eq!(
        ok.credentials.expiration,
        Some("2026-11-24T12:00:00Z".parse().unwrap())
    );
    assert_eq!((wrong.num_calls(), right.num_calls()), (1, 1));

    // and then the session comes from the cache: no prompt, no call
    let again = s.flow(&sts, "dev", &[], &prompts).unwrap();
    assert!(!again.prompted);
    assert_eq!(right.num_calls(), 1);
    // the cache file is 0600 and holds the code only as a hash
    let cache = s.cache_text();
    assert!(!cache.contains("222222"), "{cache}");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.cache.file_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(s.path().exists());
}

#[test]
fn expired_session_on_assume_role_is_dropped_and_the_next_call_asks_again() {
    let expired = mock!(Client::assume_role)
        .match_requests(|r| r.role_arn() == Some(ROLE))
        .sequence()
        .http_status(EXPIRED.0, body(EXPIRED))
        .http_status(200, role_ok())
        .build();
    let session = mock!(Client::get_session_token)
        .match_requests(|r| r.token_code() == Some("333333"))
        .sequence()
        .http_status(200, session_ok())
        .build();
    let sts = sts_over(&[&expired, &session]);
    let s = Setup::new();
    s.seed_session();
    let prompts = Cell::new(0);

    let e = s.flow(&sts, "admin", &["333333"], &prompts).unwrap_err();
    assert_eq!(
        cli_text(&e),
        "error: sts AssumeRole for profile `admin`: the session has expired: it was removed \
         from the cache; log in again (ExpiredToken: `The security token included in the \
         request is expired`)"
    );
    assert_eq!(prompts.get(), 0, "the cached session was used, no prompt");
    assert_eq!(expired.num_calls(), 1, "an expired token is not retried");
    assert_no_secret(&cli_text(&e), &[]);
    let problem = sts_problem(&e);
    assert!(problem.drop_cached_session);

    // what the CLI does on such an answer
    let resolved = s.files.resolve("admin").unwrap();
    assert!(forget_session(&resolved, &s.cache).unwrap());
    assert!(!s.cache_text().contains("ASIAIOSFODNN7CACHED"));

    // the next call opens a new session with a new code, then assumes the role
    let ok = s.flow(&sts, "admin", &["333333"], &prompts).unwrap();
    assert_eq!(prompts.get(), 1);
    assert_eq!(ok.credentials.access_key_id, "ASIAIOSFODNN7ROLE");
    assert_eq!((session.num_calls(), expired.num_calls()), (1, 2));
}

#[test]
fn throttling_is_retried_then_succeeds() {
    let rule = mock!(Client::get_session_token)
        .sequence()
        .http_status(THROTTLED.0, body(THROTTLED))
        .times(2)
        .http_status(200, session_ok())
        .build();
    let sts = sts_over(&[&rule]);
    let s = Setup::new();
    let prompts = Cell::new(0);
    let ok = s.flow(&sts, "dev", &["444444"], &prompts).unwrap();
    assert_eq!(
        rule.num_calls(),
        3,
        "two throttled attempts, then the answer"
    );
    assert_eq!(prompts.get(), 1, "one code for every attempt of the call");
    assert_eq!(ok.credentials.access_key_id, FAKE_SESSION_KEY_ID);
}

#[test]
fn throttled_every_time_says_so() {
    let rule = mock!(Client::get_session_token)
        .sequence()
        .http_status(THROTTLED.0, body(THROTTLED))
        .repeatedly()
        .build();
    let sts = sts_over(&[&rule]);
    let s = Setup::new();
    let prompts = Cell::new(0);
    let e = s.flow(&sts, "dev", &["555555"], &prompts).unwrap_err();
    assert_eq!(rule.num_calls(), 3, "SdkSts makes three attempts");
    assert_eq!(
        cli_text(&e),
        "error: sts GetSessionToken for profile `dev`: STS is throttling the calls: retry in a \
         few seconds (Throttling: `Rate exceeded`)"
    );
    let p = sts_problem(&e);
    assert_eq!(p.kind, StsErrorKind::Throttled);
    assert!(p.retry);
    assert_no_secret(&cli_text(&e), &["555555"]);
    // the code was not used up: a retry may type it again while it is current
    assert!(!s
        .cache
        .code_used(MFA, &Secret::new("555555"), now())
        .unwrap());
    assert!(!s.cache_text().contains("ASIA"));
}

#[test]
fn a_role_that_cannot_be_assumed_names_the_role() {
    let rule = mock!(Client::assume_role)
        .sequence()
        .http_status(ROLE_DENIED.0, body(ROLE_DENIED))
        .repeatedly()
        .build();
    let sts = sts_over(&[&rule]);
    let s = Setup::new();
    s.seed_session();
    let prompts = Cell::new(0);
    let e = s.flow(&sts, "admin", &[], &prompts).unwrap_err();
    assert_eq!(
        cli_text(&e),
        "error: sts AssumeRole for profile `admin`: not allowed to assume the role: check the \
         role's trust policy, your permissions and whether MFA is required (AccessDenied: `User: \
         arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on \
         resource: arn:aws:iam::210987654321:role/Admin`)"
    );
    assert!(cli_text(&e).contains(ROLE));
    assert_eq!(sts_problem(&e).kind, StsErrorKind::NotAuthorized);
    assert_eq!(rule.num_calls(), 1);
    assert_no_secret(&cli_text(&e), &[]);
    // the session stays: it is not the session that is refused
    assert!(s.cache_text().contains("ASIAIOSFODNN7CACHED"));
}

#[test]
fn region_disabled_is_clear() {
    let rule = mock!(Client::get_session_token)
        .sequence()
        .http_status(REGION_DISABLED.0, body(REGION_DISABLED))
        .repeatedly()
        .build();
    let sts = sts_over(&[&rule]);
    let s = Setup::new();
    let prompts = Cell::new(0);
    let e = s.flow(&sts, "dev", &["666666"], &prompts).unwrap_err();
    assert_eq!(
        cli_text(&e),
        "error: sts GetSessionToken for profile `dev`: STS is not activated in this region: \
         activate it in IAM account settings or use another region (RegionDisabledException: \
         `STS is not activated in this region for account:123456789012. Your account \
         administrator can activate STS in this region using the IAM Console.`)"
    );
    assert_eq!(sts_problem(&e).kind, StsErrorKind::RegionDisabled);
    assert_eq!(rule.num_calls(), 1);
    assert_no_secret(&cli_text(&e), &["666666"]);
}
