//! Built-in detections over CloudTrail (WATCH-04) and the takeover correlation (WATCH-05).
//!
//! Single-event detections are decided in [`NativeState::observe`]; bursts and the takeover
//! sequence keep small signals and are decided in [`NativeState::finish`], in time order.

use crate::detection::{Detection, DetectionKind, EventRef};
use crate::event::{Event, RawLookup};
use crate::sigma::parse_ip;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use yagura_core::{declare_check, text, CheckMeta, Text};

const AWS_CT: &str =
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference.html";
const GD: &str =
    "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-active.html";

pub mod attack;
pub mod chain;
mod policy;
pub mod techniques;

declare_check! {
    pub static ROOT_USED = "root-account-used" {
        severity: High,
        service: "iam",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:*"],
        title: ("The root user was used",
            "ルートユーザーが使用された"),
        what: ("Finds API or console calls made with the account's root user (not AWS service events).",
            "アカウントのルートユーザーによる API 呼び出しやコンソール操作 (AWS サービスイベントを除く) を検出します。"),
        why: ("The root user cannot be restricted by IAM policies; its use is rare and often means stolen credentials.",
            "ルートユーザーは IAM ポリシーで制限できず、通常ほとんど使われないため、使用は認証情報の盗用を示すことがあります。"),
        fix: ("Confirm who used the root user; if unexpected, change its password, enable MFA and delete root access keys.",
            "誰がルートユーザーを使ったか確認し、想定外ならパスワード変更・MFA 有効化・ルートのアクセスキー削除を行ってください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html"],
    }
}

declare_check! {
    pub static CONSOLE_NO_MFA = "console-login-without-mfa" {
        severity: High,
        service: "iam",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:ConsoleLogin"],
        title: ("Console login without MFA",
            "MFA なしのコンソールログイン"),
        what: ("Finds successful console logins whose `additionalEventData.MFAUsed` is `No`.",
            "`additionalEventData.MFAUsed` が `No` の成功したコンソールログインを検出します。"),
        why: ("A password alone is easy to phish or guess; a login without MFA is the usual first step of a takeover.",
            "パスワードだけではフィッシングや推測に弱く、MFA なしのログインは乗っ取りの典型的な入口です。"),
        fix: ("Require MFA for every console user (an IAM policy denying actions without `aws:MultiFactorAuthPresent`).",
            "すべてのコンソールユーザーに MFA を必須にしてください (`aws:MultiFactorAuthPresent` がない操作を拒否するポリシー)。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html"],
    }
}

declare_check! {
    pub static USER_CREATED = "iam-user-created" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:CreateUser"],
        title: ("An IAM user was created",
            "IAM ユーザーが作成された"),
        what: ("Finds successful `CreateUser` calls.",
            "成功した `CreateUser` 呼び出しを検出します。"),
        why: ("Attackers create users to keep access after the stolen key is revoked.",
            "攻撃者は盗んだキーが無効化された後もアクセスを保つためにユーザーを作成します。"),
        fix: ("Check the new user was expected; if not, delete it with its keys and login profile, and rotate the caller's credentials.",
            "新しいユーザーが想定どおりか確認し、想定外ならキーとログインプロファイルごと削除し、呼び出し元の認証情報を更新してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static KEY_CREATED = "iam-access-key-created" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:CreateAccessKey"],
        title: ("An IAM access key was created",
            "IAM アクセスキーが作成された"),
        what: ("Finds successful `CreateAccessKey` calls, noting when the key is for another user.",
            "成功した `CreateAccessKey` 呼び出しを検出します (他のユーザーのキーかどうかも示します)。"),
        why: ("A new long-term key for another user is a classic backdoor.",
            "他のユーザーへの新しい長期キーは典型的なバックドアです。"),
        fix: ("Check the key was expected; if not, deactivate and delete it and review what it was used for.",
            "キーが想定どおりか確認し、想定外なら無効化・削除し、使用履歴を確認してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"],
    }
}

declare_check! {
    pub static LOGIN_PROFILE_CREATED = "iam-login-profile-created" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:CreateLoginProfile", "cloudtrail:UpdateLoginProfile"],
        title: ("A console password was set for an IAM user",
            "IAM ユーザーにコンソールパスワードが設定された"),
        what: ("Finds successful `CreateLoginProfile` and `UpdateLoginProfile` calls.",
            "成功した `CreateLoginProfile` と `UpdateLoginProfile` 呼び出しを検出します。"),
        why: ("Giving a user a password (or changing another user's) opens console access to whoever set it.",
            "ユーザーへのパスワード付与 (または他人のパスワード変更) は、設定した者にコンソールへの入口を与えます。"),
        fix: ("Check the change was expected; if not, delete the login profile and review the caller.",
            "変更が想定どおりか確認し、想定外ならログインプロファイルを削除して呼び出し元を調査してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static ADMIN_ATTACHED = "iam-admin-policy-attached" {
        severity: High,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:AttachUserPolicy", "cloudtrail:AttachRolePolicy", "cloudtrail:AttachGroupPolicy", "cloudtrail:PutUserPolicy", "cloudtrail:PutRolePolicy", "cloudtrail:PutGroupPolicy", "cloudtrail:CreatePolicy", "cloudtrail:CreatePolicyVersion"],
        title: ("An administrator policy was attached",
            "管理者ポリシーがアタッチされた"),
        what: ("Finds `AdministratorAccess` attached to a user, group or role, and inline or managed policies that allow `Action: *` on `Resource: *`.",
            "ユーザー・グループ・ロールへの `AdministratorAccess` のアタッチ、および `Action: *` と `Resource: *` を許可するポリシーを検出します。"),
        why: ("Full administrator rights let the holder do anything, including hiding their tracks.",
            "完全な管理者権限があれば、痕跡の消去を含め何でもできます。"),
        fix: ("Check the grant was expected; if not, detach the policy and investigate the caller.",
            "付与が想定どおりか確認し、想定外ならポリシーをデタッチして呼び出し元を調査してください。"),
        references: ["https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html"],
    }
}

declare_check! {
    pub static USER_DELETED = "iam-user-or-login-profile-deleted" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:DeleteUser", "cloudtrail:DeleteLoginProfile"],
        title: ("An IAM user or its console password was deleted",
            "IAM ユーザーまたはそのコンソールパスワードが削除された"),
        what: ("Finds successful `DeleteUser` and `DeleteLoginProfile` calls.",
            "成功した `DeleteUser` と `DeleteLoginProfile` 呼び出しを検出します。"),
        why: ("Attackers remove the legitimate users to lock the owners out.",
            "攻撃者は正当なユーザーを削除して所有者を締め出します。"),
        fix: ("Check the deletion was expected; if not, restore access through the root user and revoke the caller's credentials.",
            "削除が想定どおりか確認し、想定外ならルートユーザーでアクセスを回復し、呼び出し元の認証情報を無効化してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static USER_LOCKED_OUT = "iam-user-locked-out" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:DeleteAccessKey", "cloudtrail:UpdateAccessKey", "cloudtrail:DeactivateMFADevice", "cloudtrail:DeleteVirtualMFADevice", "cloudtrail:AttachUserPolicy", "cloudtrail:PutUserPolicy"],
        title: ("Another user's credentials were disabled",
            "他のユーザーの認証情報が無効化された"),
        what: ("Finds access keys deleted or deactivated and MFA devices removed for a user other than the caller, and deny-all policies put on a user (`AWSDenyAll`, or an inline `Deny` of `*` on `*`).",
            "呼び出し元以外のユーザーのアクセスキーの削除・無効化や MFA デバイスの削除、ユーザーへの全拒否ポリシー (`AWSDenyAll` や `*` に対する `*` の `Deny`) を検出します。"),
        why: ("Taking away the owners' keys, MFA or permissions locks them out while an attacker keeps access.",
            "所有者のキー・MFA・権限を奪うと、攻撃者がアクセスを保ったまま所有者を締め出せます。"),
        fix: ("Check the change was expected; if not, restore the user's access through the root user and revoke the caller's credentials.",
            "変更が想定どおりか確認し、想定外ならルートユーザーで利用者のアクセスを回復し、呼び出し元の認証情報を無効化してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static LARGE_LAUNCH = "ec2-large-instance-launch-burst" {
        severity: High,
        service: "ec2",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:RunInstances"],
        title: ("Large or many EC2 instances launched",
            "大きな、または多数の EC2 インスタンスが起動された"),
        what: ("Finds `RunInstances` calls (including ones refused for limits or permissions) for GPU/accelerated or very large types, or for many instances, grouped per caller within a time window.",
            "GPU・アクセラレータ搭載や非常に大きなタイプ、または多数のインスタンスの `RunInstances` 呼び出し (上限や権限で拒否されたものを含む) を、呼び出し元ごと時間枠でまとめて検出します。"),
        why: ("Launching expensive instances for cryptocurrency mining is what stolen keys are most often used for.",
            "盗まれたキーは、暗号資産マイニング用の高価なインスタンス起動に最もよく使われます。"),
        fix: ("Check the instances were expected; if not, terminate them and revoke the caller's credentials.",
            "インスタンスが想定どおりか確認し、想定外なら終了させて呼び出し元の認証情報を無効化してください。"),
        references: [GD],
    }
}

declare_check! {
    pub static TRAIL_TAMPERED = "cloudtrail-logging-tampered" {
        severity: High,
        service: "cloudtrail",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors"],
        title: ("CloudTrail logging was stopped, deleted or changed",
            "CloudTrail のログ記録が停止・削除・変更された"),
        what: ("Finds successful `StopLogging`, `DeleteTrail`, `UpdateTrail` and `PutEventSelectors` calls.",
            "成功した `StopLogging`・`DeleteTrail`・`UpdateTrail`・`PutEventSelectors` 呼び出しを検出します。"),
        why: ("Turning off or narrowing the audit trail hides what follows.",
            "監査証跡の停止や縮小は、その後の行動を隠します。"),
        fix: ("Restart logging and restore the trail's configuration; find out who changed it.",
            "ログ記録を再開し証跡の設定を戻し、変更した者を特定してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static CONFIG_STOPPED = "config-recorder-stopped" {
        severity: High,
        service: "config",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:StopConfigurationRecorder", "cloudtrail:DeleteConfigurationRecorder", "cloudtrail:DeleteDeliveryChannel"],
        title: ("The AWS Config recorder was stopped or deleted",
            "AWS Config のレコーダーが停止・削除された"),
        what: ("Finds `StopConfigurationRecorder`, `DeleteConfigurationRecorder` and `DeleteDeliveryChannel` calls.",
            "`StopConfigurationRecorder`・`DeleteConfigurationRecorder`・`DeleteDeliveryChannel` 呼び出しを検出します。"),
        why: ("Without the recorder, configuration changes are no longer recorded or alerted on.",
            "レコーダーがなければ設定変更は記録も通知もされません。"),
        fix: ("Start the recorder again (`aws configservice start-configuration-recorder`) and find out who stopped it.",
            "レコーダーを再開 (`aws configservice start-configuration-recorder`) し、停止した者を特定してください。"),
        references: ["https://docs.aws.amazon.com/config/latest/developerguide/stop-start-recorder.html"],
    }
}

declare_check! {
    pub static GUARDDUTY_DISABLED = "guardduty-detector-disabled" {
        severity: High,
        service: "guardduty",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:DeleteDetector", "cloudtrail:UpdateDetector"],
        title: ("A GuardDuty detector was deleted or disabled",
            "GuardDuty ディテクターが削除・無効化された"),
        what: ("Finds `DeleteDetector` calls and `UpdateDetector` calls with `enable: false`.",
            "`DeleteDetector` 呼び出しと `enable: false` の `UpdateDetector` 呼び出しを検出します。"),
        why: ("Disabling threat detection is a common defence-evasion step.",
            "脅威検出の無効化は典型的な防御回避の手口です。"),
        fix: ("Re-enable GuardDuty in the region and find out who disabled it.",
            "そのリージョンで GuardDuty を再度有効化し、無効化した者を特定してください。"),
        references: ["https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html"],
    }
}

declare_check! {
    pub static SG_OPEN = "security-group-opened-to-world" {
        severity: High,
        service: "ec2",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:AuthorizeSecurityGroupIngress"],
        title: ("A security group was opened to the internet",
            "セキュリティグループがインターネットに開放された"),
        what: ("Finds `AuthorizeSecurityGroupIngress` calls allowing `0.0.0.0/0` or `::/0` (any `/0` range), in the flat (`cidrIp`) and nested (`ipPermissions.items[].ipRanges.items[].cidrIp`, `ipv6Ranges…cidrIpv6`) request shapes.",
            "`0.0.0.0/0` や `::/0` (任意の `/0`) を許可する `AuthorizeSecurityGroupIngress` 呼び出しを、フラット (`cidrIp`) とネスト (`ipPermissions.items[].ipRanges.items[].cidrIp`、`ipv6Ranges…cidrIpv6`) の両方の形で検出します。"),
        why: ("Ports open to the whole internet are scanned within minutes.",
            "インターネット全体に開いたポートは数分でスキャンされます。"),
        fix: ("Restrict the rule to known address ranges or remove it.",
            "ルールを既知のアドレス範囲に限定するか削除してください。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-group-rules.html"],
    }
}

declare_check! {
    pub static ACCESS_DENIED_BURST = "access-denied-burst" {
        severity: Medium,
        service: "iam",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:*"],
        title: ("Many denied calls from one principal",
            "一つのプリンシパルからの多数の拒否された呼び出し"),
        what: ("Finds a principal with many `AccessDenied`/`UnauthorizedOperation` errors within a short window.",
            "短時間に多数の `AccessDenied`/`UnauthorizedOperation` エラーを受けたプリンシパルを検出します。"),
        why: ("Stolen credentials are often used to probe what they are allowed to do.",
            "盗まれた認証情報は、何が許可されているかの探索によく使われます。"),
        fix: ("Check who uses these credentials and why; rotate them if the activity is not expected.",
            "この認証情報を誰が何のために使っているか確認し、想定外なら更新してください。"),
        references: [GD],
    }
}

declare_check! {
    pub static SECRETS_BURST = "secrets-retrieval-burst" {
        severity: Medium,
        service: "secretsmanager",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:GetSecretValue", "cloudtrail:BatchGetSecretValue", "cloudtrail:GetParameter", "cloudtrail:GetParameters"],
        title: ("Many secrets read by one principal",
            "一つのプリンシパルによる多数のシークレット取得"),
        what: ("Finds a principal reading many secrets (`GetSecretValue`, `BatchGetSecretValue`, SSM `GetParameter(s)` with decryption) within a short window.",
            "短時間に多数のシークレット (`GetSecretValue`・`BatchGetSecretValue`・復号付き SSM `GetParameter(s)`) を取得したプリンシパルを検出します。"),
        why: ("Bulk reading of secrets is how attackers harvest credentials for the next step.",
            "シークレットの一括取得は、攻撃者が次の段階のための認証情報を集める手口です。"),
        fix: ("Check the reads were expected; rotate the secrets that were read if not.",
            "取得が想定どおりか確認し、想定外なら取得されたシークレットを更新してください。"),
        references: [GD],
    }
}

declare_check! {
    pub static BUCKET_POLICY_PUBLIC = "s3-bucket-policy-made-public" {
        severity: High,
        service: "s3",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:PutBucketPolicy"],
        title: ("An S3 bucket policy grants access to everyone",
            "S3 バケットポリシーが全員にアクセスを許可した"),
        what: ("Finds `PutBucketPolicy` calls whose policy allows the principal `*` without a condition.",
            "条件なしでプリンシパル `*` を許可するポリシーの `PutBucketPolicy` 呼び出しを検出します。"),
        why: ("A public bucket policy exposes the data to the whole internet.",
            "公開バケットポリシーはデータをインターネット全体に公開します。"),
        fix: ("Remove the public statement and enable S3 Block Public Access.",
            "公開のステートメントを削除し、S3 ブロックパブリックアクセスを有効にしてください。"),
        references: ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"],
    }
}

declare_check! {
    pub static BUCKET_DELETED = "s3-bucket-deleted" {
        severity: Low,
        service: "s3",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:DeleteBucket"],
        title: ("An S3 bucket was deleted",
            "S3 バケットが削除された"),
        what: ("Finds successful `DeleteBucket` calls.",
            "成功した `DeleteBucket` 呼び出しを検出します。"),
        why: ("Deleting buckets destroys data and sometimes the logs themselves.",
            "バケットの削除はデータやログそのものを失わせます。"),
        fix: ("Check the deletion was expected.",
            "削除が想定どおりか確認してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static SNAPSHOT_SHARED = "ec2-image-or-snapshot-shared" {
        severity: High,
        service: "ec2",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:ModifyImageAttribute", "cloudtrail:ModifySnapshotAttribute"],
        title: ("An AMI or EBS snapshot was shared with another account",
            "AMI または EBS スナップショットが他のアカウントと共有された"),
        what: ("Finds `ModifyImageAttribute` and `ModifySnapshotAttribute` calls that add launch or volume permissions.",
            "起動権限やボリューム作成権限を追加する `ModifyImageAttribute`・`ModifySnapshotAttribute` 呼び出しを検出します。"),
        why: ("Sharing disks with an outside account copies the data out of the account.",
            "外部アカウントとのディスク共有は、データをアカウント外へ持ち出します。"),
        fix: ("Remove the permission if the account is not yours, and review the caller.",
            "自分のアカウントでなければ権限を削除し、呼び出し元を調査してください。"),
        references: [GD],
    }
}

declare_check! {
    pub static LEAVE_ORG = "organization-leave-attempted" {
        severity: High,
        service: "organizations",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:LeaveOrganization"],
        title: ("The account tried to leave its organization",
            "アカウントが組織からの離脱を試みた"),
        what: ("Finds `LeaveOrganization` calls, successful or not.",
            "成功・失敗を問わず `LeaveOrganization` 呼び出しを検出します。"),
        why: ("Leaving the organization removes the service control policies and central logging that protect the account.",
            "組織からの離脱は、アカウントを守る SCP と集中ログを外します。"),
        fix: ("Find out who attempted it; deny `organizations:LeaveOrganization` with an SCP.",
            "誰が試みたか特定し、SCP で `organizations:LeaveOrganization` を拒否してください。"),
        references: [GD],
    }
}

declare_check! {
    pub static FLOW_LOGS_DELETED = "vpc-flow-logs-deleted" {
        severity: Medium,
        service: "ec2",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:DeleteFlowLogs"],
        title: ("VPC flow logs were deleted",
            "VPC フローログが削除された"),
        what: ("Finds successful `DeleteFlowLogs` calls.",
            "成功した `DeleteFlowLogs` 呼び出しを検出します。"),
        why: ("Removing flow logs hides network activity.",
            "フローログの削除はネットワーク上の活動を隠します。"),
        fix: ("Recreate the flow logs and find out who deleted them.",
            "フローログを作り直し、削除した者を特定してください。"),
        references: [AWS_CT],
    }
}

declare_check! {
    pub static TAKEOVER = "account-takeover-sequence" {
        severity: Critical,
        service: "iam",
        spec: ["WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:*"],
        title: ("Account takeover sequence",
            "アカウント乗っ取りの一連の操作"),
        what: ("Sorts events into stages (initial access: a long-term key from a new source, a console login without MFA, a root sign-in, a federation token; persistence; privilege escalation; defence evasion; impact and exfiltration) and links them by principal, access key, source address and the identities they created; alerts once when a linked chain covers initial access and at least two later stages within the window.",
            "イベントを段階 (初期アクセス: 新しい送信元からの長期キー、MFA なしのコンソールログイン、ルートのサインイン、フェデレーショントークン; 永続化; 権限昇格; 防御回避; 影響・持ち出し) に分け、プリンシパル・アクセスキー・送信元アドレス・作成された ID で結び付け、結び付いた一連の操作が時間枠内に初期アクセスと後続の 2 段階以上を含むとき 1 回警告します。"),
        why: ("This is the pattern of a leaked key being used to take the account over: the owners are locked out while expensive instances run.",
            "漏えいしたキーでアカウントを乗っ取る典型的な流れです。所有者が締め出され、その間に高価なインスタンスが動き続けます。"),
        fix: ("Act now: sign in as root, deactivate the leaked key and the created user's credentials, terminate the instances, restore the deleted users, and contact AWS Support.",
            "直ちに対応してください: ルートでサインインし、漏えいしたキーと作成されたユーザーの認証情報を無効化し、インスタンスを終了し、削除されたユーザーを復元し、AWS サポートに連絡してください。"),
        references: ["https://aws.amazon.com/premiumsupport/knowledge-center/potential-account-compromise/"],
    }
}

/// Every native check.
pub static NATIVE_CHECKS: &[&CheckMeta] = &[
    &ROOT_USED,
    &CONSOLE_NO_MFA,
    &USER_CREATED,
    &KEY_CREATED,
    &LOGIN_PROFILE_CREATED,
    &ADMIN_ATTACHED,
    &USER_DELETED,
    &USER_LOCKED_OUT,
    &LARGE_LAUNCH,
    &TRAIL_TAMPERED,
    &CONFIG_STOPPED,
    &GUARDDUTY_DISABLED,
    &SG_OPEN,
    &ACCESS_DENIED_BURST,
    &SECRETS_BURST,
    &BUCKET_POLICY_PUBLIC,
    &BUCKET_DELETED,
    &SNAPSHOT_SHARED,
    &LEAVE_ORG,
    &FLOW_LOGS_DELETED,
    &TAKEOVER,
    &techniques::ROLE_TRUST_OPENED,
    &techniques::FEDERATION_TOKEN,
    &techniques::LAMBDA_PUBLIC,
    &techniques::LAMBDA_CODE,
    &techniques::LAMBDA_LAYER,
    &techniques::ROLES_ANYWHERE,
    &techniques::RDS_SNAPSHOT_SHARED,
    &techniques::DNS_LOGS_DELETED,
    &techniques::USER_DATA_CHANGED,
    &techniques::SSM_SESSION,
    &techniques::INSTANCE_CONNECT,
    &techniques::BEDROCK_ACCESS,
    &techniques::INSTANCE_CREDS_OUTSIDE,
];

/// Thresholds of the multi-event detections.
#[derive(Debug, Clone)]
pub struct NativeOptions {
    /// Window of the launch, denied-call and secret bursts.
    pub burst_window_ms: i64,
    /// Instances requested by one caller within the window that make a burst (any type).
    pub launch_many: u64,
    pub denied_threshold: usize,
    pub secrets_threshold: usize,
    /// Longest time from the admin user's creation to the last step of the takeover.
    pub takeover_window_ms: i64,
}

impl Default for NativeOptions {
    fn default() -> Self {
        NativeOptions {
            burst_window_ms: 30 * 60_000,
            launch_many: 10,
            denied_threshold: 10,
            secrets_threshold: 10,
            takeover_window_ms: 24 * 3_600_000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    CreateUser,
    AdminAttach,
    CreateKey,
    LoginProfile,
    DeleteUser,
    Launch {
        instances: u64,
        large: bool,
    },
    /// Only in states saved before denied calls and secret reads were counted per minute.
    Denied,
    /// Only in states saved before denied calls and secret reads were counted per minute.
    Secret,
    /// An event of an attack-sequence stage ([`chain`]).
    Stage(chain::StageInfo),
    /// A call signed with an EC2 instance role's credentials.
    InstanceCall,
}

/// An index into the strings of a [`NativeState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Sym(u32);

/// The strings that signals share (principals, services, actions, addresses, files), each kept
/// once per scan.
#[derive(Debug, Default)]
struct Strings {
    index: HashMap<Arc<str>, u32>,
    all: Vec<Arc<str>>,
}

impl Strings {
    fn sym(&mut self, s: &str) -> Sym {
        if let Some(&i) = self.index.get(s) {
            return Sym(i);
        }
        let i = u32::try_from(self.all.len()).unwrap_or(u32::MAX);
        let a: Arc<str> = Arc::from(s);
        self.all.push(a.clone());
        self.index.insert(a, i);
        Sym(i)
    }

    fn str(&self, s: Sym) -> &str {
        self.all.get(s.0 as usize).map_or("", |a| a)
    }
}

/// A CloudTrail event id: a UUID in its canonical lowercase form as 16 bytes, anything else as
/// text. Both order as their text does.
#[derive(Debug, Clone, PartialEq, Eq)]
enum EventId {
    Uuid(u128),
    Other(Box<str>),
}

impl EventId {
    fn new(s: &str) -> EventId {
        let hex: String = s.chars().filter(|c| *c != '-').collect();
        let canonical = s.len() == 36
            && hex.len() == 32
            && [8, 13, 18, 23]
                .iter()
                .all(|&i| s.as_bytes().get(i) == Some(&b'-'))
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        match u128::from_str_radix(&hex, 16) {
            Ok(n) if canonical => EventId::Uuid(n),
            _ => EventId::Other(s.into()),
        }
    }

    fn text(&self) -> String {
        match self {
            EventId::Uuid(n) => {
                let h = format!("{n:032x}");
                format!(
                    "{}-{}-{}-{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..32]
                )
            }
            EventId::Other(s) => s.to_string(),
        }
    }

    fn cmp(&self, other: &EventId) -> std::cmp::Ordering {
        match (self, other) {
            (EventId::Uuid(a), EventId::Uuid(b)) => a.cmp(b),
            (EventId::Other(a), EventId::Other(b)) => a.cmp(b),
            _ => self.text().cmp(&other.text()),
        }
    }
}

/// An event kept for a multi-event detection: an [`EventRef`] whose strings are [`Sym`]s into
/// the scan's [`Strings`], so that the state grows by about 100 bytes per signal (a full
/// `EventRef` takes about 900).
#[derive(Debug, Clone)]
struct SigRef {
    event_id: EventId,
    event_time: Sym,
    event_source: Sym,
    event_name: Sym,
    principal: Sym,
    source_ip: Sym,
    access_key_id: Option<Sym>,
    region: Sym,
    account: Sym,
    error_code: Option<Sym>,
    key: Option<Sym>,
    index: Option<u64>,
    time_ms: i64,
}

impl SigRef {
    fn new(r: &EventRef, st: &mut Strings) -> SigRef {
        SigRef {
            event_id: EventId::new(&r.event_id),
            event_time: st.sym(&r.event_time),
            event_source: st.sym(&r.event_source),
            event_name: st.sym(&r.event_name),
            principal: st.sym(&r.principal),
            source_ip: st.sym(&r.source_ip),
            access_key_id: r.access_key_id.as_deref().map(|k| st.sym(k)),
            region: st.sym(&r.region),
            account: st.sym(&r.account),
            error_code: r.error_code.as_deref().map(|c| st.sym(c)),
            key: r.key.as_deref().map(|k| st.sym(k)),
            index: r.index,
            time_ms: r.time_ms,
        }
    }

    fn to_ref(&self, st: &Strings) -> EventRef {
        let opt = |s: Option<Sym>| s.map(|s| st.str(s).to_string());
        EventRef {
            event_id: self.event_id.text(),
            event_time: st.str(self.event_time).to_string(),
            event_source: st.str(self.event_source).to_string(),
            event_name: st.str(self.event_name).to_string(),
            principal: st.str(self.principal).to_string(),
            source_ip: st.str(self.source_ip).to_string(),
            access_key_id: opt(self.access_key_id),
            region: st.str(self.region).to_string(),
            account: st.str(self.account).to_string(),
            error_code: opt(self.error_code),
            key: opt(self.key),
            index: self.index,
            time_ms: self.time_ms,
        }
    }

    /// The order of [`crate::detection::order`].
    fn order(&self, other: &SigRef, st: &Strings) -> std::cmp::Ordering {
        self.time_ms
            .cmp(&other.time_ms)
            .then_with(|| {
                let k = |s: Option<Sym>| s.map(|s| st.str(s));
                k(self.key).cmp(&k(other.key))
            })
            .then_with(|| self.index.cmp(&other.index))
            .then_with(|| self.event_id.cmp(&other.event_id))
    }

    /// The same event with its strings in `to` (when merging another scan's state).
    fn moved(&self, from: &Strings, to: &mut Strings) -> SigRef {
        let mut m = |s: Sym| to.sym(from.str(s));
        SigRef {
            event_id: self.event_id.clone(),
            event_time: m(self.event_time),
            event_source: m(self.event_source),
            event_name: m(self.event_name),
            principal: m(self.principal),
            source_ip: m(self.source_ip),
            access_key_id: self.access_key_id.map(&mut m),
            region: m(self.region),
            account: m(self.account),
            error_code: self.error_code.map(&mut m),
            key: self.key.map(&mut m),
            index: self.index,
            time_ms: self.time_ms,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Signal {
    kind: Kind,
    /// The user the call acted on (`requestParameters.userName`).
    target: Option<Sym>,
    ev: SigRef,
}

/// A signal as saved with an incremental scan's checkpoint.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SavedSignal {
    kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(with = "crate::detection::timed")]
    ev: EventRef,
}

/// The denied calls or secret reads of one principal in one minute: how many, and the first
/// [`BURST_EVENTS`] of them in event order. Bursts of these count per minute, so their state
/// is bounded by the minutes in which a principal had them, not by their number.
#[derive(Debug, Clone, Default)]
struct Minute {
    count: u64,
    first: Vec<SigRef>,
}

impl Minute {
    fn add(&mut self, ev: SigRef, n: u64, st: &Strings) {
        self.count += n;
        self.first.push(ev);
        if self.first.len() >= 2 * BURST_EVENTS {
            self.trim(st);
        }
    }

    /// Keeps the first [`BURST_EVENTS`] in event order.
    fn trim(&mut self, st: &Strings) {
        self.first.sort_by(|a, b| a.order(b, st));
        self.first.truncate(BURST_EVENTS);
    }
}

/// A burst kind counted per minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Counted {
    Denied,
    Secret,
}

/// Minutes of denied calls and secret reads as saved with an incremental scan's checkpoint.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct SavedMinute {
    kind: Counted,
    principal: String,
    minute: i64,
    count: u64,
    first: Vec<TimedRef>,
}

/// An [`EventRef`] with its time in milliseconds (saved state).
#[derive(Debug, Serialize, Deserialize)]
struct TimedRef(#[serde(with = "crate::detection::timed")] EventRef);

/// State of the native detections over one scan.
#[derive(Debug, Default)]
pub struct NativeState {
    opts: NativeOptions,
    /// Signals of the takeover sequence and of launch bursts.
    signals: Vec<Signal>,
    /// Denied calls and secret reads per (kind, principal, minute since the epoch).
    minutes: HashMap<(Counted, Sym, i64), Minute>,
    /// Events counted in `minutes`.
    counted: u64,
    /// Changes with every change of the state (for savers: save when it moved).
    generation: u64,
    strings: Strings,
    /// Addresses IAM users called from (for instance credentials used elsewhere).
    user_ips: std::collections::HashSet<Box<str>>,
    /// The last address added (or found) there, in a reused buffer: most runs of events come
    /// from one address.
    last_user_ip: Vec<u8>,
}

/// One step of a burst window: a launch, or the denied calls or secret reads of a minute.
#[derive(Debug, Clone)]
struct Step<'s> {
    time_ms: i64,
    count: u64,
    instances: u64,
    large: u64,
    first: &'s [SigRef],
    src: StepSource,
}

/// Where a [`Step`] is kept.
#[derive(Debug, Clone, Copy)]
enum StepSource {
    Signal(usize),
    Minute((Counted, Sym, i64)),
}

/// The burst windows of one kind (0 launches, 1 denied calls, 2 secret reads) and principal:
/// (start time, steps) in time order.
struct BurstWindow<'s> {
    kind: u8,
    principal: &'s str,
    windows: Vec<(i64, Vec<Step<'s>>)>,
}

/// At most this many events are attached to a burst detection (its message gives the count).
const BURST_EVENTS: usize = 100;

fn ok(ev: &Event) -> bool {
    ev.error_code()
        .is_none_or(|c| c.eq_ignore_ascii_case("success"))
}

fn detection(meta: &CheckMeta, events: Vec<EventRef>, message: Text) -> Detection {
    Detection {
        id: meta.id.to_string(),
        kind: if meta.id == TAKEOVER.id {
            DetectionKind::Correlation
        } else {
            DetectionKind::Native
        },
        title: meta.title.clone(),
        severity: meta.severity,
        spec: meta.spec.iter().map(|s| s.to_string()).collect(),
        tags: attack::tags(meta.id),
        events,
        message,
        recommendation: meta.fix.clone(),
    }
}

fn req<'a>(ev: &'a Event, key: &str) -> Option<&'a Value> {
    ev.get("requestParameters").and_then(|r| r.get(key))
}

fn req_str<'a>(ev: &'a Event, key: &str) -> Option<&'a str> {
    req(ev, key).and_then(Value::as_str)
}

/// True for instance types that are expensive: GPU/accelerated families, or 8xlarge and up,
/// or bare metal.
pub fn is_large_instance_type(t: &str) -> bool {
    let t = t.to_ascii_lowercase();
    let (family, size) = t.split_once('.').unwrap_or((t.as_str(), ""));
    let accel = ["p", "g", "inf", "trn", "dl", "f", "vt", "x"];
    let fam_letters: String = family
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    if accel.contains(&fam_letters.as_str()) {
        return true;
    }
    if size.contains("metal") {
        return true;
    }
    size.strip_suffix("xlarge")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n >= 8)
}

/// True for a CIDR that covers every address (`0.0.0.0/0`, `::/0`, or any `/0`).
fn world_cidr(c: &str) -> bool {
    let c = c.trim();
    match c.split_once('/') {
        Some((ip, bits)) => bits.trim() == "0" && (parse_ip(ip).is_some() || ip.contains(':')),
        None => false,
    }
}

fn open_ranges(ev: &Event) -> Vec<String> {
    let mut out = Vec::new();
    let paths: [&[&str]; 4] = [
        &["requestParameters", "cidrIp"],
        &["requestParameters", "cidrIpv6"],
        &[
            "requestParameters",
            "ipPermissions",
            "items",
            "ipRanges",
            "items",
            "cidrIp",
        ],
        &[
            "requestParameters",
            "ipPermissions",
            "items",
            "ipv6Ranges",
            "items",
            "cidrIpv6",
        ],
    ];
    for p in paths {
        ev.visit_path(p, &mut |v| {
            if let Some(s) = v.as_str() {
                if world_cidr(s) && !out.iter().any(|o| o == s) {
                    out.push(s.to_string());
                }
            }
        });
    }
    out
}

/// A launch that was attempted: it succeeded, or was refused only for limits or permissions.
fn launch_attempted(ev: &Event) -> bool {
    let code = ev.error_code().unwrap_or_default();
    code.is_empty()
        || code.contains("Unauthorized")
        || code.contains("Limit")
        || code.contains("InsufficientInstanceCapacity")
}

fn launch_size(ev: &Event) -> (u64, bool, String) {
    let mut itype = req_str(ev, "instanceType").unwrap_or_default().to_string();
    let mut large = is_large_instance_type(&itype);
    let mut requested = 0u64;
    ev.visit_path(
        &["requestParameters", "instancesSet", "items", "maxCount"],
        &mut |v| requested += v.as_u64().unwrap_or(1),
    );
    let mut launched = 0u64;
    ev.visit_path(
        &["responseElements", "instancesSet", "items", "instanceType"],
        &mut |v| {
            launched += 1;
            if let Some(t) = v.as_str() {
                if is_large_instance_type(t) {
                    large = true;
                }
                if itype.is_empty() {
                    itype = t.to_string();
                }
            }
        },
    );
    (launched.max(requested).max(1), large, itype)
}

impl NativeState {
    pub fn new(opts: NativeOptions) -> Self {
        NativeState {
            opts,
            signals: Vec::new(),
            minutes: HashMap::new(),
            counted: 0,
            generation: 0,
            strings: Strings::default(),
            user_ips: Default::default(),
            last_user_ip: Vec::new(),
        }
    }

    fn count(&mut self, kind: Counted, ev: &Event) {
        self.count_n(kind, ev, 1);
    }

    /// Counts `n` denied calls or secret reads made by one event (a batch read).
    fn count_n(&mut self, kind: Counted, ev: &Event, n: u64) {
        let r = SigRef::new(&EventRef::of(ev), &mut self.strings);
        self.count_ref(kind, r, n);
    }

    fn count_ref(&mut self, kind: Counted, r: SigRef, n: u64) {
        let key = (kind, r.principal, r.time_ms.div_euclid(60_000));
        self.counted += n;
        self.generation += 1;
        self.minutes
            .entry(key)
            .or_default()
            .add(r, n, &self.strings);
    }

    fn signal(&mut self, kind: Kind, ev: &Event) {
        let target = req_str(ev, "userName").map(|u| self.strings.sym(u));
        let ev = SigRef::new(&EventRef::of(ev), &mut self.strings);
        self.signals.push(Signal { kind, target, ev });
        self.generation += 1;
    }

    /// Decides the single-event detections for `ev` and keeps the signals of the multi-event
    /// ones.
    pub fn observe(&mut self, ev: &Event, out: &mut Vec<Detection>) {
        let before = out.len();
        let name = ev.event_name();
        if let Some(code) = ev.error_code() {
            if code.contains("AccessDenied") || code.contains("UnauthorizedOperation") {
                self.count(Counted::Denied, ev);
            }
        }
        let r = || EventRef::of(ev);
        let by = || ev.principal();
        match name {
            "ConsoleLogin" => {
                let mfa = ev
                    .get("additionalEventData")
                    .and_then(|a| a.get("MFAUsed"))
                    .and_then(Value::as_str);
                let success = ev
                    .get("responseElements")
                    .and_then(|a| a.get("ConsoleLogin"))
                    .and_then(Value::as_str)
                    .is_some_and(|s| s.eq_ignore_ascii_case("success"));
                if mfa.is_some_and(|m| m.eq_ignore_ascii_case("no")) && success {
                    out.push(detection(
                        &CONSOLE_NO_MFA,
                        vec![r()],
                        text!(
                            "`{p}` logged in to the console without MFA from `{ip}`",
                            "`{p}` が `{ip}` から MFA なしでコンソールにログインしました",
                            p = by(),
                            ip = ev.source_ip()
                        ),
                    ));
                }
            }
            "CreateUser" if ok(ev) => {
                let u = req_str(ev, "userName").unwrap_or_default();
                out.push(detection(
                    &USER_CREATED,
                    vec![r()],
                    text!(
                        "`{p}` created IAM user `{u}`",
                        "`{p}` が IAM ユーザー `{u}` を作成しました",
                        p = by(),
                        u = u
                    ),
                ));
            }
            "CreateAccessKey" if ok(ev) => {
                let caller = ev
                    .get("userIdentity")
                    .and_then(|u| u.get("userName"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let u = req_str(ev, "userName").unwrap_or(caller);
                let other = !u.is_empty() && u != caller;
                out.push(detection(
                    &KEY_CREATED,
                    vec![r()],
                    if other {
                        text!(
                            "`{p}` created an access key for another user, `{u}`",
                            "`{p}` が別のユーザー `{u}` のアクセスキーを作成しました",
                            p = by(),
                            u = u
                        )
                    } else {
                        text!(
                            "`{p}` created an access key for `{u}`",
                            "`{p}` が `{u}` のアクセスキーを作成しました",
                            p = by(),
                            u = u
                        )
                    },
                ));
            }
            "CreateLoginProfile" | "UpdateLoginProfile" if ok(ev) => {
                let u = req_str(ev, "userName").unwrap_or_default();
                out.push(detection(
                    &LOGIN_PROFILE_CREATED,
                    vec![r()],
                    text!(
                        "`{p}` set a console password for `{u}` ({n})",
                        "`{p}` が `{u}` のコンソールパスワードを設定しました ({n})",
                        p = by(),
                        u = u,
                        n = name
                    ),
                ));
            }
            "AttachUserPolicy" | "AttachRolePolicy" | "AttachGroupPolicy" if ok(ev) => {
                let arn = req_str(ev, "policyArn").unwrap_or_default();
                if arn.ends_with(":policy/AdministratorAccess") {
                    let target = ["userName", "roleName", "groupName"]
                        .iter()
                        .find_map(|k| req_str(ev, k))
                        .unwrap_or_default();
                    out.push(detection(
                        &ADMIN_ATTACHED,
                        vec![r()],
                        text!(
                            "`{p}` attached `{a}` to `{t}`",
                            "`{p}` が `{t}` に `{a}` をアタッチしました",
                            p = by(),
                            a = arn,
                            t = target
                        ),
                    ));
                }
            }
            "PutUserPolicy"
            | "PutRolePolicy"
            | "PutGroupPolicy"
            | "CreatePolicy"
            | "CreatePolicyVersion"
                if ok(ev) && req(ev, "policyDocument").is_some_and(policy::is_admin) =>
            {
                let target = [
                    "userName",
                    "roleName",
                    "groupName",
                    "policyName",
                    "policyArn",
                ]
                .iter()
                .find_map(|k| req_str(ev, k))
                .unwrap_or_default();
                out.push(detection(&ADMIN_ATTACHED, vec![r()], text!(
                        "`{p}` gave `{t}` a policy allowing every action on every resource ({n})",
                        "`{p}` が `{t}` にすべてのリソースへのすべての操作を許可するポリシーを設定しました ({n})",
                        p = by(), t = target, n = name)));
            }
            "DeleteUser" | "DeleteLoginProfile" if ok(ev) => {
                let u = req_str(ev, "userName").unwrap_or_default();
                out.push(detection(
                    &USER_DELETED,
                    vec![r()],
                    text!(
                        "`{p}` deleted {what} `{u}`",
                        "`{p}` が {what} `{u}` を削除しました",
                        p = by(),
                        u = u,
                        what = if name == "DeleteUser" {
                            "IAM user"
                        } else {
                            "the console password of"
                        }
                    ),
                ));
            }
            "DeleteAccessKey"
            | "UpdateAccessKey"
            | "DeactivateMFADevice"
            | "DeleteVirtualMFADevice"
                if ok(ev) =>
            {
                let caller = ev
                    .get("userIdentity")
                    .and_then(|u| u.get("userName"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let target = req_str(ev, "userName").unwrap_or_default();
                let disabling = name != "UpdateAccessKey"
                    || req_str(ev, "status").is_some_and(|s| s.eq_ignore_ascii_case("inactive"));
                if disabling && !target.is_empty() && target != caller {
                    out.push(detection(
                        &USER_LOCKED_OUT,
                        vec![r()],
                        text!(
                            "`{p}` called {n} on another user, `{u}`",
                            "`{p}` が別のユーザー `{u}` に {n} を実行しました",
                            p = by(),
                            n = name,
                            u = target
                        ),
                    ));
                }
            }
            "RunInstances" if launch_attempted(ev) => {
                let (instances, large, _) = launch_size(ev);
                self.signal(Kind::Launch { instances, large }, ev);
            }
            "StopLogging" | "DeleteTrail" | "UpdateTrail" | "PutEventSelectors"
                if ok(ev) && ev.event_source() == "cloudtrail.amazonaws.com" =>
            {
                let trail = req_str(ev, "name")
                    .or_else(|| req_str(ev, "trailName"))
                    .unwrap_or_default();
                out.push(detection(
                    &TRAIL_TAMPERED,
                    vec![r()],
                    text!(
                        "`{p}` called {n} on trail `{t}`",
                        "`{p}` が証跡 `{t}` に {n} を実行しました",
                        p = by(),
                        n = name,
                        t = trail
                    ),
                ));
            }
            "StopConfigurationRecorder"
            | "DeleteConfigurationRecorder"
            | "DeleteDeliveryChannel"
                if ok(ev) =>
            {
                out.push(detection(
                    &CONFIG_STOPPED,
                    vec![r()],
                    text!(
                        "`{p}` called {n} on AWS Config",
                        "`{p}` が AWS Config に {n} を実行しました",
                        p = by(),
                        n = name
                    ),
                ));
            }
            "DeleteDetector" | "UpdateDetector"
                if ok(ev) && ev.event_source() == "guardduty.amazonaws.com" =>
            {
                let disabled = name == "DeleteDetector"
                    || req(ev, "enable")
                        .is_some_and(|v| v == &Value::Bool(false) || v.as_str() == Some("false"));
                if disabled {
                    out.push(detection(
                        &GUARDDUTY_DISABLED,
                        vec![r()],
                        text!(
                            "`{p}` called {n} on GuardDuty detector `{d}`",
                            "`{p}` が GuardDuty ディテクター `{d}` に {n} を実行しました",
                            p = by(),
                            n = name,
                            d = req_str(ev, "detectorId").unwrap_or_default()
                        ),
                    ));
                }
            }
            "AuthorizeSecurityGroupIngress" if ok(ev) => {
                let ranges = open_ranges(ev);
                if !ranges.is_empty() {
                    let g = req_str(ev, "groupId")
                        .or_else(|| req_str(ev, "groupName"))
                        .unwrap_or_default();
                    out.push(detection(
                        &SG_OPEN,
                        vec![r()],
                        text!(
                            "`{p}` opened security group `{g}` to `{c}`",
                            "`{p}` がセキュリティグループ `{g}` を `{c}` に開放しました",
                            p = by(),
                            g = g,
                            c = ranges.join(", ")
                        ),
                    ));
                }
            }
            "GetSecretValue" | "BatchGetSecretValue" if ok(ev) => {
                let n = chain::secrets_read(ev, self.opts.secrets_threshold as u64);
                self.count_n(Counted::Secret, ev, n)
            }
            "GetParameter" | "GetParameters"
                if ok(ev) && req(ev, "withDecryption").is_some_and(|v| v == &Value::Bool(true)) =>
            {
                let n = chain::secrets_read(ev, self.opts.secrets_threshold as u64);
                self.count_n(Counted::Secret, ev, n)
            }
            "PutBucketPolicy"
                if ok(ev) && req(ev, "bucketPolicy").is_some_and(policy::is_public) =>
            {
                out.push(detection(
                    &BUCKET_POLICY_PUBLIC,
                    vec![r()],
                    text!(
                        "`{p}` made bucket `{b}` public through its policy",
                        "`{p}` がポリシーでバケット `{b}` を公開しました",
                        p = by(),
                        b = req_str(ev, "bucketName").unwrap_or_default()
                    ),
                ));
            }
            "DeleteBucket" if ok(ev) => {
                out.push(detection(
                    &BUCKET_DELETED,
                    vec![r()],
                    text!(
                        "`{p}` deleted bucket `{b}`",
                        "`{p}` がバケット `{b}` を削除しました",
                        p = by(),
                        b = req_str(ev, "bucketName").unwrap_or_default()
                    ),
                ));
            }
            "ModifyImageAttribute" | "ModifySnapshotAttribute" if ok(ev) => {
                let mut added = Vec::new();
                for p in [
                    &["requestParameters", "launchPermission", "add", "items"][..],
                    &[
                        "requestParameters",
                        "createVolumePermission",
                        "add",
                        "items",
                    ][..],
                ] {
                    ev.visit_path(p, &mut |v| {
                        if let Some(s) = v
                            .get("userId")
                            .or_else(|| v.get("group"))
                            .and_then(Value::as_str)
                        {
                            added.push(s.to_string());
                        }
                    });
                }
                if !added.is_empty() {
                    let what = req_str(ev, "imageId")
                        .or_else(|| req_str(ev, "snapshotId"))
                        .unwrap_or_default();
                    out.push(detection(
                        &SNAPSHOT_SHARED,
                        vec![r()],
                        text!(
                            "`{p}` shared `{w}` with `{a}`",
                            "`{p}` が `{w}` を `{a}` と共有しました",
                            p = by(),
                            w = what,
                            a = added.join(", ")
                        ),
                    ));
                }
            }
            "LeaveOrganization" => {
                out.push(detection(
                    &LEAVE_ORG,
                    vec![r()],
                    text!(
                        "`{p}` called LeaveOrganization ({res})",
                        "`{p}` が LeaveOrganization を実行しました ({res})",
                        p = by(),
                        res = ev.error_code().unwrap_or("succeeded")
                    ),
                ));
            }
            "DeleteFlowLogs" if ok(ev) => {
                out.push(detection(
                    &FLOW_LOGS_DELETED,
                    vec![r()],
                    text!(
                        "`{p}` deleted VPC flow logs",
                        "`{p}` が VPC フローログを削除しました",
                        p = by()
                    ),
                ));
            }
            _ => {}
        }
        // deny-all policies put on a user
        if matches!(name, "AttachUserPolicy" | "PutUserPolicy") && ok(ev) {
            let deny_all = req_str(ev, "policyArn")
                .is_some_and(|a| a.ends_with(":policy/AWSDenyAll"))
                || req(ev, "policyDocument").is_some_and(policy::denies_all);
            if deny_all {
                out.push(detection(
                    &USER_LOCKED_OUT,
                    vec![r()],
                    text!(
                        "`{p}` put a deny-all policy on `{u}`",
                        "`{p}` が `{u}` に全拒否ポリシーを設定しました",
                        p = by(),
                        u = req_str(ev, "userName").unwrap_or_default()
                    ),
                ));
            }
        }
        match ev.lookup_raw(&["userIdentity", "type"]) {
            // root use: any call by the root user that is not an AWS service event
            RawLookup::Str("Root") if ev.str_field("eventType") != Some("AwsServiceEvent") => {
                out.push(detection(
                    &ROOT_USED,
                    vec![r()],
                    text!(
                        "the root user called {n} from `{ip}`",
                        "ルートユーザーが `{ip}` から {n} を実行しました",
                        n = name,
                        ip = ev.source_ip()
                    ),
                ));
            }
            RawLookup::Str("IAMUser") => self.user_address(ev.source_ip()),
            RawLookup::Str("AssumedRole") => {
                if let RawLookup::Str(arn) = ev.lookup_raw(&["userIdentity", "arn"]) {
                    if techniques::instance_session(arn) {
                        self.signal(Kind::InstanceCall, ev);
                    }
                }
            }
            _ => {}
        }
        techniques::observe(ev, out);
        self.classify(ev, out.get(before..).unwrap_or_default());
    }

    /// Remembers an address an IAM user called from (the last one is kept apart, so a run of
    /// calls from one address costs one comparison each).
    fn user_address(&mut self, ip: &str) {
        if ip.is_empty() || self.last_user_ip == ip.as_bytes() {
            return;
        }
        if !self.user_ips.contains(ip) {
            self.user_ips.insert(ip.into());
            self.generation += 1;
        }
        self.last_user_ip.clear();
        self.last_user_ip.extend_from_slice(ip.as_bytes());
    }

    /// Calls signed with an instance role's credentials from an address an IAM user called
    /// from, or from another address than the first the session was seen at.
    fn instance_credentials(&self, out: &mut Vec<Detection>) {
        let st = &self.strings;
        let mut sessions: BTreeMap<&str, Vec<&SigRef>> = BTreeMap::new();
        for s in &self.signals {
            if s.kind == Kind::InstanceCall {
                sessions
                    .entry(st.str(s.ev.principal))
                    .or_default()
                    .push(&s.ev);
            }
        }
        for calls in sessions.values() {
            let home = calls
                .first()
                .map(|c| st.str(c.source_ip))
                .unwrap_or_default();
            let mut from_user = Vec::new();
            let mut elsewhere = Vec::new();
            for c in calls {
                let ip = st.str(c.source_ip);
                if !chain::routable(ip) {
                    continue;
                }
                if self.user_ips.contains(ip) {
                    from_user.push(c.to_ref(st));
                } else if chain::routable(home) && ip != home {
                    elsewhere.push(c.to_ref(st));
                }
            }
            if !from_user.is_empty() {
                from_user.truncate(BURST_EVENTS);
                out.push(techniques::instance_creds_detection(
                    from_user,
                    "an address an IAM user also called from",
                ));
            } else if !elsewhere.is_empty() {
                elsewhere.truncate(BURST_EVENTS);
                out.push(techniques::instance_creds_detection(
                    elsewhere,
                    "another address than the instance's own",
                ));
            }
        }
    }

    pub fn merge(&mut self, other: NativeState) {
        self.user_ips.extend(other.user_ips.iter().cloned());
        let from = &other.strings;
        for sig in &other.signals {
            let moved = Signal {
                kind: sig.kind.clone(),
                target: sig.target.map(|t| self.strings.sym(from.str(t))),
                ev: sig.ev.moved(from, &mut self.strings),
            };
            self.signals.push(moved);
        }
        self.generation += other.generation;
        for ((kind, principal, minute), m) in other.minutes {
            let p = self.strings.sym(from.str(principal));
            let first: Vec<SigRef> = m
                .first
                .iter()
                .map(|r| r.moved(from, &mut self.strings))
                .collect();
            self.add_minute(kind, p, minute, m.count, first);
        }
    }

    /// Adds `count` events (of which `first` are kept) to a minute.
    fn add_minute(&mut self, kind: Counted, p: Sym, minute: i64, count: u64, first: Vec<SigRef>) {
        self.counted += count;
        self.generation += 1;
        let m = self.minutes.entry((kind, p, minute)).or_default();
        m.count += count;
        m.first.extend(first);
        if m.first.len() > BURST_EVENTS {
            m.trim(&self.strings);
        }
    }

    /// Decides the multi-event detections.
    pub fn finish(mut self, out: &mut Vec<Detection>) {
        self.evaluate(out);
    }

    /// Decides the multi-event detections over the signals seen so far, keeping them (an
    /// incremental scan evaluates again after more events). Sorts the signals into time order,
    /// which the takeover relies on.
    pub fn evaluate(&mut self, out: &mut Vec<Detection>) {
        // time, then where the event was read: the same order whatever the threads
        let st = &self.strings;
        self.signals.sort_by(|a, b| a.ev.order(&b.ev, st));
        for m in self.minutes.values_mut() {
            m.trim(st);
        }
        self.bursts(out);
        self.chains(out);
        self.instance_credentials(out);
    }

    /// The signals kept for the multi-event detections (saved with an incremental scan's
    /// checkpoint).
    pub(crate) fn saved_signals(&self) -> Vec<SavedSignal> {
        self.signals
            .iter()
            .map(|s| SavedSignal {
                kind: s.kind.clone(),
                target: s.target.map(|t| self.strings.str(t).to_string()),
                ev: s.ev.to_ref(&self.strings),
            })
            .collect()
    }

    pub(crate) fn saved_minutes(&self) -> Vec<SavedMinute> {
        let mut out: Vec<SavedMinute> = self
            .minutes
            .iter()
            .map(|((kind, p, minute), m)| SavedMinute {
                kind: *kind,
                principal: self.strings.str(*p).to_string(),
                minute: *minute,
                count: m.count,
                first: m
                    .first
                    .iter()
                    .map(|r| TimedRef(r.to_ref(&self.strings)))
                    .collect(),
            })
            .collect();
        out.sort_by(|a, b| (a.kind, &a.principal, a.minute).cmp(&(b.kind, &b.principal, b.minute)));
        out
    }

    /// The addresses IAM users called from (saved with an incremental scan's checkpoint).
    pub(crate) fn saved_user_ips(&self) -> Vec<String> {
        let mut v: Vec<String> = self.user_ips.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    pub(crate) fn restore_user_ips(&mut self, ips: Vec<String>) {
        self.user_ips = ips.into_iter().map(String::into_boxed_str).collect();
        self.last_user_ip.clear();
    }

    /// A number that changes whenever the state does.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    /// How many signal-bearing events the state holds.
    pub(crate) fn signal_count(&self) -> usize {
        self.signals.len() + usize::try_from(self.counted).unwrap_or(usize::MAX)
    }

    /// Replaces the state with a saved one. Denied calls and secret reads saved as single
    /// signals (by a version that kept them so) are counted into minutes.
    pub(crate) fn restore_signals(&mut self, signals: Vec<SavedSignal>, minutes: Vec<SavedMinute>) {
        self.strings = Strings::default();
        self.signals = Vec::new();
        self.minutes = HashMap::new();
        self.counted = 0;
        for s in signals {
            let ev = SigRef::new(&s.ev, &mut self.strings);
            match s.kind {
                Kind::Denied => self.count_ref(Counted::Denied, ev, 1),
                Kind::Secret => self.count_ref(Counted::Secret, ev, 1),
                // the steps of the former takeover sequence: the stages replaced them
                Kind::CreateUser
                | Kind::AdminAttach
                | Kind::CreateKey
                | Kind::LoginProfile
                | Kind::DeleteUser => {}
                kind => {
                    let target = s.target.as_deref().map(|t| self.strings.sym(t));
                    self.signals.push(Signal { kind, target, ev });
                }
            }
        }
        for m in minutes {
            let p = self.strings.sym(&m.principal);
            let first: Vec<SigRef> = m
                .first
                .iter()
                .map(|r| SigRef::new(&r.0, &mut self.strings))
                .collect();
            self.add_minute(m.kind, p, m.minute, m.count, first);
        }
    }

    /// The burst windows, per (kind, principal): windows start at the first step not yet in a
    /// window and take every step up to the window length after it.
    fn burst_windows(&self) -> Vec<BurstWindow<'_>> {
        let st = &self.strings;
        let w = self.opts.burst_window_ms;
        let mut groups: BTreeMap<(u8, &str), Vec<Step<'_>>> = BTreeMap::new();
        for (i, s) in self.signals.iter().enumerate() {
            if let Kind::Launch { instances, large } = s.kind {
                groups
                    .entry((0, st.str(s.ev.principal)))
                    .or_default()
                    .push(Step {
                        time_ms: s.ev.time_ms,
                        count: 1,
                        instances,
                        large: u64::from(large),
                        first: std::slice::from_ref(&s.ev),
                        src: StepSource::Signal(i),
                    });
            }
        }
        for (key, m) in &self.minutes {
            let Some(t) = m.first.first().map(|r| r.time_ms) else {
                continue;
            };
            let k = match key.0 {
                Counted::Denied => 1,
                Counted::Secret => 2,
            };
            groups.entry((k, st.str(key.1))).or_default().push(Step {
                time_ms: t,
                count: m.count,
                instances: 0,
                large: 0,
                first: &m.first,
                src: StepSource::Minute(*key),
            });
        }
        let mut out = Vec::new();
        for ((kind, principal), mut steps) in groups {
            steps.sort_by(|a, b| match (a.first.first(), b.first.first()) {
                (Some(x), Some(y)) => x.order(y, st),
                _ => a.time_ms.cmp(&b.time_ms),
            });
            let mut rest = steps.as_slice();
            let mut windows = Vec::new();
            while let Some(first) = rest.first() {
                let t0 = first.time_ms;
                let end = rest
                    .iter()
                    .position(|s| s.time_ms > t0 + w)
                    .unwrap_or(rest.len());
                let (win, after) = rest.split_at(end);
                windows.push((t0, win.to_vec()));
                rest = after;
            }
            out.push(BurstWindow {
                kind,
                principal,
                windows,
            });
        }
        out
    }

    fn bursts(&self, out: &mut Vec<Detection>) {
        let st = &self.strings;
        let w = self.opts.burst_window_ms;
        for group in self.burst_windows() {
            let (k, principal) = (group.kind, group.principal);
            for (_, win) in &group.windows {
                let n: u64 = win.iter().map(|s| s.count).sum();
                let mut first: Vec<&SigRef> = win.iter().flat_map(|s| s.first.iter()).collect();
                first.sort_by(|a, b| a.order(b, st));
                let events: Vec<EventRef> = first
                    .iter()
                    .take(BURST_EVENTS)
                    .map(|r| r.to_ref(st))
                    .collect();
                let fired = match k {
                    0 => {
                        let total: u64 = win.iter().map(|s| s.instances).sum();
                        let large: u64 = win.iter().map(|s| s.large).sum();
                        (large > 0 || total >= self.opts.launch_many).then(|| detection(&LARGE_LAUNCH, events, text!(
                            "`{p}` asked for {total} instances in {n} RunInstances calls ({large} of large types) within {m} minutes",
                            "`{p}` が {m} 分以内に {n} 回の RunInstances で {total} 台のインスタンスを要求しました (うち大きなタイプ {large} 回)",
                            p = principal, total = total, n = n, large = large, m = w / 60_000)))
                    }
                    1 => (n >= self.opts.denied_threshold as u64).then(|| {
                        detection(
                            &ACCESS_DENIED_BURST,
                            events,
                            text!(
                                "`{p}` was denied {n} times within {m} minutes",
                                "`{p}` が {m} 分以内に {n} 回拒否されました",
                                p = principal,
                                n = n,
                                m = w / 60_000
                            ),
                        )
                    }),
                    _ => (n >= self.opts.secrets_threshold as u64).then(|| {
                        detection(
                            &SECRETS_BURST,
                            events,
                            text!(
                                "`{p}` read secrets {n} times within {m} minutes",
                                "`{p}` が {m} 分以内に {n} 回シークレットを取得しました",
                                p = principal,
                                n = n,
                                m = w / 60_000
                            ),
                        )
                    }),
                };
                if let Some(d) = fired {
                    out.push(d);
                }
            }
        }
    }

    /// Drops what can no longer change a detection: burst windows that closed before `horizon`
    /// (dropped whole, so later windows start where they did), takeover steps more than the
    /// takeover window before it, and launches that are both. Returns how many events' worth
    /// of state went. Call it after [`NativeState::evaluate`] reported what they held.
    pub fn prune(&mut self, horizon: i64) -> usize {
        let w = self.opts.burst_window_ms;
        let tw = self.opts.takeover_window_ms;
        let st = &self.strings;
        self.signals.sort_by(|a, b| a.ev.order(&b.ev, st));
        let mut drop_signals: BTreeSet<usize> = BTreeSet::new();
        let mut drop_minutes = Vec::new();
        for group in self.burst_windows() {
            for (t0, win) in &group.windows {
                let launches_done = win.iter().all(|s| match s.src {
                    StepSource::Signal(_) => s.time_ms + tw < horizon,
                    StepSource::Minute(_) => true,
                });
                if t0 + w >= horizon || !launches_done {
                    break;
                }
                for s in win {
                    match s.src {
                        StepSource::Signal(i) => {
                            drop_signals.insert(i);
                        }
                        StepSource::Minute(k) => drop_minutes.push(k),
                    }
                }
            }
        }
        for (i, s) in self.signals.iter().enumerate() {
            if !matches!(s.kind, Kind::Launch { .. }) && s.ev.time_ms + tw < horizon {
                drop_signals.insert(i);
            }
        }
        let mut dropped = drop_signals.len();
        let mut i = 0;
        self.signals.retain(|_| {
            let keep = !drop_signals.contains(&i);
            i += 1;
            keep
        });
        for k in drop_minutes {
            if let Some(m) = self.minutes.remove(&k) {
                dropped += usize::try_from(m.count).unwrap_or(usize::MAX);
                self.counted = self.counted.saturating_sub(m.count);
            }
        }
        if dropped > 0 {
            self.generation += 1;
            self.compact_strings();
        }
        dropped
    }

    /// Rebuilds the shared strings from what the state still holds, so that a long-running
    /// watch does not keep the strings of pruned signals (file keys, times, principals).
    fn compact_strings(&mut self) {
        let old = std::mem::take(&mut self.strings);
        for s in &mut self.signals {
            s.target = s.target.map(|t| self.strings.sym(old.str(t)));
            s.ev = s.ev.moved(&old, &mut self.strings);
        }
        let minutes = std::mem::take(&mut self.minutes);
        for ((kind, p, minute), mut m) in minutes {
            let p = self.strings.sym(old.str(p));
            m.first = m
                .first
                .iter()
                .map(|r| r.moved(&old, &mut self.strings))
                .collect();
            self.minutes.insert((kind, p, minute), m);
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::event::parse_time_ms;
    use serde_json::json;

    fn denied(principal: &str, t: &str, id: &str) -> Event {
        Event::parse(
            json!({"eventVersion": "1.08", "eventTime": t, "eventID": id,
                "eventSource": "s3.amazonaws.com", "eventName": "GetObject",
                "errorCode": "AccessDenied", "awsRegion": "us-east-1",
                "sourceIPAddress": "203.0.113.9",
                "userIdentity": {"type": "IAMUser", "arn": principal}})
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn pruning_forgets_the_strings_of_what_it_dropped() {
        let old = "arn:aws:iam::111122223333:user/old-prober";
        let new = "arn:aws:iam::111122223333:user/new-prober";
        let mut st = NativeState::new(NativeOptions::default());
        let mut out = Vec::new();
        for i in 0..3 {
            st.observe(
                &denied(old, "2026-11-01T00:00:00Z", &format!("o{i}")),
                &mut out,
            );
        }
        st.observe(&denied(new, "2026-11-10T00:00:00Z", "n0"), &mut out);
        st.evaluate(&mut out);
        assert!(st.strings.index.contains_key(old));
        let horizon = parse_time_ms("2026-11-09T00:00:00Z").unwrap();
        assert_eq!(st.prune(horizon), 3);
        assert!(!st.strings.index.contains_key(old));
        assert!(st.strings.index.contains_key(new));
        assert_eq!(st.signal_count(), 1);
        // what is left still reads back whole
        let saved = st.saved_minutes();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].principal, new);
        assert_eq!(saved[0].first[0].0.event_id, "n0");
    }

    #[test]
    fn event_ids_keep_their_text_and_order() {
        let ids = [
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
            "ffffffff-ffff-4fff-bfff-ffffffffffff",
            "00000000-0000-4000-8000-000000000000",
            "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D",
            "not-a-uuid",
            "",
            "0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4",
            "+a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        ];
        for a in ids {
            assert_eq!(EventId::new(a).text(), a);
            for b in ids {
                assert_eq!(
                    EventId::new(a).cmp(&EventId::new(b)),
                    a.cmp(b),
                    "{a} vs {b}"
                );
            }
        }
        assert!(matches!(EventId::new(ids[0]), EventId::Uuid(_)));
        assert!(matches!(EventId::new(ids[3]), EventId::Other(_)));
    }

    #[test]
    fn large_types() {
        assert!(is_large_instance_type("p2.xlarge"));
        assert!(is_large_instance_type("g5.12xlarge"));
        assert!(is_large_instance_type("c5.metal"));
        assert!(is_large_instance_type("m5.24xlarge"));
        assert!(!is_large_instance_type("t3.micro"));
        assert!(!is_large_instance_type("m5.4xlarge"));
    }

    #[test]
    fn world_cidrs() {
        assert!(world_cidr("0.0.0.0/0"));
        assert!(world_cidr("::/0"));
        assert!(world_cidr("208.236.235.254/0"));
        assert!(!world_cidr("10.0.0.0/8"));
        assert!(!world_cidr("0.0.0.0/1"));
    }
}
