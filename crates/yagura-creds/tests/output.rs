#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use yagura_creds::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE/TOKEN+with=chars";

fn temp() -> Credentials {
    Credentials {
        access_key_id: "ASIAEXAMPLE".to_string(),
        secret_access_key: Secret::new(SECRET),
        session_token: Some(Secret::new(TOKEN)),
        expiration: Some("2099-01-01T00:00:00Z".parse::<Timestamp>().unwrap()),
    }
}

#[test]
fn credential_process_json_shape() {
    let j = credential_process_json(&temp()).unwrap();
    assert_eq!(
        j.expose(),
        format!(
            r#"{{"Version":1,"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"{SECRET}","SessionToken":"{TOKEN}","Expiration":"2099-01-01T00:00:00Z"}}"#
        )
    );
    let long_term = Credentials {
        session_token: None,
        expiration: None,
        ..temp()
    };
    let j = credential_process_json(&long_term).unwrap();
    assert!(!j.expose().contains("SessionToken") && !j.expose().contains("Expiration"));
    assert_eq!(format!("{j:?} {j}"), "Secret(<redacted>) <redacted>");
}

/// Differential check against the AWS CLI's own credential loader (botocore): a
/// `credential_process` profile that prints our JSON yields the same credentials.
#[test]
fn botocore_accepts_credential_process_output() {
    let have = std::process::Command::new("python3")
        .args(["-c", "import botocore.session"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        if std::env::var_os("CI").is_some() {
            panic!("python3 with botocore (pip install awscli) is required in CI");
        }
        eprintln!("skip: python3 with botocore not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out.json");
    std::fs::write(&json, credential_process_json(&temp()).unwrap().expose()).unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!("[profile p]\ncredential_process = cat {}\n", json.display()),
    )
    .unwrap();
    let script = "import botocore.session\n\
s = botocore.session.Session(profile='p')\n\
c = s.get_credentials()\n\
f = c.get_frozen_credentials()\n\
print(c.method, f.access_key, f.secret_key == SECRET, f.token == TOKEN, c._expiry_time.isoformat())\n";
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            &format!("SECRET={SECRET:?}\nTOKEN={TOKEN:?}\n{script}"),
        ])
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "custom-process ASIAEXAMPLE True True 2099-01-01T00:00:00+00:00"
    );
}

#[test]
fn exec_env_sets_and_removes() {
    let e = exec_env(&temp(), Some("ap-northeast-1"), "dev-admin");
    let names: Vec<&str> = e.set.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "YAGURA_PROFILE"
        ]
    );
    assert!(e.remove.contains(&"AWS_PROFILE".to_string()));
    assert!(e.remove.contains(&"AWS_DEFAULT_PROFILE".to_string()));
    assert!(!format!("{e:?}").contains(SECRET));
    let long_term = Credentials {
        session_token: None,
        expiration: None,
        ..temp()
    };
    let e = exec_env(&long_term, None, "x");
    assert!(e.remove.contains(&"AWS_SESSION_TOKEN".to_string()));
    assert!(e.remove.contains(&"AWS_CREDENTIAL_EXPIRATION".to_string()));

    // applied to a real child: it sees the credentials and not the old profile
    #[cfg(unix)]
    {
        let mut cmd = std::process::Command::new("sh");
        cmd.args([
            "-c",
            "echo \"$AWS_ACCESS_KEY_ID|${AWS_PROFILE:-unset}|$AWS_REGION\"",
        ]);
        cmd.env("AWS_PROFILE", "old");
        exec_env(&temp(), Some("ap-northeast-1"), "dev-admin").apply(&mut cmd);
        let out = cmd.output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "ASIAEXAMPLE|unset|ap-northeast-1"
        );
    }
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
}

#[test]
fn console_signin_urls() {
    let url = signin_token_url(&temp(), Some(3600), Partition::Aws).unwrap();
    let u = url.expose();
    assert!(u.starts_with("https://signin.aws.amazon.com/federation?Action=getSigninToken&SessionDuration=3600&Session=%7B%22sessionId%22%3A%22ASIAEXAMPLE%22"), "{u}");
    let session = percent_encoding::percent_decode_str(query_param(u, "Session").unwrap())
        .decode_utf8()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&session).unwrap();
    assert_eq!(v["sessionKey"], SECRET);
    assert_eq!(v["sessionToken"], TOKEN);
    // no raw `+`, `/` or `=` from the secret survive unencoded
    assert!(!query_param(u, "Session")
        .unwrap()
        .contains(['+', '/', '=', '"']));

    assert_eq!(
        signin_token_url(&temp(), Some(60), Partition::Aws).unwrap_err(),
        OutputError::BadSessionDuration(60)
    );
    let long_term = Credentials {
        session_token: None,
        ..temp()
    };
    assert_eq!(
        signin_token_url(&long_term, None, Partition::Aws).unwrap_err(),
        OutputError::NoSessionToken
    );
    let cn = signin_token_url(&temp(), None, Partition::of_region("cn-north-1")).unwrap();
    assert!(cn
        .expose()
        .starts_with("https://signin.amazonaws.cn/federation?Action=getSigninToken&Session="));

    let token = parse_signin_token_response(r#"{"SigninToken":"tok+en/=="}"#).unwrap();
    let login = login_url(
        &token,
        &Partition::Aws.console(Some("ap-northeast-1")),
        "yagura",
        Partition::Aws,
    );
    assert_eq!(
        login.expose(),
        "https://signin.aws.amazon.com/federation?Action=login&Issuer=yagura&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Dap-northeast-1&SigninToken=tok%2Ben%2F%3D%3D"
    );
    assert!(parse_signin_token_response("<html>").is_err());
    assert!(parse_signin_token_response(r#"{"SigninToken":""}"#).is_err());
}

#[test]
fn switch_role_profiles_from_aliases() {
    let accounts = vec![
        Account {
            id: "222222222222".into(),
            alias: None,
            name: Some("Dev Account (Tokyo)".into()),
        },
        Account {
            id: "333333333333".into(),
            alias: Some("prod".into()),
            name: Some("Production".into()),
        },
        Account {
            id: "444444444444".into(),
            alias: None,
            name: Some("PROD".into()),
        },
        Account {
            id: "555555555555".into(),
            alias: None,
            name: None,
        },
        Account {
            id: "666666666666".into(),
            alias: None,
            name: Some("本番".into()),
        },
        Account {
            id: "777777777777".into(),
            alias: Some("acme-stg".into()),
            name: Some("Staging\n[profile evil]".into()),
        },
    ];
    let o = SwitchRoleOptions {
        role_name: "OrganizationAccountAccessRole".into(),
        source_profile: "bastion".into(),
        mfa_serial: Some("arn:aws:iam::111111111111:mfa/alice".into()),
        region: Some("ap-northeast-1".into()),
        duration_seconds: None,
        prefix: String::new(),
        partition: Partition::Aws,
        process_command: None,
    };
    let text = switch_role_profiles(&accounts, &o).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("[profile ")?.strip_suffix(']'))
        .collect();
    assert_eq!(
        names,
        vec![
            "555555555555",
            "666666666666",
            "acme-stg",
            "dev-account-tokyo",
            "prod-333333333333",
            "prod-444444444444"
        ]
    );
    assert!(text.contains(
        "# 222222222222 Organizations name `Dev Account (Tokyo)` (no alias)\n[profile dev-account-tokyo]\nrole_arn = arn:aws:iam::222222222222:role/OrganizationAccountAccessRole\nsource_profile = bastion\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\nregion = ap-northeast-1\n"
    ), "{text}");
    // the output is itself a valid config that resolves
    let bastion = "[profile bastion]\naws_access_key_id = AKIA\naws_secret_access_key = s\n";
    let files = AwsFiles::parse(Some((&format!("{bastion}{text}"), "config")), None).unwrap();
    let r = files.resolve("dev-account-tokyo").unwrap();
    assert_eq!(
        r.roles[0].role_arn,
        "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
    );

    // re-running replaces the block and keeps the user's own lines
    let existing = format!("[profile mine]\nregion = x\n\n{text}\n[profile after]\nregion = y\n");
    let again = replace_managed_block(&existing, &text);
    assert_eq!(again, existing);
    let appended = replace_managed_block("[profile mine]\nregion = x", &text);
    assert!(appended.starts_with("[profile mine]\nregion = x\n\n# BEGIN yagura"));

    // a hostile name stays inside its comment line
    assert!(text.contains("# 777777777777 alias `acme-stg`, Organizations name `Staging [profile evil]`\n[profile acme-stg]\n"), "{text}");
    assert!(!text.contains("\n[profile evil]"), "{text}");

    let bad = [Account {
        id: "12345".into(),
        alias: None,
        name: None,
    }];
    assert_eq!(
        switch_role_profiles(&bad, &o).unwrap_err(),
        OutputError::BadAccountId("12345".into())
    );
    let bad_role = SwitchRoleOptions {
        role_name: "a b".into(),
        ..o.clone()
    };
    assert!(switch_role_profiles(&accounts, &bad_role).is_err());
    let bad_prefix = SwitchRoleOptions {
        prefix: "x]\n[profile evil".into(),
        ..o.clone()
    };
    assert!(matches!(
        switch_role_profiles(&accounts, &bad_prefix),
        Err(OutputError::BadPrefix(_))
    ));
}

#[test]
fn profile_names_prefer_the_alias_and_stay_unique() {
    let acc = |id: &str, alias: Option<&str>, name: Option<&str>| Account {
        id: id.into(),
        alias: alias.map(Into::into),
        name: name.map(Into::into),
    };
    let cases = [
        // alias first, then the Organizations name, then the account id
        (
            acc("111111111111", Some("acme-prod"), Some("Production")),
            "acme-prod",
            NamedBy::Alias,
        ),
        (
            acc("222222222222", None, Some("Dev / Tokyo")),
            "dev-tokyo",
            NamedBy::OrganizationsName,
        ),
        (
            acc("333333333333", None, None),
            "333333333333",
            NamedBy::AccountId,
        ),
        // nothing usable left after sanitizing
        (
            acc("444444444444", Some("---"), Some("本番")),
            "444444444444",
            NamedBy::AccountId,
        ),
        (
            acc("555555555555", Some("]\n[default"), None),
            "default",
            NamedBy::Alias,
        ),
    ];
    for (a, want, by) in &cases {
        assert_eq!(profile_base_name(a), (want.to_string(), *by), "{a:?}");
    }
    // duplicates: every account keeps its own profile, suffixed with its id; a name that
    // is taken by such a suffix gets a counter
    let accounts = [
        acc("111111111111", None, Some("Shared")),
        acc("222222222222", None, Some("shared")),
        acc("333333333333", None, Some("shared-111111111111")),
        acc("444444444444", None, Some("other")),
    ];
    assert_eq!(
        profile_names(&accounts, "org-"),
        vec![
            "org-shared-111111111111",
            "org-shared-222222222222",
            "org-shared-111111111111-333333333333",
            "org-other"
        ]
    );
}

#[test]
fn profile_name_sanitizing() {
    let cases = [
        ("My-Company Prod", "my-company-prod"),
        ("--weird__name..", "weird__name"),
        ("a/b\\c[d]", "a-b-c-d"),
        ("\n[profile evil]\n", "profile-evil"),
        ("日本語", ""),
        ("x.y", "x.y"),
    ];
    for (alias, want) in cases {
        assert_eq!(sanitize_profile_name(alias), want, "{alias:?}");
    }
}

#[test]
fn role_duration_planning() {
    let p = plan_role_session(None, false, Some("arn:mfa")).unwrap();
    assert_eq!(
        (p.strategy, p.duration_seconds),
        (Strategy::FromMfaSession, 3600)
    );
    let p = plan_role_session(Some(900), false, Some("arn:mfa")).unwrap();
    assert_eq!(
        (p.strategy, p.duration_seconds),
        (Strategy::FromMfaSession, 900)
    );
    let p = plan_role_session(Some(14_400), false, Some("arn:mfa")).unwrap();
    assert_eq!(
        (p.strategy, p.duration_seconds),
        (Strategy::DirectWithMfa, 14_400)
    );
    assert!(p
        .note
        .unwrap()
        .contains("assuming the role directly with MFA device `arn:mfa`"));
    let p = plan_role_session(Some(14_400), false, None).unwrap();
    assert_eq!((p.strategy, p.duration_seconds), (Strategy::Direct, 14_400));
    let p = plan_role_session(Some(14_400), true, Some("arn:mfa")).unwrap();
    assert_eq!((p.strategy, p.duration_seconds), (Strategy::Chained, 3600));
    assert!(p.note.unwrap().contains("capped"));
    assert_eq!(
        plan_role_session(Some(50_000), false, None)
            .unwrap_err()
            .to_string(),
        "role session duration `50000` must be 900 to 43200 seconds"
    );
}
