//! The fixture: a small catalogue and findings with hostile strings, at a fixed clock.
#![allow(dead_code)]

use yagura_core::{
    declare_check, Catalogue, CheckMeta, Finding, Lang, Mute, MuteKind, Severity, Status, Text,
};
use yagura_report::{Report, SCHEMA_VERSION};

pub const GENERATED_AT: &str = "2026-01-02T03:04:05Z";

declare_check! {
    pub static SG_OPEN = "security-group-admin-port-open-to-world" {
        severity: High,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": ["5.2", "5.3"],
            "yagura-guideline": ["000"],
        },
        needs: [],
        title: ("Security group opens an administration port to the internet",
            "セキュリティグループが管理用ポートをインターネットに公開している"),
        what: ("Finds open admin ports.",
            "開いた管理用ポートを検出します。"),
        why: ("They are brute-forced.",
            "総当たり攻撃を受けます。"),
        fix: ("Remove the 0.0.0.0/0 rules.",
            "0.0.0.0/0 のルールを削除してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"],
    }
}

declare_check! {
    pub static ROOT_MFA = "root-account-without-mfa" {
        severity: Critical,
        service: "iam",
        spec: ["AUD-05"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.5"],
        },
        needs: [],
        title: ("Root account has no MFA",
            "ルートアカウントに MFA がない"),
        what: ("Checks root MFA.",
            "ルートの MFA を確認します。"),
        why: ("Root can do anything.",
            "ルートは何でもできます。"),
        fix: ("Enable MFA on the root user.",
            "ルートユーザーで MFA を有効にしてください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"],
    }
}

declare_check! {
    pub static S3_PUBLIC = "s3-bucket-public" {
        severity: High,
        service: "s3",
        spec: ["AUD-07"],
        compliance: {},
        needs: [],
        title: ("S3 bucket is public",
            "S3 バケットが公開されている"),
        what: ("Finds public buckets.",
            "公開バケットを検出します。"),
        why: ("Data leaks.",
            "データが漏えいします。"),
        fix: ("Enable Block Public Access.",
            "パブリックアクセスブロックを有効にしてください。"),
        references: [],
    }
}

declare_check! {
    pub static TAG_POLICY = "ec2-instance-missing-owner-tag" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {},
        needs: [],
        title: ("Instance has no owner tag",
            "インスタンスに所有者タグがない"),
        what: ("Checks tags.",
            "タグを確認します。"),
        why: ("Nobody owns it.",
            "所有者が分かりません。"),
        fix: ("Tag the instance with `Owner`.",
            "`Owner` タグを付けてください。"),
        references: [],
    }
}

pub static CHECKS: &[&CheckMeta] = &[&SG_OPEN, &ROOT_MFA, &S3_PUBLIC, &TAG_POLICY];

pub fn catalogue() -> Catalogue {
    let Ok(c) = Catalogue::of(&[CHECKS]) else {
        unreachable!("the fixture's check ids are unique")
    };
    c
}

pub const SCRIPT: &str = "<script>alert(1)</script>";
pub const IMG: &str = "\"><img src=x onerror=alert(1)>";
pub const ANSI: &str = "\x1b[31mred\x1b[0m";
pub const HYPERLINK: &str = "=HYPERLINK(\"http://x\")";

pub fn long_string() -> String {
    let mut s = "A".repeat(1100);
    s.push_str(&"長".repeat(500));
    s
}

pub fn findings() -> Vec<Finding> {
    let acct = "123456789012";
    let mut v = vec![
        Finding::new(
            "security-group-admin-port-open-to-world",
            Status::Fail,
            Severity::High,
            "arn:aws:ec2:ap-northeast-1:123456789012:security-group/sg-0123",
            acct,
            "ap-northeast-1",
            yagura_core::text!(
                "security group {n} allows 0.0.0.0/0 to port 22",
                "セキュリティグループ {n} が 0.0.0.0/0 からポート 22 を許可しています",
                n = SCRIPT
            ),
        )
        .with_evidence("group_name", SCRIPT)
        .with_evidence("port", "22"),
        Finding::new(
            "security-group-admin-port-open-to-world",
            Status::Fail,
            Severity::High,
            format!("arn:aws:ec2:ap-northeast-1:123456789012:security-group/{IMG}"),
            acct,
            "ap-northeast-1",
            yagura_core::text!("group {n} is open", "グループ {n} が開いています", n = IMG),
        ),
        Finding::new(
            "root-account-without-mfa",
            Status::Fail,
            Severity::Critical,
            "arn:aws:iam::123456789012:root",
            acct,
            "global",
            Text::new(
                "the root user has no MFA device",
                "ルートユーザーに MFA デバイスがありません",
            ),
        ),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc",
            acct,
            "us-east-1",
            yagura_core::text!(
                "instance tag Name is {t}",
                "インスタンスの Name タグは {t} です",
                t = ANSI
            ),
        )
        .with_evidence("tag:Name", ANSI)
        .with_evidence("tag:Formula", HYPERLINK),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            HYPERLINK,
            acct,
            "us-east-1",
            Text::new("+cmd", "@SUM(1)"),
        )
        .with_recommendation(Text::new("-2+3", "-2+3")),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            "@SUM(1)",
            acct,
            "us-east-1",
            Text::new("-2+3", "-2+3"),
        ),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            "arn:aws:ec2:us-east-1:123456789012:instance/i-ctrl",
            acct,
            "us-east-1",
            Text::owned(
                "nul\0bell\x07 del\x7f c1\u{9b}31m newline\nrtl\u{202e}txt".into(),
                "制御文字\0\x07\u{9b}".into(),
            ),
        ),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            "arn:aws:ec2:us-east-1:123456789012:instance/i-long",
            acct,
            "us-east-1",
            Text::owned(long_string(), long_string()),
        )
        .with_recommendation(Text::owned(long_string(), long_string())),
        Finding::new(
            "s3-bucket-public",
            Status::Unknown,
            Severity::High,
            "arn:aws:s3:::データ-bucket",
            acct,
            "ap-northeast-1",
            Text::new(
                "could not read the bucket policy: AccessDenied",
                "バケットポリシーを読み取れませんでした: AccessDenied",
            ),
        ),
        Finding::new(
            "s3-bucket-public",
            Status::Pass,
            Severity::High,
            "arn:aws:s3:::public-ok",
            acct,
            "us-east-1",
            Text::new("the bucket is not public", "バケットは公開されていません"),
        ),
        Finding::new(
            "root-account-without-mfa",
            Status::Pass,
            Severity::Critical,
            "arn:aws:iam::210987654321:root",
            "210987654321",
            "global",
            Text::new(
                "the root user has an MFA device",
                "ルートユーザーに MFA デバイスがあります",
            ),
        ),
        Finding::new(
            "ec2-instance-missing-owner-tag",
            Status::Fail,
            Severity::Low,
            " ",
            acct,
            "us-east-1",
            Text::new("\n", ""),
        ),
        Finding::new(
            "check-from-a-newer-version",
            Status::Fail,
            Severity::Medium,
            "web-01",
            "web-01.example.internal",
            "global",
            Text::new(
                "a check this catalogue does not know",
                "このカタログにないチェック",
            ),
        ),
    ];
    let mut muted = Finding::new(
        "s3-bucket-public",
        Status::Fail,
        Severity::High,
        "arn:aws:s3:::website-assets",
        acct,
        "us-east-1",
        Text::new(
            "the bucket allows public read",
            "バケットが公開読み取りを許可しています",
        ),
    );
    muted.mute = Some(Box::new(Mute {
        kind: MuteKind::Accepted,
        reason: format!("static website {SCRIPT}"),
        expires: Some("2026-12-31".into()),
    }));
    v.push(muted);
    let mut not_adopted = Finding::new(
        "ec2-instance-missing-owner-tag",
        Status::Unknown,
        Severity::Low,
        "arn:aws:ec2:us-east-1:123456789012:instance/i-legacy",
        acct,
        "us-east-1",
        Text::new("could not read tags", "タグを読み取れませんでした"),
    );
    not_adopted.mute = Some(Box::new(Mute {
        kind: MuteKind::NotAdopted,
        reason: "tagging policy not adopted".into(),
        expires: None,
    }));
    v.push(not_adopted);
    v
}

pub fn errors() -> Vec<String> {
    vec![format!(
        "ec2 DescribeInstances in eu-west-1: AccessDenied {ANSI} {SCRIPT}"
    )]
}

pub fn report<'a>(
    findings: &'a [Finding],
    catalogue: &'a Catalogue,
    errors: &'a [String],
    lang: Lang,
) -> Report<'a> {
    let mut r = Report::new("0.1.0", GENERATED_AT, "audit", findings, catalogue);
    assert_eq!(r.schema_version, SCHEMA_VERSION);
    r.lang = lang;
    r.errors = errors;
    r
}
