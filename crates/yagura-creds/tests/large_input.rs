#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The `~/.aws` files, the SSO token cache and `credential_process` output over random and
//! mutated input up to and past a megabyte (issue 16: the fuzz targets' 4 KB never reaches a
//! budget): nothing panics, no error quotes a secret, and a megabyte is read in well under
//! seconds, resolving profiles included.

use proptest::prelude::*;
use yagura_creds::AwsFiles;
use yagura_testkit::mutate::{edit, edits, grown, random_bytes, random_text, timed};

const MB: usize = 1 << 20;
const SECRET: &str = "SECRETVALUEwJalrXUtnFEMIK7MDENGbPxRfiCY";

fn exercise(text: &str) {
    timed(text.len(), || read(text));
}

fn read(text: &str) {
    match AwsFiles::parse(Some((text, "config")), Some((text, "credentials"))) {
        Ok(files) => {
            for name in files.profiles.keys().take(200) {
                if let Err(e) = files.resolve(name) {
                    assert!(!e.to_string().contains(SECRET), "{e}");
                }
            }
        }
        Err(e) => assert!(!e.to_string().contains(SECRET), "{e}"),
    }
    if let Err(e) = yagura_creds::process::parse_output(text) {
        assert!(!e.contains(SECRET), "{e}");
    }
    let _ = yagura_creds::sso::parse_token(text);
}

/// A config file of chained role profiles, SSO sessions and static keys, grown past
/// `at_least` bytes.
fn large_files(at_least: usize) -> String {
    grown(
        "[default]\nregion = ap-northeast-1\n",
        |i| {
            match i % 4 {
                0 => format!("[profile p{i}]\naws_access_key_id = AKIAFAKEKEYID000\naws_secret_access_key = {SECRET}\nmfa_serial = arn:aws:iam::111122223333:mfa/u\n"),
                1 => format!("[profile p{i}]\nrole_arn = arn:aws:iam::111122223333:role/r{i}\nsource_profile = p{}\nduration_seconds = 3600\n", i - 1),
                2 => format!("[sso-session s{i}]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n[profile p{i}]\nsso_session = s{i}\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n"),
                _ => format!("[profile p{i}]\ncredential_process = /bin/echo {i}\ns3 =\n  max_concurrent_requests = 20\n"),
            }
        },
        "",
        at_least,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Files of one to three megabytes, mutated, and a megabyte of random bytes and of INI
    /// punctuation (sections, keys, nested values, comments).
    #[test]
    fn aws_files_past_a_megabyte_never_panic(mb in 1usize..4, seed in any::<u64>(), e in edits("[ \\[\\]=#;\\n0-9a-z_:/\\-]")) {
        let mut text = large_files(mb * MB);
        prop_assert!(text.len() >= mb * MB);
        edit(&mut text, &e);
        exercise(&text);
        exercise(&String::from_utf8_lossy(&random_bytes(seed, MB)));
        exercise(&random_text(seed, MB, "[]=#;\n profile_abc:/{}\""));
    }
}

#[test]
fn a_large_valid_file_resolves() {
    let text = large_files(2 * MB);
    let files = AwsFiles::parse(Some((&text, "config")), None).unwrap();
    assert!(files.profiles.len() > 1000);
    exercise(&text);
}
