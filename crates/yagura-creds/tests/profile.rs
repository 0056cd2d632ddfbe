#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use yagura_creds::*;

const CONFIG: &str = "\
# bastion account (seed 003)
[default]
region = ap-northeast-1

[profile bastion]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
yagura_mfa_command = pass otp aws/alice
region = ap-northeast-1

[profile dev-admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = bastion
duration_seconds = 3600
role_session_name = alice

[profile chained]
role_arn = arn:aws:iam::333333333333:role/ReadOnly
source_profile = dev-admin
region = us-east-1 ; trailing comment

[profile proc]
credential_process = /usr/bin/get-creds --json
s3 =
  max_concurrent_requests = 10

[sso-session corp]
sso_region = us-east-1

[services local]
sts =
  endpoint_url = http://localhost:5000

[profile selfish]
role_arn = arn:aws:iam::444444444444:role/Self
source_profile = selfish
aws_access_key_id = AKIASELF
aws_secret_access_key = selfsecret
";

const CREDENTIALS: &str = "\
[bastion]
aws_access_key_id = AKIAEXAMPLEBASTION
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = defaultsecret
";

fn files() -> AwsFiles {
    AwsFiles::parse(Some((CONFIG, "config")), Some((CREDENTIALS, "credentials"))).unwrap()
}

#[test]
fn resolves_role_via_source_profile_with_mfa() {
    let r = files().resolve("dev-admin").unwrap();
    assert_eq!(r.chain, vec!["dev-admin", "bastion"]);
    assert_eq!(r.source_profile, "bastion");
    match &r.source {
        Source::StaticKeys {
            access_key_id,
            secret_access_key,
            session_token,
        } => {
            assert_eq!(access_key_id, "AKIAEXAMPLEBASTION");
            assert_eq!(
                secret_access_key.expose(),
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
            );
            assert!(session_token.is_none());
        }
        s => panic!("{s:?}"),
    }
    assert_eq!(
        r.mfa_serial.as_deref(),
        Some("arn:aws:iam::111111111111:mfa/alice")
    );
    assert_eq!(r.mfa_command.as_deref(), Some("pass otp aws/alice"));
    assert_eq!(r.region.as_deref(), Some("ap-northeast-1"));
    assert_eq!(r.roles.len(), 1);
    assert_eq!(r.roles[0].role_arn, "arn:aws:iam::222222222222:role/Admin");
    assert_eq!(r.roles[0].duration_seconds, Some(3600));
    assert_eq!(r.roles[0].role_session_name.as_deref(), Some("alice"));
}

#[test]
fn resolves_a_chain_of_roles_source_side_first() {
    let r = files().resolve("chained").unwrap();
    assert_eq!(r.chain, vec!["chained", "dev-admin", "bastion"]);
    let arns: Vec<&str> = r.roles.iter().map(|s| s.role_arn.as_str()).collect();
    assert_eq!(
        arns,
        vec![
            "arn:aws:iam::222222222222:role/Admin",
            "arn:aws:iam::333333333333:role/ReadOnly"
        ]
    );
    // the nearest region wins, and the inline comment is stripped
    assert_eq!(r.region.as_deref(), Some("us-east-1"));
}

#[test]
fn other_sources() {
    let f = files();
    assert_eq!(
        f.resolve("proc").unwrap().source,
        Source::Process("/usr/bin/get-creds --json".to_string())
    );
    let s = f.resolve("selfish").unwrap();
    assert!(
        matches!(s.source, Source::StaticKeys { ref access_key_id, .. } if access_key_id == "AKIASELF")
    );
    assert_eq!(s.roles.len(), 1);
    // [default] merges from both files
    let d = f.resolve("default").unwrap();
    assert_eq!(d.region.as_deref(), Some("ap-northeast-1"));
    // sso-session and services sections are not profiles
    assert!(!f.profiles.contains_key("corp"));
    assert!(!f.profiles.contains_key("local"));
    assert!(!f.profiles.contains_key("sso-session corp"));
}

#[test]
fn errors_name_file_and_line() {
    let cases: &[(&str, &str, &str)] = &[
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = a\n", "a",
         "profile chain has a cycle: a -> b -> a"),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = nope\n", "a",
         "config:3: profile `a` refers to source profile `nope`, which is not defined"),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/x\n", "a",
         "config:2: profile `a` has `role_arn` but neither"),
        ("[profile a]\nregion = x\n", "a", "profile `a` has no credentials"),
        ("[profile a]\naws_access_key_id = AKIA\n", "a", "config:2: profile `a` sets `aws_access_key_id` without"),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = b\nduration_seconds = 99\n[profile b]\naws_access_key_id = k\naws_secret_access_key = s\n", "a",
         "config:4: `duration_seconds` value `99` is not valid"),
        ("[profile a]\nrole_arn = Admin\nsource_profile = a\n", "a", "config:2: `role_arn` value `Admin`"),
        ("[profile a]\n", "zzz", "profile `zzz` is not defined"),
    ];
    for (text, profile, want) in cases {
        let f = AwsFiles::parse(Some((text, "config")), None).unwrap();
        let err = f.resolve(profile).unwrap_err().to_string();
        assert!(err.contains(want), "{text:?}: {err}");
    }
    let syntax: &[(&str, &str)] = &[
        (
            "[profile a\n",
            "config:1: section header `[profile a` has no closing `]`",
        ),
        (
            "[profile a]\njunk line here\n",
            "config:2: expected `key = value` or `[section]` (the line is not shown",
        ),
    ];
    for (text, want) in syntax {
        let err = AwsFiles::parse(Some((text, "config")), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{text:?}: {err}");
    }
}

#[test]
fn a_malformed_line_never_echoes_a_secret() {
    let text = "[x]\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-is-a-pasted-secret\n";
    let err = AwsFiles::parse(None, Some((text, "credentials")))
        .unwrap_err()
        .to_string();
    assert!(!err.contains("bPxRfiCYEXAMPLEKEY"), "{err}");
}

#[test]
fn load_treats_missing_files_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config"), CONFIG).unwrap();
    let f = AwsFiles::load(&dir.path().join("config"), &dir.path().join("credentials")).unwrap();
    let err = f.resolve("dev-admin").unwrap_err().to_string();
    assert!(
        err.contains("profile `bastion` has no credentials"),
        "{err}"
    );
}
