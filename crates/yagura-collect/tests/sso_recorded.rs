//! RECORDED RESPONSES: IAM Identity Center (SSO) as a credential source. moto has no SSO
//! portal (`sso:GetRoleCredentials`) nor SSO OIDC (`sso-oidc:CreateToken`), so their answers are
//! recorded: the REST-JSON bodies those services send (the API references' examples, with fake
//! keys), replayed through aws-smithy-mocks into the real SDK clients of [`SdkSts`] and the real
//! credential flow of `yagura_creds`, with the AWS CLI's token cache in a temporary directory:
//!
//! | recorded response | call | HTTP | body |
//! |---|---|---|---|
//! | [`role_credentials_ok`] | GetRoleCredentials | 200 | `{"roleCredentials":{accessKeyId, secretAccessKey, sessionToken, expiration (ms)}}` |
//! | [`UNAUTHORIZED`] | GetRoleCredentials | 401 | `UnauthorizedException`: `Session token not found or invalid` |
//! | [`create_token_ok`] | CreateToken (refresh_token grant) | 200 | `{"accessToken","tokenType":"Bearer","expiresIn":28800,"refreshToken"}` |
//!
//! Also: a role assumed from the SSO profile (`source_profile`), with STS recorded as in
//! `sts_recorded.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use jiff::Timestamp;
use yagura_collect::sts_client::SdkSts;
use yagura_creds::{
    credentials_for_env, AwsFiles, FlowEnv, FlowError, FlowOptions, Secret, SessionCache,
};

const NOW: &str = "2026-11-24T00:00:00Z";
const START_URL: &str = "https://d-1234567890.awsapps.com/start";

fn now() -> Timestamp {
    NOW.parse().unwrap()
}

fn role_credentials_ok() -> Option<String> {
    // expiration: 2026-11-24T08:00:00Z in milliseconds
    Some(format!(
        r#"{{"roleCredentials":{{"accessKeyId":"{}","secretAccessKey":"ssoSECRETwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLE","sessionToken":"ssoTOKENIQoJb3JpZ2luX2VjEXAMPLE","expiration":1795507200000}}}}"#,
        concat!("ASIA", "SSOEXAMPLE0ROLE")
    ))
}

const UNAUTHORIZED: (u16, &str) = (
    401,
    r#"{"__type":"UnauthorizedException","message":"Session token not found or invalid"}"#,
);

fn create_token_ok() -> Option<String> {
    Some(
        r#"{"accessToken":"refreshedACCESStokenEXAMPLE","tokenType":"Bearer","expiresIn":28800,"refreshToken":"newREFRESHtokenEXAMPLE"}"#
            .to_string(),
    )
}

fn clients(sso_rules: &[&Rule], oidc_rules: &[&Rule], sts_rules: &[&Rule]) -> SdkSts {
    let interceptor = |rules: &[&Rule]| {
        let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            i = i.with_rule(r);
        }
        i
    };
    let sso = aws_sdk_sso::Client::from_conf(
        aws_sdk_sso::Config::builder()
            .behavior_version(aws_sdk_sso::config::BehaviorVersion::latest())
            .region(aws_sdk_sso::config::Region::new("eu-west-1"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor(sso_rules))
            .build(),
    );
    let oidc = aws_sdk_ssooidc::Client::from_conf(
        aws_sdk_ssooidc::Config::builder()
            .behavior_version(aws_sdk_ssooidc::config::BehaviorVersion::latest())
            .region(aws_sdk_ssooidc::config::Region::new("eu-west-1"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor(oidc_rules))
            .build(),
    );
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor(sts_rules).allow_passthrough())
            .build(),
    );
    SdkSts::over_client(sts).with_sso_clients(sso, oidc)
}

struct Setup {
    dir: tempfile::TempDir,
    files: AwsFiles,
    cache: SessionCache,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n\
             sso_role_name = Developer\nregion = eu-west-1\n\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n\
             sso_registration_scopes = sso:account:access\n\n\
             [profile legacy]\nsso_start_url = {START_URL}\nsso_region = eu-west-1\n\
             sso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n\
             [profile deploy]\nrole_arn = arn:aws:iam::444455556666:role/Deploy\nsource_profile = sso\n"
        );
        std::fs::write(dir.path().join("config"), config).unwrap();
        let files = AwsFiles::load(&dir.path().join("config"), &dir.path().join("none")).unwrap();
        let cache = SessionCache::open(dir.path().join("sessions")).unwrap();
        std::fs::create_dir_all(dir.path().join("sso/cache")).unwrap();
        Setup { dir, files, cache }
    }

    fn sso_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("sso/cache")
    }

    /// The token file `aws sso login --sso-session corp` leaves (name: SHA-1 of `corp`).
    fn write_token(&self, name_key: &str, expires_at: &str, refresh: bool) -> std::path::PathBuf {
        use sha1_hex::hex;
        let path = self.sso_dir().join(format!("{}.json", hex(name_key)));
        let mut v = serde_json::json!({
            "startUrl": START_URL,
            "region": "eu-west-1",
            "accessToken": "cachedACCESStokenEXAMPLE",
            "expiresAt": expires_at,
        });
        if refresh {
            v["refreshToken"] = "cachedREFRESHtokenEXAMPLE".into();
            v["clientId"] = "clientIdEXAMPLE".into();
            v["clientSecret"] = "clientSECRETexample".into();
            v["registrationExpiresAt"] = "2027-02-01T00:00:00Z".into();
        }
        std::fs::write(&path, v.to_string()).unwrap();
        path
    }

    fn flow(
        &self,
        sts: &SdkSts,
        profile: &str,
    ) -> Result<yagura_creds::FlowResult, FlowError<yagura_collect::sts_client::StsCallError>> {
        let env = FlowEnv {
            keys: None,
            sso: Some(sts),
            sso_cache_dir: Some(self.sso_dir()),
        };
        let mut no_prompt = |_: &str| -> Result<Secret, String> { Err("no prompt".into()) };
        credentials_for_env(
            &self.files,
            profile,
            &self.cache,
            sts,
            &mut no_prompt,
            now(),
            &FlowOptions::default(),
            &env,
        )
    }
}

/// SHA-1 in hex, as the AWS CLI names its token files (computed here independently of
/// yagura-creds' own function).
mod sha1_hex {
    pub fn hex(s: &str) -> String {
        let out = std::process::Command::new("sha1sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().unwrap().write_all(s.as_bytes())?;
                c.wait_with_output()
            })
            .unwrap();
        String::from_utf8(out.stdout).unwrap()[..40].to_string()
    }
}

#[test]
fn sso_session_profile_gets_role_credentials_with_the_cached_token() {
    let rule = mock!(aws_sdk_sso::Client::get_role_credentials)
        .match_requests(|r| {
            r.access_token() == Some("cachedACCESStokenEXAMPLE")
                && r.account_id() == Some("111122223333")
                && r.role_name() == Some("Developer")
        })
        .sequence()
        .http_status(200, role_credentials_ok())
        .build();
    let sts = clients(&[&rule], &[], &[]);
    let s = Setup::new();
    s.write_token("corp", "2026-11-24T08:00:00Z", false);
    let r = s.flow(&sts, "sso").unwrap();
    assert_eq!(
        r.credentials.access_key_id,
        concat!("ASIA", "SSOEXAMPLE0ROLE")
    );
    assert_eq!(
        r.credentials.expiration,
        Some("2026-11-24T08:00:00Z".parse().unwrap())
    );
    assert_eq!(r.region.as_deref(), Some("eu-west-1"));
    // cached: a second call makes no request
    let again = s.flow(&sts, "sso").unwrap();
    assert_eq!(again.credentials, r.credentials);
    assert_eq!(rule.num_calls(), 1);
    // the legacy form finds its token by the start URL's SHA-1
    let legacy = mock!(aws_sdk_sso::Client::get_role_credentials)
        .match_requests(|r| r.role_name() == Some("ReadOnly"))
        .sequence()
        .http_status(200, role_credentials_ok())
        .build();
    let sts = clients(&[&legacy], &[], &[]);
    s.write_token(START_URL, "2026-11-24T08:00:00Z", false);
    s.flow(&sts, "legacy").unwrap();
    assert_eq!(legacy.num_calls(), 1);
}

#[test]
fn expired_token_is_refreshed_and_written_back() {
    let refresh = mock!(aws_sdk_ssooidc::Client::create_token)
        .match_requests(|r| {
            r.grant_type() == Some("refresh_token")
                && r.refresh_token() == Some("cachedREFRESHtokenEXAMPLE")
                && r.client_id() == Some("clientIdEXAMPLE")
        })
        .sequence()
        .http_status(200, create_token_ok())
        .build();
    let role = mock!(aws_sdk_sso::Client::get_role_credentials)
        .match_requests(|r| r.access_token() == Some("refreshedACCESStokenEXAMPLE"))
        .sequence()
        .http_status(200, role_credentials_ok())
        .build();
    let sts = clients(&[&role], &[&refresh], &[]);
    let s = Setup::new();
    let path = s.write_token("corp", "2026-11-23T20:00:00Z", true);
    s.flow(&sts, "sso").unwrap();
    assert_eq!((refresh.num_calls(), role.num_calls()), (1, 1));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["accessToken"], "refreshedACCESStokenEXAMPLE");
    assert_eq!(written["refreshToken"], "newREFRESHtokenEXAMPLE");
    assert_eq!(written["expiresAt"], "2026-11-24T08:00:00Z");
    assert_eq!(
        written["startUrl"], START_URL,
        "the CLI's other fields are kept"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn missing_expired_or_refused_tokens_are_clear() {
    let s = Setup::new();
    let sts = clients(&[], &[], &[]);
    // no token file
    let e = s.flow(&sts, "sso").unwrap_err().to_string();
    assert!(
        e.contains("no SSO token for `corp`") && e.contains("aws sso login --sso-session corp"),
        "{e}"
    );
    // expired, nothing to refresh it with
    s.write_token("corp", "2026-11-23T20:00:00UTC", false);
    let e = s.flow(&sts, "sso").unwrap_err().to_string();
    assert!(e.contains("expired at 2026-11-23T20:00:00Z"), "{e}");
    // the portal refuses the token (revoked)
    let refused = mock!(aws_sdk_sso::Client::get_role_credentials)
        .sequence()
        .http_status(UNAUTHORIZED.0, Some(UNAUTHORIZED.1.to_string()))
        .build();
    let sts = clients(&[&refused], &[], &[]);
    s.write_token("corp", "2026-11-24T08:00:00Z", false);
    let e = s.flow(&sts, "sso").unwrap_err().to_string();
    assert!(
        e.contains("sso GetRoleCredentials for account `111122223333` role `Developer`")
            && e.contains("Session token not found or invalid"),
        "{e}"
    );
    assert!(!e.contains("cachedACCESStoken"), "{e}");
    // a corrupt file names the file, never its content
    std::fs::write(
        s.sso_dir().join(format!("{}.json", sha1_hex::hex("corp"))),
        "{\"accessToken\": \"cachedACCESStokenEXAMPLE\"",
    )
    .unwrap();
    let e = s.flow(&sts, "sso").unwrap_err().to_string();
    assert!(
        e.contains("is not valid") && !e.contains("cachedACCESS"),
        "{e}"
    );
}

/// A role chained from the SSO profile: GetRoleCredentials, then AssumeRole signed with them.
#[test]
fn role_from_sso_profile() {
    let sso = mock!(aws_sdk_sso::Client::get_role_credentials)
        .sequence()
        .http_status(200, role_credentials_ok())
        .build();
    let assume = mock!(aws_sdk_sts::Client::assume_role)
        .match_requests(|r| r.role_arn() == Some("arn:aws:iam::444455556666:role/Deploy"))
        .sequence()
        .http_status(
            200,
            Some(
                "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
                 <AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/Deploy/yagura</Arn>\
                 <AssumedRoleId>AROEXAMPLE:yagura</AssumedRoleId></AssumedRoleUser><Credentials>\
                 <AccessKeyId>ASIAIOSFODNN7DEPLOY</AccessKeyId><SecretAccessKey>deploySECRETexample</SecretAccessKey>\
                 <SessionToken>deployTOKENexample</SessionToken><Expiration>2026-11-24T01:00:00Z</Expiration>\
                 </Credentials></AssumeRoleResult><ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>"
                    .to_string(),
            ),
        )
        .build();
    let sts = clients(&[&sso], &[], &[&assume]);
    let s = Setup::new();
    s.write_token("corp", "2026-11-24T08:00:00Z", false);
    let r = s.flow(&sts, "deploy").unwrap();
    assert_eq!(r.credentials.access_key_id, "ASIAIOSFODNN7DEPLOY");
    assert_eq!((sso.num_calls(), assume.num_calls()), (1, 1));
}
