//! The checks of the IAM engine, declared with their documentation in English and Japanese.

use yagura_core::{declare_check, CheckMeta};

declare_check! {
    pub static ADMIN_EQUIVALENT = "iam-principal-admin-equivalent" {
        severity: High,
        service: "iam",
        spec: ["IAM-03", "AUD-05"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.16"],
        },
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal is administrator or can make itself administrator",
            "IAM プリンシパルが管理者、または自身を管理者にできる"),
        what: ("Finds users, groups and roles whose policies allow `*` on `*`, or let them grant themselves any permission: putting or attaching a policy on themselves or their group, joining a group, or writing a new version of a policy attached to them.",
            "ポリシーが `*` に `*` を許可している、または自身に任意の権限を付与できる (自身やグループへのポリシーの追加・アタッチ、グループへの参加、アタッチされたポリシーの新バージョン作成) ユーザー・グループ・ロールを検出します。"),
        why: ("An administrator-equivalent principal whose credentials leak gives an attacker the whole account; self-granting permissions defeat least privilege as surely as AdministratorAccess.",
            "管理者相当のプリンシパルの認証情報が漏れると、攻撃者はアカウント全体を掌握します。自身への権限付与は AdministratorAccess と同様に最小権限を無効にします。"),
        fix: ("Remove `*` grants and IAM write actions on the principal itself; keep administration in a few MFA-protected roles.",
            "`*` の許可とプリンシパル自身への IAM 書き込み操作を削除し、管理は MFA で保護された少数のロールに限定してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"],
    }
}

declare_check! {
    pub static WRITE_ON_ALL_RESOURCES = "iam-write-on-all-resources" {
        severity: Medium,
        service: "iam",
        spec: ["IAM-03"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal may perform write actions on every resource",
            "IAM プリンシパルがすべてのリソースに書き込み操作を実行できる"),
        what: ("Finds write, permissions-management and tagging actions that support resource-level scoping but are granted on `Resource: *` without a condition.",
            "リソース単位で制限できるのに、条件なしで `Resource: *` に許可されている書き込み・権限管理・タグ付け操作を検出します。"),
        why: ("A write on `*` reaches every current and future resource of that type, so one mistake or stolen key changes far more than intended.",
            "`*` への書き込みは現在と将来のその種類の全リソースに及ぶため、一つの誤りや盗まれた鍵の影響が意図よりはるかに大きくなります。"),
        fix: ("Name the resources (ARNs, with wildcards on a prefix) or add conditions such as `aws:ResourceTag`.",
            "対象リソースを ARN (接頭辞のワイルドカード可) で指定するか、`aws:ResourceTag` などの条件を付けてください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"],
    }
}

declare_check! {
    pub static PRIVILEGE_ESCALATION_PATH = "iam-privilege-escalation-path" {
        severity: High,
        service: "iam",
        spec: ["IAM-03"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal can become administrator through a privilege-escalation path",
            "IAM プリンシパルが権限昇格パスにより管理者になれる"),
        what: ("Builds the graph of who can become whom (assume a role, rewrite its trust, create a user's key or password, join a group, pass a role to a service with the permission to run it, run code on an instance, make a principal admin and become it: the 65 documented paths of pathfinding.cloud), each edge decided by the evaluator with its resources, conditions, denies, boundaries and SCPs, and reports the shortest path from the principal to an administrator-equivalent principal, each hop with the statement that allows it.",
            "誰が誰になれるかのグラフ (ロールの引き受け、信頼ポリシーの書き換え、ユーザーのキーやパスワードの作成、グループへの参加、実行権限を伴うサービスへのロールの受け渡し、インスタンスでのコード実行、プリンシパルを管理者にしてそれになること: pathfinding.cloud が文書化した 65 のパス) を、リソース・条件・拒否・境界・SCP を考慮した評価器で各エッジを判定して構築し、管理者相当のプリンシパルまでの最短パスを、各ホップを許可するステートメントとともに報告します。"),
        why: ("These combinations let a principal obtain permissions it was not given, often up to administrator.",
            "これらの組み合わせにより、プリンシパルは与えられていない権限を、多くの場合管理者まで取得できます。"),
        fix: ("Remove one permission of each path, or restrict its Resource to specific, non-privileged targets (for iam:PassRole, to the roles the service really needs).",
            "各パスの権限のうち一つを削除するか、Resource を特定の非特権な対象に限定してください (iam:PassRole はサービスに本当に必要なロールに限定)。"),
        references: ["https://pathfinding.cloud", "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/"],
    }
}

declare_check! {
    pub static MAKES_OTHERS_ADMIN = "iam-can-make-other-principal-admin" {
        severity: Medium,
        service: "iam",
        spec: ["IAM-03", "AUD-05"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal can make another principal administrator",
            "IAM プリンシパルが他のプリンシパルを管理者にできる"),
        what: ("Finds principals that cannot become administrator themselves but may make another user, role or group administrator-equivalent: put or attach a policy on it, write a new version of a policy attached to it, or add a user to an administrator group. Each target is named with the statement that allows it.",
            "自身は管理者になれないが、他のユーザー・ロール・グループを管理者相当にできる (ポリシーの追加・アタッチ、アタッチされたポリシーの新バージョン作成、管理者グループへのユーザー追加) プリンシパルを検出します。対象ごとに許可しているステートメントを示します。"),
        why: ("Whoever controls such a principal can hand administrator rights to an accomplice or to an identity it later obtains; one more permission (a key, a trust change) turns it into a full escalation path.",
            "このプリンシパルを制御する者は、共犯者や後で入手した ID に管理者権限を渡せます。権限が一つ加わる (キー作成、信頼ポリシーの変更) だけで完全な権限昇格パスになります。"),
        fix: ("Scope the IAM write actions to the principals that really need them (Resource with specific ARNs, `iam:PolicyARN` conditions for attachments, a permissions boundary condition) or remove them.",
            "IAM の書き込み操作を本当に必要なプリンシパルに限定する (特定の ARN の Resource、アタッチには `iam:PolicyARN` 条件、アクセス許可の境界の条件) か、削除してください。"),
        references: ["https://pathfinding.cloud", "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"],
    }
}

declare_check! {
    pub static POTENTIAL_ESCALATION_PATH = "iam-potential-escalation-path" {
        severity: Low,
        service: "iam",
        spec: ["IAM-03"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal holds a privilege-escalation path that waits for a resource",
            "IAM プリンシパルがリソースの出現を待つ権限昇格パスを持っている"),
        what: ("Finds permissions that open a privilege-escalation path as soon as a resource exists that does not exist (or was not collected) now: running code on any instance, changing any Lambda function, stack, build project or notebook, passing any role to a service, setting any policy's default version. The finding names what the path waits for.",
            "現在存在しない (または収集されていない) リソースが現れた時点で権限昇格パスになる権限を検出します: 任意のインスタンスでのコード実行、任意の Lambda 関数・スタック・ビルドプロジェクト・ノートブックの変更、任意のロールのサービスへの受け渡し、任意のポリシーの既定バージョン設定。パスが待っているものを示します。"),
        why: ("The path is one deployment away: the day someone creates an administrator role for Lambda, or launches an instance with a powerful profile, this principal can take it.",
            "パスはデプロイ一つ先にあります。誰かが Lambda 用の管理者ロールを作ったり、強力なプロファイルでインスタンスを起動した日に、このプリンシパルはそれを奪えます。"),
        fix: ("Restrict the Resource of these actions to the resources the principal manages, and iam:PassRole to named roles with an `iam:PassedToService` condition.",
            "これらの操作の Resource をプリンシパルが管理するリソースに限定し、iam:PassRole は `iam:PassedToService` 条件付きで特定のロールに限定してください。"),
        references: ["https://pathfinding.cloud"],
    }
}

declare_check! {
    pub static EXPOSED_ESCALATION_PATH = "iam-internet-exposed-escalation-path" {
        severity: Critical,
        service: "iam",
        spec: ["IAM-03", "AUD-01", "AUD-05"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails", "ec2:DescribeInstances", "ec2:DescribeSecurityGroups"],
        title: ("Internet-reachable resource runs with a role that can reach administrator",
            "インターネットから到達できるリソースが管理者に到達できるロールで動いている"),
        what: ("Joins exposure and privilege: an EC2 instance with a public address and a security group open to the world (or behind an internet-facing load balancer) whose instance profile role is administrator-equivalent or has a privilege-escalation path to one. The finding holds the whole path: port, instance, role, each hop, the administrator.",
            "露出と権限を結び付けます: パブリックアドレスと全世界に開いたセキュリティグループを持つ (またはインターネット向けロードバランサーの背後にある) EC2 インスタンスで、インスタンスプロファイルのロールが管理者相当、または管理者への権限昇格パスを持つものです。ポート、インスタンス、ロール、各ホップ、管理者までのパス全体を示します。"),
        why: ("One remote code execution on the exposed service gives the attacker the role's credentials from the instance metadata, and the path then gives the whole account: this ranks above either the open port or the escalation path alone.",
            "公開サービスでのリモートコード実行一つで、攻撃者はインスタンスメタデータからロールの認証情報を得て、パスによりアカウント全体を得ます。開いたポートや権限昇格パス単独より危険です。"),
        fix: ("Break either half: close the security group to the world (put the service behind a load balancer or use Session Manager), or give the instance a role that cannot reach administrator.",
            "どちらか一方を断ってください: セキュリティグループを全世界に対して閉じる (ロードバランサーの背後に置くか Session Manager を使う) か、管理者に到達できないロールをインスタンスに与えてください。"),
        references: ["https://pathfinding.cloud", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html"],
    }
}

declare_check! {
    pub static CREDENTIALS_EXPOSURE = "iam-credentials-exposure" {
        severity: Medium,
        service: "iam",
        spec: ["IAM-03"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails"],
        title: ("IAM principal may call actions that return or create credentials",
            "IAM プリンシパルが認証情報を返す・作成する操作を実行できる"),
        what: ("Finds allowed actions that hand out secrets or credentials, such as iam:CreateAccessKey, ec2:GetPasswordData, redshift:GetClusterCredentials or ecr:GetAuthorizationToken (sts:AssumeRole and sts:GetSessionToken are left out: they are how roles are meant to be used).",
            "iam:CreateAccessKey、ec2:GetPasswordData、redshift:GetClusterCredentials、ecr:GetAuthorizationToken など秘密情報や認証情報を渡す操作の許可を検出します (sts:AssumeRole と sts:GetSessionToken はロールの通常の使い方のため除外)。"),
        why: ("Credentials obtained this way outlive the session and let the holder act as another identity.",
            "この方法で得た認証情報はセッションより長く有効で、保持者が別の ID として行動できます。"),
        fix: ("Grant these actions only to the principals that need them, on named resources.",
            "これらの操作は必要なプリンシパルだけに、特定のリソースに対して許可してください。"),
        references: ["https://github.com/salesforce/cloudsplaining"],
    }
}

declare_check! {
    pub static BASTION_ASSUME_WITHOUT_MFA = "iam-bastion-assume-role-without-mfa" {
        severity: High,
        service: "iam",
        spec: ["IAM-04"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails", "organizations:ListAccounts"],
        title: ("Role can be assumed, or users may assume roles, without MFA",
            "MFA なしでロールを引き受けられる、またはユーザーがロールを引き受けられる"),
        what: ("In the bastion pattern, checks that the identity account's users may only call sts:GetSessionToken and, with `aws:MultiFactorAuthPresent` true, sts:AssumeRole; and that every role trusted from the identity account requires MFA in its trust policy.",
            "踏み台パターンで、ID アカウントのユーザーが sts:GetSessionToken と `aws:MultiFactorAuthPresent` が true の場合の sts:AssumeRole のみを実行でき、ID アカウントから信頼される全ロールの信頼ポリシーが MFA を要求することを確認します。"),
        why: ("Without MFA, a leaked access key of any identity-account user opens every resource account.",
            "MFA がなければ、ID アカウントのどのユーザーのアクセスキーが漏れても、すべてのリソースアカウントが開かれます。"),
        fix: ("Use the policies `yagura iam bastion plan` generates: a Bool `aws:MultiFactorAuthPresent` `true` condition on sts:AssumeRole in the group policy and in every trust policy.",
            "`yagura iam bastion plan` が生成するポリシーを使い、グループポリシーとすべての信頼ポリシーで sts:AssumeRole に Bool `aws:MultiFactorAuthPresent` `true` の条件を付けてください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html"],
    }
}

declare_check! {
    pub static BASTION_ROLE_TOO_POWERFUL = "iam-bastion-role-above-poweruser" {
        severity: High,
        service: "iam",
        spec: ["IAM-04", "AUD-05"],
        compliance: {},
        needs: ["iam:GetAccountAuthorizationDetails", "organizations:ListAccounts"],
        title: ("Role in a resource account grants more than PowerUserAccess or may manage IAM",
            "リソースアカウントのロールが PowerUserAccess を超える権限、または IAM 管理権限を持つ"),
        what: ("In the bastion pattern, checks that roles of the resource accounts grant at most PowerUserAccess and no IAM write action.",
            "踏み台パターンで、リソースアカウントのロールが PowerUserAccess 以下の権限で、IAM の書き込み操作を持たないことを確認します。"),
        why: ("A role that may manage IAM can grant itself anything, which defeats the separation between identity and resource accounts.",
            "IAM を管理できるロールは自身に何でも付与でき、ID アカウントとリソースアカウントの分離を無効にします。"),
        fix: ("Attach PowerUserAccess (or less) and no IAM write permission; keep IAM changes in a separate, audited process.",
            "PowerUserAccess 以下をアタッチし、IAM の書き込み権限は付与せず、IAM の変更は別の監査されたプロセスで行ってください。"),
        references: ["https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html"],
    }
}

/// Every check of this crate.
pub static CHECKS: &[&CheckMeta] = &[
    &ADMIN_EQUIVALENT,
    &WRITE_ON_ALL_RESOURCES,
    &PRIVILEGE_ESCALATION_PATH,
    &MAKES_OTHERS_ADMIN,
    &POTENTIAL_ESCALATION_PATH,
    &EXPOSED_ESCALATION_PATH,
    &CREDENTIALS_EXPOSURE,
    &BASTION_ASSUME_WITHOUT_MFA,
    &BASTION_ROLE_TOO_POWERFUL,
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalogue_is_well_formed() {
        let mut ids = HashSet::new();
        for c in CHECKS {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(c.id.starts_with("iam-") && !c.id.contains('_'), "{}", c.id);
            for t in [&c.title, &c.what, &c.why, &c.fix] {
                assert!(
                    !t.en.trim().is_empty() && !t.ja.trim().is_empty(),
                    "{}",
                    c.id
                );
            }
            assert!(!c.spec.is_empty(), "{} has no SPEC id", c.id);
            assert!(!c.references.is_empty(), "{} has no reference", c.id);
        }
    }
}
