#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Effective configuration: sshd Include/Match, sysctl order, PAM (HOST-04).

use std::fs;
use std::path::Path;
use yagura_core::Status;
use yagura_host::config::{self, wildcard};
use yagura_host::rootfs::Root;
use yagura_host::Ctx;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn ctx() -> Ctx {
    Ctx {
        account: "host1".into(),
        region: "local".into(),
    }
}

#[test]
fn sshd_include_globs_and_first_value_wins() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    write(r, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nMatch User deploy\n  PasswordAuthentication yes\nMatch all\nX11Forwarding no\n");
    write(
        r,
        "etc/ssh/sshd_config.d/10-first.conf",
        "permitrootlogin=yes\n",
    );
    write(
        r,
        "etc/ssh/sshd_config.d/20-second.conf",
        "PermitRootLogin no\nProtocol 2,1\n",
    );
    write(
        r,
        "etc/ssh/sshd_config.d/README",
        "PasswordAuthentication yes\n",
    );
    write(
        r,
        "etc/ssh/sshd_config.d/30-match.conf",
        "Match Address 10.0.0.0/8\n  PermitRootLogin yes\n",
    );
    let cfg = config::read_sshd(&Root::new(r)).unwrap().unwrap();
    // the first obtained value wins: the include before the main file's own line
    assert_eq!(cfg.get("permitrootlogin").unwrap().value, "yes");
    assert!(cfg
        .get("permitrootlogin")
        .unwrap()
        .at
        .ends_with("10-first.conf:1"));
    assert_eq!(cfg.get("passwordauthentication").unwrap().value, "no");
    assert_eq!(cfg.get("x11forwarding").unwrap().value, "no"); // after `Match all`
                                                               // the Match of 30-match.conf ends with that file: the main file's lines after the
                                                               // Include are global again
    assert_eq!(cfg.matches.len(), 2);
    assert_eq!(cfg.matches[0].criteria, "Address 10.0.0.0/8");
    assert_eq!(
        cfg.matches[1].settings["passwordauthentication"].value,
        "yes"
    );
    assert!(!cfg.matches[0]
        .settings
        .contains_key("passwordauthentication"));
    let f = config::check_all(&Root::new(r), &ctx());
    let st = |id: &str| {
        f.iter()
            .filter(|x| x.check_id == id)
            .map(|x| x.status)
            .collect::<Vec<_>>()
    };
    assert_eq!(st("ssh-root-login-permitted"), [Status::Fail, Status::Fail]);
    assert_eq!(
        st("ssh-password-authentication-enabled"),
        [Status::Pass, Status::Fail]
    );
    assert_eq!(st("ssh-protocol-1-allowed"), [Status::Fail]);
    let rec = f
        .iter()
        .find(|x| x.check_id == "ssh-root-login-permitted")
        .unwrap();
    assert!(rec
        .recommendation
        .as_ref()
        .unwrap()
        .en
        .contains("10-first.conf:1"));
}

#[test]
fn wildcards() {
    assert!(wildcard("*.conf", "a.conf"));
    assert!(!wildcard("*.conf", "a.conf.bak"));
    assert!(wildcard("a?c*", "abcdef"));
    assert!(wildcard("*", ""));
}

#[test]
fn sysctl_files_in_systemd_order_and_pam_quality() {
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    write(
        r,
        "usr/lib/sysctl.d/10-aslr.conf",
        "kernel.randomize_va_space = 2\n",
    );
    write(
        r,
        "etc/sysctl.d/50-off.conf",
        "kernel.randomize_va_space=0\n",
    );
    write(r, "etc/sysctl.conf", "# nothing\n");
    write(
        r,
        "etc/pam.d/common-password",
        "password requisite pam_pwquality.so retry=3 minlen=16\n@include common-extra\n",
    );
    write(
        r,
        "etc/pam.d/common-extra",
        "password [success=1 default=ignore] pam_unix.so obscure\n",
    );
    write(r, "etc/security/pwquality.conf", "minclass = 4\n");
    write(r, "etc/login.defs", "PASS_MAX_DAYS 90\n");
    let f = config::check_all(&Root::new(r), &ctx());
    let st = |id: &str| f.iter().find(|x| x.check_id == id).unwrap().clone();
    let aslr = st("aslr-disabled");
    assert_eq!(aslr.status, Status::Fail);
    assert!(aslr.evidence["at"].contains("50-off.conf"));
    assert_eq!(st("password-min-length-too-short").status, Status::Pass);
    assert_eq!(st("password-complexity-not-required").status, Status::Pass);
    assert_eq!(st("password-max-age-too-long").status, Status::Pass);
    // /etc/sysctl.conf comes last and wins
    write(r, "etc/sysctl.conf", "kernel.randomize_va_space = 2\n");
    let f = config::check_all(&Root::new(r), &ctx());
    assert_eq!(
        f.iter()
            .find(|x| x.check_id == "aslr-disabled")
            .unwrap()
            .status,
        Status::Pass
    );
}

#[test]
fn world_writable_system_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let r = tmp.path();
    fs::create_dir_all(r.join("usr/bin")).unwrap();
    fs::set_permissions(r.join("usr/bin"), fs::Permissions::from_mode(0o777)).unwrap();
    let f = config::check_all(&Root::new(r), &ctx());
    let d = f
        .iter()
        .find(|x| {
            x.check_id == "system-directory-writable-by-non-root"
                && x.resource.ends_with(":/usr/bin")
        })
        .unwrap();
    assert_eq!(d.status, Status::Fail);
    assert_eq!(d.evidence["mode"], "777");
}
