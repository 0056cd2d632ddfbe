#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Formats every public type holding or touching a secret with `{:?}` (and `{}` where it has
//! Display) and checks that no secret appears.

use jiff::{SignedDuration, Timestamp};
use yagura_creds::*;

const SECRETS: &[&str] = &[
    "SECRETKEY0123456789abcdef",
    "TOKEN0123456789abcdef",
    "LONGTERMSECRET0123",
    "987654",
    "SIGNINTOKEN0123",
];

fn check(what: &str, s: &str) {
    for secret in SECRETS {
        assert!(!s.contains(secret), "{what} leaks a secret: {s}");
    }
}

#[test]
fn no_type_prints_a_secret() {
    let now = Timestamp::now();
    let creds = Credentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new(SECRETS[0]),
        session_token: Some(Secret::new(SECRETS[1])),
        expiration: Some(now.checked_add(SignedDuration::from_hours(1)).unwrap()),
    };
    check(
        "Secret",
        &format!("{:?} {}", creds.secret_access_key, creds.secret_access_key),
    );
    check("Credentials", &format!("{creds:?} {creds:#?}"));

    let config = format!(
        "[profile src]\naws_access_key_id = AKIA\naws_secret_access_key = {}\naws_session_token = {}\nmfa_serial = arn:aws:iam::1:mfa/a\n[profile r]\nrole_arn = arn:aws:iam::2:role/R\nsource_profile = src\n",
        SECRETS[2], SECRETS[1]
    );
    let files = AwsFiles::parse(Some((&config, "config")), None).unwrap();
    check("AwsFiles", &format!("{files:?}"));
    let resolved = files.resolve("r").unwrap();
    check("ResolvedProfile", &format!("{resolved:?}"));
    check("Source", &format!("{:?}", resolved.source));

    let code = MfaCode {
        serial: "arn:aws:iam::1:mfa/a".into(),
        code: Secret::new(SECRETS[3]),
    };
    check("MfaCode", &format!("{code:?}"));

    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path()).unwrap();
    let key = CacheKey::session("AKIA", Some("arn:aws:iam::1:mfa/a"));
    let (got, p) = cache
        .get_or_fetch(
            &key,
            now,
            SignedDuration::ZERO,
            || Ok::<_, String>(Some(code.clone())),
            |_| Ok(creds.clone()),
        )
        .unwrap();
    check("fetched", &format!("{got:?} {p:?} {cache:?} {key:?}"));
    let reused = cache
        .get_or_fetch(
            &CacheKey::session("AKIA2", None),
            now,
            SignedDuration::ZERO,
            || Ok::<_, String>(Some(code.clone())),
            |_| Ok(creds.clone()),
        )
        .unwrap_err();
    check("FetchError", &format!("{reused:?} {reused}"));

    let env = exec_env(&creds, Some("ap-northeast-1"), "r");
    check("EnvChanges", &format!("{env:?}"));
    let json = credential_process_json(&creds).unwrap();
    check("process json", &format!("{json:?} {json}"));
    let url = signin_token_url(&creds, None, Partition::Aws).unwrap();
    check("signin url", &format!("{url:?} {url}"));
    let token =
        parse_signin_token_response(&format!("{{\"SigninToken\":\"{}\"}}", SECRETS[4])).unwrap();
    let login = login_url(
        &token,
        "https://console.aws.amazon.com/",
        "yagura",
        Partition::Aws,
    );
    check("login url", &format!("{token:?} {login:?} {login}"));
    let bad = parse_signin_token_response(&format!("{{\"Nope\":\"{}\"}}", SECRETS[4])).unwrap_err();
    check("OutputError", &format!("{bad:?} {bad}"));
    let plan = plan_role_session(Some(7200), false, Some("arn:aws:iam::1:mfa/a")).unwrap();
    check("RolePlan", &format!("{plan:?}"));

    // a malformed credentials line holding a pasted secret
    let err = AwsFiles::parse(
        None,
        Some((&format!("[x]\n{}\n", SECRETS[2]), "credentials")),
    )
    .unwrap_err();
    check("ProfileError", &format!("{err:?} {err}"));
}
