//! Single-event detections of attack techniques beyond the WATCH-04 list: persistence through
//! role trust, federation tokens, Lambda and IAM Roles Anywhere; exfiltration through shared
//! RDS snapshots; execution and lateral movement through user data, SSM sessions and EC2
//! Instance Connect; defence evasion through DNS query logging; LLM hijacking through Bedrock
//! model access. Each is the event GuardDuty or the Stratus Red Team documentation names for
//! the technique, judged on what the call did (a trust opened to another account, a
//! permission for `*`, a layer from another account), not on who or what ran it.

use super::{detection, ok, req, req_str};
use crate::detection::{Detection, EventRef};
use crate::event::Event;
use serde_json::Value;
use yagura_core::{declare_check, text};

const GD_IAM: &str =
    "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html";

declare_check! {
    pub static ROLE_TRUST_OPENED = "iam-role-trust-opened" {
        severity: High,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:UpdateAssumeRolePolicy", "cloudtrail:CreateRole"],
        title: ("A role was made assumable from another account or by anyone",
            "ロールが他のアカウントまたは誰からでも引き受け可能にされた"),
        what: ("Finds `UpdateAssumeRolePolicy` and `CreateRole` calls whose trust policy lets a principal of another account, or `*`, assume the role.",
            "信頼ポリシーで他のアカウントのプリンシパルや `*` にロールの引き受けを許す `UpdateAssumeRolePolicy`・`CreateRole` 呼び出しを検出します。"),
        why: ("A backdoored trust policy gives an outside account lasting access that survives the rotation of every key.",
            "バックドア化された信頼ポリシーは、すべてのキーを更新しても残る外部アカウントからのアクセスを与えます。"),
        fix: ("Check the trusted account is yours or a partner's; if not, restore the trust policy and review what the role was used for.",
            "信頼されたアカウントが自社や取引先のものか確認し、そうでなければ信頼ポリシーを戻し、ロールの利用履歴を調査してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-role/"],
    }
}

declare_check! {
    pub static FEDERATION_TOKEN = "sts-federation-token-issued" {
        severity: Medium,
        service: "sts",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:GetFederationToken"],
        title: ("Federation credentials were issued to an IAM user",
            "IAM ユーザーにフェデレーション認証情報が発行された"),
        what: ("Finds successful `GetFederationToken` calls.",
            "成功した `GetFederationToken` 呼び出しを検出します。"),
        why: ("Federation tokens stay valid up to 36 hours after the user's access keys are deleted: attackers mint them to keep access.",
            "フェデレーショントークンはユーザーのアクセスキー削除後も最長 36 時間有効で、攻撃者はアクセス維持のために発行します。"),
        fix: ("Check who needed federated credentials; if unexpected, attach a deny-all policy to the user (it also stops the tokens) and rotate its keys.",
            "誰がフェデレーション認証情報を必要としたか確認し、想定外ならユーザーに全拒否ポリシーを付けて (トークンも止まります) キーを更新してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.sts-federation-token/"],
    }
}

declare_check! {
    pub static LAMBDA_PUBLIC = "lambda-permission-granted-outside" {
        severity: High,
        service: "lambda",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:AddPermission"],
        title: ("A Lambda function was made invocable from outside the account",
            "Lambda 関数がアカウント外から呼び出し可能にされた"),
        what: ("Finds `AddPermission` calls on a function that allow `*` or a principal of another account.",
            "`*` または他のアカウントのプリンシパルを許可する、関数への `AddPermission` 呼び出しを検出します。"),
        why: ("A resource policy open to anyone turns a function into a backdoor that can be invoked without credentials of the account.",
            "誰にでも開かれたリソースポリシーは、アカウントの認証情報なしで呼び出せるバックドアに関数を変えます。"),
        fix: ("Remove the statement with `aws lambda remove-permission` unless the function is meant to be public.",
            "関数を公開する意図がなければ `aws lambda remove-permission` でステートメントを削除してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-backdoor-function/"],
    }
}

declare_check! {
    pub static LAMBDA_CODE = "lambda-function-code-updated" {
        severity: Low,
        service: "lambda",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:UpdateFunctionCode"],
        title: ("A Lambda function's code was replaced by a person",
            "人が Lambda 関数のコードを置き換えた"),
        what: ("Finds `UpdateFunctionCode` calls made by a user or role session rather than by an AWS service (deployment pipelines that run through CloudFormation are left out).",
            "AWS サービスではなくユーザーやロールセッションによる `UpdateFunctionCode` 呼び出しを検出します (CloudFormation 経由のデプロイは除きます)。"),
        why: ("Overwriting a function's code runs the attacker's code with the function's role, on every invocation.",
            "関数のコードを上書きすると、呼び出しのたびに関数のロールで攻撃者のコードが動きます。"),
        fix: ("Check the deployment was expected; compare the code hash with your build, and redeploy from source if not.",
            "デプロイが想定どおりか確認し、コードのハッシュをビルドと照合し、違えばソースから再デプロイしてください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-overwrite-code/"],
    }
}

declare_check! {
    pub static LAMBDA_LAYER = "lambda-layer-added" {
        severity: Medium,
        service: "lambda",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:UpdateFunctionConfiguration", "cloudtrail:CreateFunction"],
        title: ("A layer was added to a Lambda function by a person",
            "人が Lambda 関数にレイヤーを追加した"),
        what: ("Finds `UpdateFunctionConfiguration` and `CreateFunction` calls that set layers, made by a user or role session rather than an AWS service, naming layers of other accounts.",
            "AWS サービスではなくユーザーやロールセッションがレイヤーを設定する `UpdateFunctionConfiguration`・`CreateFunction` 呼び出しを検出し、他のアカウントのレイヤーを示します。"),
        why: ("A layer (or a Lambda extension in it) runs inside every invocation: a malicious one reads every request and the role's credentials.",
            "レイヤー (やその中の Lambda 拡張) はすべての呼び出しの中で動き、悪意あるものはリクエストとロールの認証情報を読み取れます。"),
        fix: ("Check the layer is one of yours; remove it and redeploy the function if not.",
            "レイヤーが自社のものか確認し、違えば削除して関数を再デプロイしてください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.lambda-layer-extension/"],
    }
}

declare_check! {
    pub static ROLES_ANYWHERE = "rolesanywhere-trust-anchor-created" {
        severity: High,
        service: "rolesanywhere",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:CreateTrustAnchor", "cloudtrail:UpdateTrustAnchor"],
        title: ("An IAM Roles Anywhere trust anchor was created or changed",
            "IAM Roles Anywhere のトラストアンカーが作成・変更された"),
        what: ("Finds successful `CreateTrustAnchor` and `UpdateTrustAnchor` calls.",
            "成功した `CreateTrustAnchor` と `UpdateTrustAnchor` 呼び出しを検出します。"),
        why: ("A trust anchor lets anyone holding a certificate of its CA obtain role credentials from outside AWS, without an access key.",
            "トラストアンカーがあると、その認証局の証明書を持つ者なら誰でも、アクセスキーなしで AWS の外部からロールの認証情報を取得できます。"),
        fix: ("Check the certificate authority is yours; delete the trust anchor and its profiles if not.",
            "認証局が自社のものか確認し、違えばトラストアンカーとそのプロファイルを削除してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.rolesanywhere-create-trust-anchor/"],
    }
}

declare_check! {
    pub static RDS_SNAPSHOT_SHARED = "rds-snapshot-shared" {
        severity: High,
        service: "rds",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:ModifyDBSnapshotAttribute", "cloudtrail:ModifyDBClusterSnapshotAttribute"],
        title: ("An RDS snapshot was shared with another account or made public",
            "RDS スナップショットが他のアカウントと共有・公開された"),
        what: ("Finds `ModifyDBSnapshotAttribute` and `ModifyDBClusterSnapshotAttribute` calls that add accounts (or `all`) to the `restore` attribute.",
            "`restore` 属性にアカウント (または `all`) を追加する `ModifyDBSnapshotAttribute`・`ModifyDBClusterSnapshotAttribute` 呼び出しを検出します。"),
        why: ("A shared snapshot lets the other account restore a full copy of the database.",
            "共有されたスナップショットから、他のアカウントはデータベースの完全な複製を復元できます。"),
        fix: ("Remove the account from the snapshot's restore attribute unless it is yours, and review the caller.",
            "自社のアカウントでなければスナップショットの `restore` 属性からそのアカウントを削除し、呼び出し元を調査してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.exfiltration.rds-share-snapshot/"],
    }
}

declare_check! {
    pub static DNS_LOGS_DELETED = "route53-query-logging-deleted" {
        severity: Medium,
        service: "route53resolver",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:DeleteResolverQueryLogConfig", "cloudtrail:DisassociateResolverQueryLogConfig", "cloudtrail:DeleteQueryLoggingConfig"],
        title: ("DNS query logging was deleted or detached",
            "DNS クエリログが削除・切り離された"),
        what: ("Finds successful `DeleteResolverQueryLogConfig`, `DisassociateResolverQueryLogConfig` (Route 53 Resolver) and `DeleteQueryLoggingConfig` (Route 53) calls.",
            "成功した `DeleteResolverQueryLogConfig`・`DisassociateResolverQueryLogConfig` (Route 53 Resolver) と `DeleteQueryLoggingConfig` (Route 53) 呼び出しを検出します。"),
        why: ("Without DNS query logs, lookups of command-and-control and exfiltration domains leave no trace.",
            "DNS クエリログがなければ、C2 やデータ持ち出し先ドメインの名前解決が痕跡を残しません。"),
        fix: ("Recreate the query logging configuration and find out who removed it.",
            "クエリログの設定を作り直し、削除した者を特定してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.dns-delete-logs/"],
    }
}

declare_check! {
    pub static USER_DATA_CHANGED = "ec2-user-data-modified" {
        severity: Medium,
        service: "ec2",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:ModifyInstanceAttribute"],
        title: ("An EC2 instance's user data was changed",
            "EC2 インスタンスのユーザーデータが変更された"),
        what: ("Finds successful `ModifyInstanceAttribute` calls that set `userData`.",
            "`userData` を設定する成功した `ModifyInstanceAttribute` 呼び出しを検出します。"),
        why: ("User data runs as root at the next start: changing it on a stopped instance executes code with the instance's role.",
            "ユーザーデータは次回起動時に root で実行され、停止中のインスタンスで変更するとインスタンスのロールでコードを実行できます。"),
        fix: ("Check the new user data (`aws ec2 describe-instance-attribute --attribute userData`) before the instance starts again.",
            "インスタンスを再起動する前に新しいユーザーデータ (`aws ec2 describe-instance-attribute --attribute userData`) を確認してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ec2-user-data/"],
    }
}

declare_check! {
    pub static SSM_SESSION = "ssm-session-started" {
        severity: Low,
        service: "ssm",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:StartSession"],
        title: ("An interactive SSM session was opened on an instance",
            "インスタンスで対話型の SSM セッションが開かれた"),
        what: ("Finds successful `StartSession` calls (Session Manager shells and port forwarding).",
            "成功した `StartSession` 呼び出し (Session Manager のシェルやポート転送) を検出します。"),
        why: ("A session is a shell on the instance as its agent's user, without SSH keys or open ports: it is how stolen credentials reach inside.",
            "セッションは SSH キーや開いたポートなしにエージェントのユーザーとして得られるシェルで、盗まれた認証情報が内部に到達する手段になります。"),
        fix: ("Check the caller was meant to log in to the instance; terminate the session and review the session log if not.",
            "呼び出し元がそのインスタンスにログインする予定だったか確認し、違えばセッションを終了しセッションログを調査してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.execution.ssm-start-session/"],
    }
}

declare_check! {
    pub static INSTANCE_CONNECT = "ec2-ssh-key-pushed" {
        severity: Medium,
        service: "ec2-instance-connect",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:SendSSHPublicKey", "cloudtrail:SendSerialConsoleSSHPublicKey", "cloudtrail:EnableSerialConsoleAccess"],
        title: ("An SSH key was pushed to an instance or its serial console",
            "インスタンスまたはシリアルコンソールに SSH キーが送られた"),
        what: ("Finds successful `SendSSHPublicKey` and `SendSerialConsoleSSHPublicKey` calls (EC2 Instance Connect) and `EnableSerialConsoleAccess`.",
            "成功した `SendSSHPublicKey`・`SendSerialConsoleSSHPublicKey` (EC2 Instance Connect) と `EnableSerialConsoleAccess` 呼び出しを検出します。"),
        why: ("A pushed key gives 60 seconds of SSH access to the instance with the API caller's permissions alone; the serial console bypasses the network entirely.",
            "送られたキーは API 呼び出しの権限だけでインスタンスへの 60 秒間の SSH アクセスを与え、シリアルコンソールはネットワークを完全に迂回します。"),
        fix: ("Check the caller was meant to log in; review the instance's logins and restrict `ec2-instance-connect:*` if not.",
            "呼び出し元がログインする予定だったか確認し、違えばインスタンスへのログインを調査し `ec2-instance-connect:*` を制限してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.lateral-movement.ec2-instance-connect/"],
    }
}

declare_check! {
    pub static BEDROCK_ACCESS = "bedrock-model-access-enabled" {
        severity: Medium,
        service: "bedrock",
        spec: ["WATCH-04"],
        compliance: {},
        needs: ["cloudtrail:PutUseCaseForModelAccess", "cloudtrail:CreateFoundationModelAgreement", "cloudtrail:PutFoundationModelEntitlement"],
        title: ("Access to Bedrock foundation models was enabled",
            "Bedrock の基盤モデルへのアクセスが有効化された"),
        what: ("Finds successful `PutUseCaseForModelAccess`, `CreateFoundationModelAgreement` and `PutFoundationModelEntitlement` calls.",
            "成功した `PutUseCaseForModelAccess`・`CreateFoundationModelAgreement`・`PutFoundationModelEntitlement` 呼び出しを検出します。"),
        why: ("Attackers with stolen keys enable model access to run large language models at the account's expense (LLM hijacking).",
            "盗んだキーを持つ攻撃者は、アカウントの費用で大規模言語モデルを動かすためにモデルアクセスを有効化します (LLMjacking)。"),
        fix: ("Check the model access was requested by your team; revoke it and the caller's credentials if not.",
            "モデルアクセスが自社チームの申請か確認し、違えばアクセスと呼び出し元の認証情報を取り消してください。"),
        references: ["https://stratus-red-team.cloud/attack-techniques/AWS/aws.impact.bedrock-invoke-model/"],
    }
}

declare_check! {
    pub static INSTANCE_CREDS_OUTSIDE = "ec2-instance-credentials-used-elsewhere" {
        severity: High,
        service: "iam",
        spec: ["WATCH-04", "WATCH-05"],
        compliance: {},
        needs: ["cloudtrail:*"],
        title: ("EC2 instance credentials were used from a workstation",
            "EC2 インスタンスの認証情報がワークステーションから使われた"),
        what: ("Finds calls signed with an instance role's credentials (the session named after the instance, `i-…`) from a source address that an IAM user also called from, or from a second address after the instance's own.",
            "インスタンスロールの認証情報 (インスタンス名のセッション `i-…`) で署名された呼び出しのうち、IAM ユーザーも使った送信元アドレスから、またはインスタンス自身に続く別のアドレスからのものを検出します。"),
        why: ("Instance credentials are meant to be used only on the instance; their use elsewhere means they were stolen (through the metadata service, SSRF or a command run on the instance).",
            "インスタンスの認証情報はそのインスタンス上でのみ使われるもので、他所での使用は (メタデータサービス、サーバーサイドリクエストフォージェリ、インスタンスで実行されたコマンド経由で) 盗まれたことを意味します。"),
        fix: ("Revoke the role's active sessions (`Revoke active sessions` in the IAM console), require IMDSv2, and find how the credentials left the instance.",
            "ロールの有効なセッションを取り消し (IAM コンソールの `Revoke active sessions`)、IMDSv2 を必須にし、認証情報の流出経路を調べてください。"),
        references: [GD_IAM],
    }
}

/// `Name20150331v2` → `Name`: Lambda logs its API version in the event name.
fn lambda_name(name: &str) -> &str {
    match name.find("2015") {
        Some(i) => name.get(..i).unwrap_or(name),
        None => name,
    }
}

/// The account a call was made in.
pub(super) fn own_account(ev: &Event) -> String {
    ev.str_field("recipientAccountId")
        .map(str::to_string)
        .or_else(|| {
            ev.get("userIdentity")
                .and_then(|u| u.get("accountId"))
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// True when a call was made by a user or role session, not by an AWS service on its behalf
/// (CloudFormation, a service-linked role).
fn by_person(ev: &Event) -> bool {
    let invoked_by = ev
        .get("userIdentity")
        .and_then(|u| u.get("invokedBy"))
        .is_some_and(|v| !v.is_null());
    let agent = ev.str_field("userAgent").unwrap_or_default();
    !invoked_by && !agent.contains("cloudformation.amazonaws.com")
}

/// The account of an ARN (`arn:aws:lambda:region:123456789012:layer:x:1`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// The single-event detections of this module.
pub(super) fn observe(ev: &Event, out: &mut Vec<Detection>) {
    if !ok(ev) {
        return;
    }
    let source = ev.event_source();
    let name = ev.event_name();
    let r = || vec![EventRef::of(ev)];
    let by = || ev.principal();
    let short = if source == "lambda.amazonaws.com" {
        lambda_name(name)
    } else {
        name
    };
    // by name first: most events are none of these, and fail on the name's length
    match (short, source) {
        ("UpdateAssumeRolePolicy" | "CreateRole", "iam.amazonaws.com") => {
            let doc = req(ev, "policyDocument").or_else(|| req(ev, "assumeRolePolicyDocument"));
            let role = req_str(ev, "roleName").unwrap_or_default();
            let own = own_account(ev);
            if let Some(trusted) = doc.and_then(|d| super::policy::outside_trust(d, &own, role)) {
                out.push(detection(
                    &ROLE_TRUST_OPENED,
                    r(),
                    text!(
                        "`{p}` let `{t}` assume role `{role}` ({n})",
                        "`{p}` が `{t}` にロール `{role}` の引き受けを許可しました ({n})",
                        p = by(),
                        t = trusted,
                        role = role,
                        n = name
                    ),
                ));
            }
        }
        ("GetFederationToken", "sts.amazonaws.com") => {
            let admin = req(ev, "policy").is_some_and(super::policy::is_admin);
            out.push(detection(
                &FEDERATION_TOKEN,
                r(),
                text!(
                    "`{p}` obtained federation credentials named `{n}`{a}",
                    "`{p}` が名前 `{n}` のフェデレーション認証情報を取得しました{a}",
                    p = by(),
                    n = req_str(ev, "name").unwrap_or_default(),
                    a = if admin {
                        " with a policy allowing every action"
                    } else {
                        ""
                    }
                ),
            ));
        }
        ("AddPermission", "lambda.amazonaws.com") => {
            let principal = req_str(ev, "principal").unwrap_or_default();
            let own = own_account(ev);
            let outside = principal == "*"
                || yagura_iam::facts::principal_account(principal).is_some_and(|a| a != own);
            let scoped = req(ev, "sourceAccount").is_some_and(|v| v.as_str() == Some(&own))
                || req(ev, "principalOrgID").is_some();
            if outside && !scoped {
                out.push(detection(
                    &LAMBDA_PUBLIC,
                    r(),
                    text!(
                        "`{p}` let `{who}` invoke function `{f}`",
                        "`{p}` が `{who}` に関数 `{f}` の呼び出しを許可しました",
                        p = by(),
                        who = principal,
                        f = req_str(ev, "functionName").unwrap_or_default()
                    ),
                ));
            }
        }
        ("UpdateFunctionCode", "lambda.amazonaws.com") if by_person(ev) => {
            out.push(detection(
                &LAMBDA_CODE,
                r(),
                text!(
                    "`{p}` replaced the code of function `{f}`",
                    "`{p}` が関数 `{f}` のコードを置き換えました",
                    p = by(),
                    f = req_str(ev, "functionName").unwrap_or_default()
                ),
            ));
        }
        ("UpdateFunctionConfiguration" | "CreateFunction", "lambda.amazonaws.com")
            if by_person(ev) =>
        {
            let mut layers = Vec::new();
            ev.visit_path(&["requestParameters", "layers"], &mut |v| {
                if let Some(s) = v.as_str() {
                    layers.push(s.to_string());
                }
            });
            if !layers.is_empty() {
                let own = own_account(ev);
                let foreign: Vec<&str> = layers
                    .iter()
                    .filter(|l| arn_account(l).is_some_and(|a| a != own))
                    .map(String::as_str)
                    .collect();
                out.push(detection(
                    &LAMBDA_LAYER,
                    r(),
                    text!(
                        "`{p}` set layers {l} on function `{f}`{x}",
                        "`{p}` が関数 `{f}` にレイヤー {l} を設定しました{x}",
                        p = by(),
                        l = layers.join(", "),
                        f = req_str(ev, "functionName").unwrap_or_default(),
                        x = if foreign.is_empty() {
                            String::new()
                        } else {
                            format!(" (from another account: {})", foreign.join(", "))
                        }
                    ),
                ));
            }
        }
        ("CreateTrustAnchor" | "UpdateTrustAnchor", "rolesanywhere.amazonaws.com") => {
            out.push(detection(
                &ROLES_ANYWHERE,
                r(),
                text!(
                    "`{p}` called {n} for trust anchor `{t}`",
                    "`{p}` がトラストアンカー `{t}` に {n} を実行しました",
                    p = by(),
                    n = name,
                    t = req_str(ev, "name")
                        .or_else(|| req_str(ev, "trustAnchorId"))
                        .unwrap_or_default()
                ),
            ));
        }
        ("ModifyDBSnapshotAttribute" | "ModifyDBClusterSnapshotAttribute", "rds.amazonaws.com") => {
            let restore = req_str(ev, "attributeName").is_some_and(|a| a == "restore");
            let mut added = Vec::new();
            ev.visit_path(&["requestParameters", "valuesToAdd"], &mut |v| {
                if let Some(s) = v.as_str() {
                    added.push(s.to_string());
                }
            });
            if restore && !added.is_empty() {
                out.push(detection(
                    &RDS_SNAPSHOT_SHARED,
                    r(),
                    text!(
                        "`{p}` shared snapshot `{s}` with `{a}`",
                        "`{p}` がスナップショット `{s}` を `{a}` と共有しました",
                        p = by(),
                        s = req_str(ev, "dBSnapshotIdentifier")
                            .or_else(|| req_str(ev, "dBClusterSnapshotIdentifier"))
                            .unwrap_or_default(),
                        a = added.join(", ")
                    ),
                ));
            }
        }
        (
            "DeleteResolverQueryLogConfig" | "DisassociateResolverQueryLogConfig",
            "route53resolver.amazonaws.com",
        )
        | ("DeleteQueryLoggingConfig", "route53.amazonaws.com") => {
            out.push(detection(
                &DNS_LOGS_DELETED,
                r(),
                text!(
                    "`{p}` called {n} on DNS query logging `{c}`",
                    "`{p}` が DNS クエリログ `{c}` に {n} を実行しました",
                    p = by(),
                    n = name,
                    c = req_str(ev, "resolverQueryLogConfigId")
                        .or_else(|| req_str(ev, "id"))
                        .unwrap_or_default()
                ),
            ));
        }
        ("ModifyInstanceAttribute", "ec2.amazonaws.com") => {
            let user_data = req(ev, "userData").is_some_and(|v| !v.is_null())
                || req_str(ev, "attribute").is_some_and(|a| a == "userData");
            if user_data {
                out.push(detection(
                    &USER_DATA_CHANGED,
                    r(),
                    text!(
                        "`{p}` changed the user data of instance `{i}`",
                        "`{p}` がインスタンス `{i}` のユーザーデータを変更しました",
                        p = by(),
                        i = req_str(ev, "instanceId").unwrap_or_default()
                    ),
                ));
            }
        }
        ("StartSession", "ssm.amazonaws.com") => {
            out.push(detection(
                &SSM_SESSION,
                r(),
                text!(
                    "`{p}` opened a session on `{t}`",
                    "`{p}` が `{t}` でセッションを開きました",
                    p = by(),
                    t = req_str(ev, "target").unwrap_or_default()
                ),
            ));
        }
        (
            "SendSSHPublicKey" | "SendSerialConsoleSSHPublicKey",
            "ec2-instance-connect.amazonaws.com",
        )
        | ("EnableSerialConsoleAccess", "ec2.amazonaws.com") => {
            let target = req_str(ev, "instanceId").unwrap_or("the account");
            out.push(detection(
                &INSTANCE_CONNECT,
                r(),
                text!(
                    "`{p}` called {n} for `{t}`{u}",
                    "`{p}` が `{t}` に {n} を実行しました{u}",
                    p = by(),
                    n = name,
                    t = target,
                    u = req_str(ev, "instanceOSUser")
                        .map(|u| format!(" (OS user `{u}`)"))
                        .unwrap_or_default()
                ),
            ));
        }
        (
            "PutUseCaseForModelAccess"
            | "CreateFoundationModelAgreement"
            | "PutFoundationModelEntitlement",
            "bedrock.amazonaws.com",
        ) => {
            out.push(detection(
                &BEDROCK_ACCESS,
                r(),
                text!(
                    "`{p}` called {n}{m}",
                    "`{p}` が {n} を実行しました{m}",
                    p = by(),
                    n = name,
                    m = req_str(ev, "modelId")
                        .map(|m| format!(" for model `{m}`"))
                        .unwrap_or_default()
                ),
            ));
        }
        _ => {}
    }
}

/// An instance role session is named after its instance: `…:assumed-role/<role>/i-0123…`.
pub(super) fn instance_session(arn: &str) -> bool {
    let Some((_, session)) = arn.rsplit_once('/') else {
        return false;
    };
    let Some(hex) = session.strip_prefix("i-") else {
        return false;
    };
    arn.contains(":assumed-role/")
        && (8..=17).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The message of an instance-credentials detection.
pub(super) fn instance_creds_detection(events: Vec<EventRef>, why: &str) -> Detection {
    let (session, ip) = events
        .first()
        .map(|e| (e.principal.clone(), e.source_ip.clone()))
        .unwrap_or_default();
    detection(
        &INSTANCE_CREDS_OUTSIDE,
        events,
        text!(
            "the credentials of `{s}` were used from `{ip}`, {w}",
            "`{s}` の認証情報が `{ip}` から使われました ({w})",
            s = session,
            ip = ip,
            w = why
        ),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn instance_sessions() {
        assert!(instance_session(
            "arn:aws:sts::1:assumed-role/r/i-0dbc91f429e48eeed"
        ));
        assert!(instance_session(
            "arn:aws:sts::1:assumed-role/r/i-786a3A8B5C0d92eF4"
        ));
        assert!(!instance_session("arn:aws:sts::1:assumed-role/r/alice"));
        assert!(!instance_session("arn:aws:iam::1:user/i-0dbc91f4"));
        assert_eq!(lambda_name("AddPermission20150331v2"), "AddPermission");
    }
}
