#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ffi::OsString;
use std::path::PathBuf;

use yagura_creds::*;

#[cfg(unix)]
#[test]
fn code_from_a_command() {
    assert_eq!(code_from_command("echo 123456").unwrap().expose(), "123456");
    assert_eq!(
        code_from_command("printf 'Touch your key\\naws:alice  654321\\n\\n'")
            .unwrap()
            .expose(),
        "654321"
    );
    let e = code_from_command("echo 12345678").unwrap_err().to_string();
    assert_eq!(
        e,
        "MFA code command `echo 12345678` did not print a 6-digit code on its last line"
    );
    let e = code_from_command("echo 999999; echo oops >&2; exit 3")
        .unwrap_err()
        .to_string();
    assert!(e.contains("failed (exit status: 3): oops"), "{e}");
}

#[test]
fn paths_follow_the_aws_cli_and_xdg() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    };
    let p = default_paths(&env(&[("HOME", "/home/a")])).unwrap();
    assert_eq!(
        p,
        Paths {
            config: PathBuf::from("/home/a/.aws/config"),
            credentials: PathBuf::from("/home/a/.aws/credentials"),
            cache_dir: PathBuf::from("/home/a/.local/share/yagura/sessions"),
            data_dir: PathBuf::from("/home/a/.local/share/yagura"),
            sso_cache_dir: PathBuf::from("/home/a/.aws/sso/cache"),
        }
    );
    let p = default_paths(&env(&[
        ("HOME", "/home/a"),
        ("AWS_CONFIG_FILE", "/etc/aws.cfg"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/etc/aws.creds"),
        ("XDG_DATA_HOME", "/data"),
    ]))
    .unwrap();
    assert_eq!(p.config, PathBuf::from("/etc/aws.cfg"));
    assert_eq!(p.credentials, PathBuf::from("/etc/aws.creds"));
    assert_eq!(p.cache_dir, PathBuf::from("/data/yagura/sessions"));
    let p = default_paths(&env(&[("HOME", "/h"), ("YAGURA_DATA_DIR", "/y")])).unwrap();
    assert_eq!(p.cache_dir, PathBuf::from("/y/sessions"));
    assert!(default_paths(&env(&[])).is_none());
}
