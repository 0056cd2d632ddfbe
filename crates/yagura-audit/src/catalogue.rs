//! Every account-audit check, declared once with its documentation.
//!
//! Frameworks: `cis-aws-foundations-3.0` (CIS Amazon Web Services Foundations Benchmark v3.0.0)
//! and `yagura-guideline` (the seed guideline, by article). SPEC ids are listed in `spec`.

use yagura_core::{CheckMeta, Severity, Text};

macro_rules! check {
    ($name:ident, $id:literal, $sev:ident, $svc:literal,
     spec [$($spec:literal),*], cis [$($cis:literal),*], seed [$($seed:literal),*],
     title ($ten:literal, $tja:literal),
     what ($wen:literal, $wja:literal),
     why ($yen:literal, $yja:literal),
     fix ($fen:literal, $fja:literal),
     refs [$($r:literal),*]) => {
        pub static $name: CheckMeta = CheckMeta {
            id: $id,
            severity: Severity::$sev,
            service: $svc,
            title: Text::new($ten, $tja),
            what: Text::new($wen, $wja),
            why: Text::new($yen, $yja),
            fix: Text::new($fen, $fja),
            references: &[$($r),*],
            spec: &[$($spec),*],
            compliance: &[
                ("cis-aws-foundations-3.0", &[$($cis),*]),
                ("yagura-guideline", &[$($seed),*]),
            ],
        };
    };
}

// ------------------------------------------------------------------ AUD-01 security groups
check!(SG_ADMIN_PORT_WORLD, "security-group-admin-port-open-to-world", High, "ec2",
    spec ["AUD-01"], cis ["5.2", "5.3"], seed ["000"],
    title ("Security group opens an administration port to the internet",
           "セキュリティグループが管理用ポートをインターネットに公開している"),
    what ("Finds security groups with ingress from 0.0.0.0/0 or ::/0 to SSH, RDP, VNC, database or other remote-administration ports.",
          "0.0.0.0/0 または ::/0 から SSH・RDP・VNC・データベースなどの管理用ポートへのインバウンドを許可するセキュリティグループを検出します。"),
    why ("Administration ports open to the world are scanned and brute-forced within minutes; one weak password or unpatched service gives an attacker the host.",
         "全世界に開いた管理用ポートは数分でスキャンされ総当たり攻撃を受けます。弱いパスワードや未修正のサービスが一つあればホストを奪われます。"),
    fix ("Remove the 0.0.0.0/0 and ::/0 rules; reach instances through Systems Manager Session Manager, or allow only your office or VPN address ranges.",
         "0.0.0.0/0 と ::/0 のルールを削除し、Systems Manager セッションマネージャー経由で接続するか、社内や VPN のアドレス範囲だけを許可してください。"),
    refs ["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html"]);

check!(SG_PORT_WORLD, "security-group-port-open-to-world", Medium, "ec2",
    spec ["AUD-01"], cis [], seed ["000"],
    title ("Security group opens a port other than 80/443 to the internet",
           "セキュリティグループが 80/443 以外のポートをインターネットに公開している"),
    what ("Finds security groups with ingress from 0.0.0.0/0 or ::/0 to any port other than HTTP (80) and HTTPS (443).",
          "0.0.0.0/0 または ::/0 から HTTP(80)・HTTPS(443) 以外のポートへのインバウンドを許可するセキュリティグループを検出します。"),
    why ("Every port open to the world is attack surface; services other than web front ends rarely need to be reachable by everyone.",
         "全世界に開いたポートはすべて攻撃対象になります。Web の入口以外のサービスを誰からでも到達可能にする必要はほとんどありません。"),
    fix ("Restrict the source to the address ranges or security groups that need the port, or put the service behind a load balancer.",
         "送信元を必要なアドレス範囲やセキュリティグループに限定するか、サービスをロードバランサーの背後に置いてください。"),
    refs ["https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"]);

check!(SG_UNUSED, "security-group-unused", Info, "ec2",
    spec ["AUD-01"], cis [], seed ["000"],
    title ("Security group is not attached to anything", "セキュリティグループがどこにも関連付けられていない"),
    what ("Finds security groups attached to no network interface.",
          "どのネットワークインターフェースにも関連付けられていないセキュリティグループを検出します。"),
    why ("Unused groups clutter reviews and are attached later by mistake, bringing forgotten open rules with them.",
         "使われていないグループはレビューを煩雑にし、後で誤って関連付けられると忘れられた開放ルールが復活します。"),
    fix ("Delete security groups that nothing uses (the default group of a VPC cannot be deleted: remove its rules instead).",
         "使われていないセキュリティグループを削除してください(VPC のデフォルトグループは削除できないためルールを削除してください)。"),
    refs ["https://docs.aws.amazon.com/vpc/latest/userguide/working-with-security-groups.html"]);

// ------------------------------------------------------------------ AUD-02 / AUD-03 instances
check!(AMI_UNTRUSTED_OWNER, "ec2-instance-ami-untrusted-owner", Medium, "ec2",
    spec ["AUD-02"], cis [], seed ["000"],
    title ("Instance runs an AMI from an untrusted owner", "信頼できない所有者の AMI からインスタンスが起動されている"),
    what ("Finds instances launched from AMIs owned neither by Amazon, nor by the account itself, nor by an owner on the allow-list.",
          "Amazon・自アカウント・許可リストの所有者のいずれでもない AMI から起動されたインスタンスを検出します。"),
    why ("A community AMI can carry malware, backdoored packages or embedded keys; its contents are not under your control.",
         "コミュニティ AMI にはマルウェアやバックドア入りのパッケージ、埋め込まれた鍵が含まれていることがあり、中身を管理できません。"),
    fix ("Rebuild the instance from an Amazon-provided or your own hardened AMI, or add the vendor's owner id to `ami_owner_allow_list` after review.",
         "Amazon 提供または自社で堅牢化した AMI から作り直すか、確認の上でベンダーの所有者 ID を `ami_owner_allow_list` に追加してください。"),
    refs ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AMIs.html"]);

check!(AMI_OLD, "ec2-instance-ami-deprecated-or-old", Low, "ec2",
    spec ["AUD-02"], cis [], seed ["000"],
    title ("Instance runs a deprecated or very old AMI", "非推奨または古い AMI からインスタンスが起動されている"),
    what ("Finds instances whose AMI is deprecated or older than the configured age (365 days by default).",
          "AMI が非推奨、または設定した日数(既定 365 日)より古いインスタンスを検出します。"),
    why ("Old images miss years of security updates and often an OS that is end of life.",
         "古いイメージには何年分ものセキュリティ更新が欠けており、サポート終了の OS であることも多いです。"),
    fix ("Rebuild from the latest AMI of a supported OS release and keep images fresh with EC2 Image Builder.",
         "サポート中の OS の最新 AMI から作り直し、EC2 Image Builder でイメージを継続的に更新してください。"),
    refs ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html"]);

check!(INSTANCE_NO_ROLE, "ec2-instance-no-iam-role", Medium, "ec2",
    spec ["AUD-03"], cis [], seed ["000"],
    title ("Instance has no IAM role", "インスタンスに IAM ロールが設定されていない"),
    what ("Finds running or stopped instances without an instance profile.",
          "インスタンスプロファイル(IAM ロール)のないインスタンスを検出します。"),
    why ("Without a role, software on the instance needs long-lived access keys on disk, which leak and are never rotated.",
         "ロールがないとインスタンス上のソフトウェアはディスク上の長期アクセスキーを必要とし、漏洩しやすくローテーションもされません。"),
    fix ("Attach an instance profile with the least privileges the workload needs and remove any keys from the host.",
         "必要最小限の権限を持つインスタンスプロファイルを関連付け、ホスト上のアクセスキーを削除してください。"),
    refs ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html"]);

// ------------------------------------------------------------------ AUD-04 / 07 / 08 IAM users
check!(USER_HAS_KEY, "iam-user-has-access-key", Medium, "iam",
    spec ["AUD-04"], cis [], seed ["000", "001"],
    title ("IAM user has an active access key", "IAM ユーザーが有効なアクセスキーを持っている"),
    what ("Finds IAM users with at least one active access key.",
          "有効なアクセスキーを一つ以上持つ IAM ユーザーを検出します。"),
    why ("The guideline allows no long-lived access keys: keys leak through code, laptops and logs, and a leaked key is how accounts are taken over.",
         "ガイドラインは長期アクセスキーを認めていません。キーはコード・PC・ログから漏洩し、漏洩したキーはアカウント乗っ取りの入口になります。"),
    fix ("Use roles: an instance profile on a CLI instance, or MFA-protected role sessions (`yagura creds`); then deactivate and delete the key.",
         "ロールを使ってください(CLI 用インスタンスのインスタンスプロファイル、または MFA 付きロールセッション `yagura creds`)。その後キーを無効化・削除してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles"]);

check!(KEY_UNUSED, "iam-access-key-unused", Medium, "iam",
    spec ["AUD-04", "AUD-08"], cis ["1.12"], seed ["001"],
    title ("Access key unused for too long", "アクセスキーが長期間使われていない"),
    what ("Finds active access keys not used for the configured number of days (90 by default).",
          "設定した日数(既定 90 日)使われていない有効なアクセスキーを検出します。"),
    why ("An unused key is pure risk: nobody notices when it is stolen and used.",
         "使われていないキーはリスクでしかなく、盗まれて使われても誰も気付きません。"),
    fix ("Deactivate the key, wait for complaints, then delete it.", "キーを無効化し、影響がないことを確認してから削除してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"]);

check!(KEY_NOT_ROTATED, "iam-access-key-not-rotated", Medium, "iam",
    spec ["AUD-04"], cis ["1.14"], seed ["000"],
    title ("Access key older than the rotation age", "アクセスキーがローテーション期限を超えている"),
    what ("Finds active access keys created longer ago than the rotation age (90 days by default).",
          "ローテーション期限(既定 90 日)より前に作成された有効なアクセスキーを検出します。"),
    why ("The longer a key lives, the more places it has been copied to.", "キーが長く生きるほど、多くの場所にコピーされます。"),
    fix ("Create a new key, switch the consumers over, deactivate and delete the old one; better, replace the key with a role.",
         "新しいキーを作成して利用側を切り替え、古いキーを無効化・削除してください。できればロールに置き換えてください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey"]);

check!(CONSOLE_NO_MFA, "iam-user-console-without-mfa", High, "iam",
    spec ["AUD-07"], cis ["1.10"], seed ["001", "003"],
    title ("IAM user with a console password has no MFA", "コンソールパスワードを持つ IAM ユーザーに MFA がない"),
    what ("Finds IAM users that can sign in to the console with a password but have no MFA device.",
          "パスワードでコンソールにサインインできるのに MFA デバイスがない IAM ユーザーを検出します。"),
    why ("A password alone is phished or guessed; MFA is what stops a stolen password from becoming a stolen account.",
         "パスワードだけではフィッシングや推測で破られます。盗まれたパスワードをアカウント乗っ取りにしないのが MFA です。"),
    fix ("Enable MFA for the user, and enforce it with a policy that denies everything except MFA setup while `aws:MultiFactorAuthPresent` is false.",
         "ユーザーの MFA を有効にし、`aws:MultiFactorAuthPresent` が false の間は MFA 設定以外を拒否するポリシーで強制してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html"]);

check!(USER_UNUSED, "iam-user-unused", Medium, "iam",
    spec ["AUD-08"], cis ["1.12"], seed ["001"],
    title ("IAM user not used for too long", "IAM ユーザーが長期間使われていない"),
    what ("Finds IAM users whose password and access keys were all unused for the configured number of days (90 by default).",
          "パスワードもアクセスキーも設定した日数(既定 90 日)使われていない IAM ユーザーを検出します。"),
    why ("Accounts of people who left or of forgotten tools are prime targets: nobody watches them.",
         "退職者や忘れられたツールのユーザーは誰も見ていないため格好の標的です。"),
    fix ("Remove the console password and keys of the user, or delete the user.", "ユーザーのパスワードとキーを削除するか、ユーザー自体を削除してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html"]);

// ------------------------------------------------------------------ AUD-05 admin permissions
check!(ADMIN_ATTACHED, "iam-admin-permissions-attached", High, "iam",
    spec ["AUD-05"], cis ["1.16"], seed ["000", "003"],
    title ("Administrator permissions attached", "管理者権限が付与されている"),
    what ("Finds users, groups and roles with AdministratorAccess or a policy that allows every action on every resource.",
          "AdministratorAccess、またはすべてのリソースに対するすべての操作を許可するポリシーを持つユーザー・グループ・ロールを検出します。"),
    why ("Full administrator rights turn any leaked credential into a lost account.", "完全な管理者権限があると、漏洩した認証情報一つでアカウントを失います。"),
    fix ("Grant the actions each job needs; keep administrator rights for a break-glass role that requires MFA.",
         "業務に必要な操作だけを付与し、管理者権限は MFA 必須の緊急用ロールに限ってください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"]);

check!(ROLE_ABOVE_POWER_USER, "iam-role-may-manage-iam", High, "iam",
    spec ["AUD-05", "AUD-19"], cis [], seed ["003"],
    title ("Role in a resource account may manage IAM", "リソースアカウントのロールが IAM を管理できる"),
    what ("In resource accounts of an Organization, finds roles whose effective permissions go beyond PowerUserAccess: IAM changes on every resource, or, on the escalation graph, a path to an administrator or the power to make another principal one.",
          "Organization のリソースアカウントで、実効権限が PowerUserAccess を超えるロールを検出します: すべてのリソースへの IAM の変更、または権限昇格グラフ上で管理者へのパスや他のプリンシパルを管理者にする権限です。"),
    why ("The bastion pattern keeps identities in one account; a role that may manage IAM can create users and keys outside it.",
         "踏み台アカウント方式では ID を一つのアカウントに集約します。IAM を管理できるロールはその外でユーザーやキーを作れてしまいます。"),
    fix ("Limit roles in resource accounts to PowerUserAccess or less; manage IAM through infrastructure as code from a pipeline role.",
         "リソースアカウントのロールは PowerUserAccess 以下にし、IAM はパイプラインのロールから IaC で管理してください。"),
    refs ["https://docs.aws.amazon.com/aws-managed-policy/latest/reference/PowerUserAccess.html"]);

check!(CAN_BECOME_ADMIN, "iam-principal-can-become-admin", High, "iam",
    spec ["AUD-05", "IAM-03"], cis [], seed ["000", "003"],
    title ("IAM principal can become administrator", "IAM プリンシパルが管理者になれる"),
    what ("On the escalation graph of the inventory (yagura-iam, the same as `yagura iam analyze`), finds users, groups and roles that are not administrators but can become one: assume an admin role, pass it to a service they can run, create the keys of an admin user, join an admin group, grant themselves a policy, or a chain of these. The evidence is the shortest path, each hop with the statement that allows it.",
          "インベントリの権限昇格グラフ (yagura-iam、`yagura iam analyze` と同じ) で、管理者ではないが管理者になれるユーザー・グループ・ロールを検出します: 管理者ロールの引き受け、実行できるサービスへの受け渡し、管理者ユーザーのキー作成、管理者グループへの参加、自身へのポリシー付与、またはそれらの連鎖です。証拠は最短パスで、各ホップを許可するステートメントを示します。"),
    why ("A principal that can become administrator is an administrator to whoever steals its credentials, whatever its policies look like.",
         "管理者になれるプリンシパルは、ポリシーの見た目にかかわらず、その認証情報を盗んだ者にとって管理者です。"),
    fix ("Break the first hop: scope the permission the path names to the resources it is meant for (iam:PassRole to named roles with iam:PassedToService, sts:AssumeRole to named roles), or remove it.",
         "最初のホップを断ってください: パスが示す権限を本来の対象に限定する (iam:PassRole は iam:PassedToService 付きで特定のロールに、sts:AssumeRole は特定のロールに) か、削除してください。"),
    refs ["https://pathfinding.cloud", "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege"]);

// ------------------------------------------------------------------ AUD-06 root
check!(ROOT_NO_MFA, "root-mfa-disabled", Critical, "iam",
    spec ["AUD-06"], cis ["1.5"], seed ["001"],
    title ("Root user has no MFA", "ルートユーザーに MFA が設定されていない"),
    what ("Checks that the root user has an MFA device.", "ルートユーザーに MFA デバイスがあることを確認します。"),
    why ("The root user can do everything, including closing the account; its password alone must never be enough.",
         "ルートユーザーはアカウント閉鎖を含め何でもできます。パスワードだけで使える状態であってはいけません。"),
    fix ("Sign in as root and assign an MFA device, preferably a hardware security key.",
         "ルートでサインインし、MFA デバイス(できればハードウェアセキュリティキー)を設定してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"]);

check!(ROOT_VIRTUAL_MFA, "root-mfa-not-hardware", Medium, "iam",
    spec ["AUD-06"], cis ["1.6"], seed ["001"],
    title ("Root user MFA is a virtual device", "ルートユーザーの MFA が仮想デバイスである"),
    what ("Checks that the root user's MFA is a hardware device rather than a phone app.", "ルートユーザーの MFA がスマートフォンアプリではなくハードウェアであることを確認します。"),
    why ("A virtual MFA lives on a phone that is lost, replaced or compromised with its owner.", "仮想 MFA は持ち主とともに紛失・機種変更・侵害されるスマートフォン上にあります。"),
    fix ("Register a hardware security key or TOTP token for root and keep it in a safe.", "ルート用にハードウェアキーまたは TOTP トークンを登録し、金庫に保管してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html"]);

check!(
    ROOT_KEYS,
    "root-access-key-present",
    Critical,
    "iam",
    spec["AUD-06"],
    cis["1.4"],
    seed["001"],
    title(
        "Root user has access keys",
        "ルートユーザーにアクセスキーがある"
    ),
    what(
        "Checks that the root user has no access keys.",
        "ルートユーザーにアクセスキーがないことを確認します。"
    ),
    why(
        "A root key is an unrestricted, non-expiring credential that no policy can limit.",
        "ルートのキーはどのポリシーでも制限できない、無期限で無制限の認証情報です。"
    ),
    fix(
        "Delete the root access keys; use IAM roles for automation.",
        "ルートのアクセスキーを削除し、自動化には IAM ロールを使ってください。"
    ),
    refs["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html"]
);

check!(ROOT_RECENT, "root-used-recently", High, "iam",
    spec ["AUD-06"], cis ["1.7"], seed ["001"],
    title ("Root user used recently", "ルートユーザーが最近使われた"),
    what ("Checks that the root user's password and keys were not used in the configured number of days (30 by default).",
          "ルートユーザーのパスワードとキーが設定日数(既定 30 日)以内に使われていないことを確認します。"),
    why ("Daily work as root means no least privilege and no attribution.", "日常作業をルートで行うと最小権限も操作者の特定もできません。"),
    fix ("Use IAM roles for daily work; keep root for the few tasks only root can do.", "日常作業には IAM ロールを使い、ルートはルートにしかできない作業に限ってください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html"]);

// ------------------------------------------------------------------ AUD-09 S3
check!(S3_ACCOUNT_BPA, "s3-account-public-access-block-off", High, "s3",
    spec ["AUD-09"], cis ["2.1.4"], seed ["001"],
    title ("Account-level S3 Block Public Access is not fully on", "アカウントの S3 ブロックパブリックアクセスが完全に有効ではない"),
    what ("Checks that all four account-level S3 Block Public Access settings are on.", "アカウントレベルの S3 ブロックパブリックアクセスの 4 つの設定がすべて有効か確認します。"),
    why ("Without it, one bucket policy or ACL mistake publishes data to the internet.", "これがないと、バケットポリシーや ACL の誤り一つでデータがインターネットに公開されます。"),
    fix ("Turn on all four Block Public Access settings for the account; serve public content through CloudFront instead.",
         "アカウントのブロックパブリックアクセス 4 設定をすべて有効にし、公開コンテンツは CloudFront から配信してください。"),
    refs ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html"]);

check!(S3_BUCKET_BPA, "s3-bucket-public-access-block-off", Medium, "s3",
    spec ["AUD-09"], cis ["2.1.4"], seed ["001"],
    title ("Bucket-level Block Public Access is not fully on", "バケットのブロックパブリックアクセスが完全に有効ではない"),
    what ("Checks that all four Block Public Access settings are on for each bucket (or at account level).", "各バケット(またはアカウント)で 4 つのブロックパブリックアクセス設定が有効か確認します。"),
    why ("A bucket without Block Public Access can be made public by a single policy change.", "ブロックパブリックアクセスのないバケットは一度のポリシー変更で公開されます。"),
    fix ("Turn on Block Public Access for the bucket.", "バケットのブロックパブリックアクセスを有効にしてください。"),
    refs ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-bucket.html"]);

check!(S3_POLICY_PUBLIC, "s3-bucket-policy-public", Critical, "s3",
    spec ["AUD-09"], cis [], seed ["001"],
    title ("Bucket policy grants access to everyone", "バケットポリシーが全員にアクセスを許可している"),
    what ("Finds bucket policies with an Allow statement for the principal `*` without a restricting condition.",
          "制限する条件なしにプリンシパル `*` へ Allow するバケットポリシーを検出します。"),
    why ("Anyone on the internet can read (or write) the objects.", "インターネット上の誰もがオブジェクトを読める(または書ける)状態です。"),
    fix ("Remove the public statement, or restrict it with `aws:SourceVpce`, `aws:PrincipalOrgID` or a CloudFront origin access control.",
         "公開ステートメントを削除するか、`aws:SourceVpce`・`aws:PrincipalOrgID`・CloudFront OAC で制限してください。"),
    refs ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-policy-language-overview.html"]);

check!(S3_ACL_PUBLIC, "s3-bucket-acl-public", Critical, "s3",
    spec ["AUD-09"], cis [], seed ["001"],
    title ("Bucket ACL grants access to all users", "バケット ACL が全ユーザーにアクセスを許可している"),
    what ("Finds bucket ACLs with grants to AllUsers or AuthenticatedUsers.", "AllUsers または AuthenticatedUsers に付与しているバケット ACL を検出します。"),
    why ("ACL grants to these groups make the bucket public to the internet or to every AWS customer.", "これらのグループへの付与はバケットをインターネットや全 AWS 利用者に公開します。"),
    fix ("Remove the grants and set Object Ownership to `BucketOwnerEnforced` to disable ACLs.", "付与を削除し、オブジェクト所有者を `BucketOwnerEnforced` にして ACL を無効化してください。"),
    refs ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html"]);

// ------------------------------------------------------------------ AUD-10 … AUD-18 services
check!(CONFIG_OFF, "config-not-recording", Medium, "config",
    spec ["AUD-10"], cis ["3.3"], seed ["001", "004"],
    title ("AWS Config is not recording all resources", "AWS Config がすべてのリソースを記録していない"),
    what ("Checks each region for a Config recorder that records all supported resources and is running.", "各リージョンに、すべてのリソースを記録し動作中の Config レコーダーがあるか確認します。"),
    why ("Without Config there is no configuration history: changes by an intruder cannot be seen or reconstructed.", "Config がないと設定履歴が残らず、侵入者による変更を把握も再現もできません。"),
    fix ("Enable AWS Config in every region with all supported resource types (global types in one region).", "すべてのリージョンで全リソースタイプを記録するよう AWS Config を有効にしてください(グローバルリソースは 1 リージョンで)。"),
    refs ["https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html"]);

check!(CONFIG_NO_NOTIFY, "config-no-change-notification", Low, "config",
    spec ["AUD-10"], cis [], seed ["004"],
    title ("AWS Config has no delivery channel with change notifications", "AWS Config に変更通知付きの配信チャネルがない"),
    what ("Checks each recording region for a delivery channel with an SNS topic.", "記録中の各リージョンに SNS トピック付きの配信チャネルがあるか確認します。"),
    why ("The takeover in seed 004 was noticed because Config notified a change; without a notification nobody is told.", "事例 004 の乗っ取りは Config の変更通知で気付けました。通知がなければ誰にも伝わりません。"),
    fix ("Add an SNS topic to the delivery channel and subscribe the team (or use yagura watch notifications).", "配信チャネルに SNS トピックを設定してチームを購読させてください(または yagura watch の通知を使ってください)。"),
    refs ["https://docs.aws.amazon.com/config/latest/developerguide/notifications-for-AWS-Config.html"]);

check!(INSPECTOR_OFF, "inspector-disabled", Medium, "inspector2",
    spec ["AUD-11"], cis [], seed ["001", "002"],
    title ("Amazon Inspector is not enabled", "Amazon Inspector が有効になっていない"),
    what ("Checks that Amazon Inspector scans EC2 in each region.", "各リージョンで Amazon Inspector が EC2 をスキャンしているか確認します。"),
    why ("Without vulnerability scanning, known-exploitable packages stay installed unnoticed.", "脆弱性スキャンがないと、悪用可能なパッケージが気付かれずに残ります。"),
    fix ("Enable Amazon Inspector for EC2 (or run `yagura host` on every instance).", "Amazon Inspector の EC2 スキャンを有効にしてください(または全インスタンスで `yagura host` を実行してください)。"),
    refs ["https://docs.aws.amazon.com/inspector/latest/user/getting_started_tutorial.html"]);

check!(SECURITYHUB_OFF, "securityhub-disabled", Medium, "securityhub",
    spec ["AUD-12"], cis [], seed ["001"],
    title ("Security Hub is not enabled with a standard", "Security Hub が標準付きで有効になっていない"),
    what ("Checks each region for Security Hub with at least one enabled standard.", "各リージョンで Security Hub が有効で、標準が一つ以上有効か確認します。"),
    why ("Security Hub gathers findings in one place and scores the account against a standard continuously.", "Security Hub は検出結果を集約し、標準に対する準拠状況を継続的に評価します。"),
    fix ("Enable Security Hub and the AWS Foundational Security Best Practices or CIS standard.", "Security Hub と AWS 基礎セキュリティのベストプラクティスまたは CIS 標準を有効にしてください。"),
    refs ["https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-standards.html"]);

check!(ANALYZER_OFF, "access-analyzer-disabled", Medium, "accessanalyzer",
    spec ["AUD-13"], cis ["1.20"], seed ["001"],
    title ("IAM Access Analyzer is not enabled", "IAM Access Analyzer が有効になっていない"),
    what ("Checks each region for an active IAM Access Analyzer.", "各リージョンに有効な IAM Access Analyzer があるか確認します。"),
    why ("Access Analyzer finds resources shared outside the account or organization.", "Access Analyzer はアカウントや組織の外部と共有されたリソースを見つけます。"),
    fix ("Create an analyzer (type ORGANIZATION in the management account, ACCOUNT elsewhere) in every region.", "すべてのリージョンにアナライザーを作成してください(管理アカウントでは ORGANIZATION、それ以外は ACCOUNT)。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html"]);

check!(ANALYZER_FINDING, "access-analyzer-external-access", High, "accessanalyzer",
    spec ["AUD-13"], cis [], seed ["001"],
    title ("Resource is shared outside the account", "リソースがアカウント外と共有されている"),
    what ("Reports active IAM Access Analyzer findings of external access.", "IAM Access Analyzer の外部アクセスに関する有効な検出結果を報告します。"),
    why ("An external principal can reach the resource; unless intended, that is a data leak.", "外部のプリンシパルがリソースにアクセスできます。意図したものでなければ情報漏洩です。"),
    fix ("Remove the external grant, or archive the finding with an archive rule if the sharing is intended.", "外部への許可を削除するか、意図した共有ならアーカイブルールで検出結果をアーカイブしてください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html"]);

check!(GUARDDUTY_OFF, "guardduty-disabled", High, "guardduty",
    spec ["AUD-14"], cis [], seed ["001"],
    title ("GuardDuty is not enabled", "GuardDuty が有効になっていない"),
    what ("Checks each region for an enabled GuardDuty detector.", "各リージョンに有効な GuardDuty ディテクターがあるか確認します。"),
    why ("GuardDuty detects compromised credentials and instances from CloudTrail, DNS and flow logs; attackers use the regions you do not watch.",
         "GuardDuty は CloudTrail・DNS・フローログから侵害を検出します。攻撃者は監視していないリージョンを使います。"),
    fix ("Enable GuardDuty in every region, including regions you do not use.", "使っていないリージョンも含め、すべてのリージョンで GuardDuty を有効にしてください。"),
    refs ["https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_settingup.html"]);

check!(GUARDDUTY_NO_NOTIFY, "guardduty-no-notification", Medium, "guardduty",
    spec ["AUD-14"], cis [], seed ["001"],
    title ("GuardDuty findings are not sent anywhere", "GuardDuty の検出結果がどこにも通知されていない"),
    what ("Checks each GuardDuty region for an enabled EventBridge rule on `aws.guardduty` findings filtered by severity, with a target.",
          "GuardDuty が有効な各リージョンに、重要度で絞り込んだ `aws.guardduty` の EventBridge ルールとターゲットがあるか確認します。"),
    why ("Findings nobody reads protect nobody; without a severity filter the real alarm drowns in noise.", "誰も読まない検出結果は誰も守りません。重要度で絞らないと本当の警報が埋もれます。"),
    fix ("Create an EventBridge rule with pattern `{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",7]}]}}` and an SNS or chat target.",
         "パターン `{\"source\":[\"aws.guardduty\"],\"detail\":{\"severity\":[{\"numeric\":[\">=\",7]}]}}` の EventBridge ルールを作成し、SNS やチャットに通知してください。"),
    refs ["https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html"]);

check!(ALIAS_MISSING, "account-alias-missing", Low, "iam",
    spec ["AUD-15"], cis [], seed ["001"],
    title ("Account has no alias", "アカウントエイリアスが設定されていない"),
    what ("Checks that the account has an alias.", "アカウントにエイリアスがあるか確認します。"),
    why ("Aliases make sign-in URLs, switch-role menus and reports readable, so people act on the right account.", "エイリアスによりサインイン URL・ロール切替・レポートが読みやすくなり、正しいアカウントで作業できます。"),
    fix ("Set an alias: `aws iam create-account-alias --account-alias NAME`.", "`aws iam create-account-alias --account-alias NAME` でエイリアスを設定してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/console_account-alias.html"]);

check!(BUDGET_MISSING, "budget-without-notification", Medium, "budgets",
    spec ["AUD-16"], cis [], seed ["001"],
    title ("No budget with a notification", "通知付きの予算がない"),
    what ("Checks that the account has at least one AWS Budget with a notification subscriber.", "通知先のある AWS Budgets の予算が一つ以上あるか確認します。"),
    why ("A sudden bill is often the first sign of a takeover (seed 004: large instances for mining).", "急な請求増は乗っ取りの最初の兆候であることが多いです(事例 004: マイニング用の大型インスタンス)。"),
    fix ("Create a monthly cost budget with an e-mail or SNS notification at 80% and 100%.", "80% と 100% でメールまたは SNS に通知する月次コスト予算を作成してください。"),
    refs ["https://docs.aws.amazon.com/cost-management/latest/userguide/budgets-create.html"]);

check!(ANOMALY_MISSING, "cost-anomaly-monitor-missing", Low, "ce",
    spec ["AUD-16"], cis [], seed ["001"],
    title ("No cost anomaly monitor", "コスト異常検出のモニターがない"),
    what ("Checks that Cost Anomaly Detection has at least one monitor.", "コスト異常検出のモニターが一つ以上あるか確認します。"),
    why ("Anomaly detection catches spend spikes that a fixed budget only sees at month end.", "異常検出は固定予算では月末まで分からない支出の急増を捉えます。"),
    fix ("Create a Cost Anomaly Detection monitor for AWS services with an alert subscription.", "AWS サービス単位のコスト異常検出モニターとアラート購読を作成してください。"),
    refs ["https://docs.aws.amazon.com/cost-management/latest/userguide/manage-ad.html"]);

check!(NOT_SSM_MANAGED, "ec2-instance-not-ssm-managed", Medium, "ssm",
    spec ["AUD-17"], cis [], seed ["001"],
    title ("Instance is not managed by Systems Manager", "インスタンスが Systems Manager の管理下にない"),
    what ("Finds running instances that are not registered with Systems Manager.", "Systems Manager に登録されていない実行中のインスタンスを検出します。"),
    why ("Without SSM there is no patching, inventory or Session Manager access, so people open SSH to the world instead.", "SSM がないとパッチ適用・インベントリ・セッションマネージャーが使えず、SSH を全世界に開けることになります。"),
    fix ("Attach a role with `AmazonSSMManagedInstanceCore` and make sure the SSM agent runs.", "`AmazonSSMManagedInstanceCore` を持つロールを付与し、SSM エージェントが動作していることを確認してください。"),
    refs ["https://docs.aws.amazon.com/systems-manager/latest/userguide/managed_instances.html"]);

check!(SCHEDULED_EVENT, "ec2-instance-scheduled-event", Medium, "ec2",
    spec ["AUD-18"], cis [], seed ["000", "001"],
    title ("Instance has a scheduled event", "インスタンスにスケジュールされたイベントがある"),
    what ("Reports EC2 scheduled events (retirement, reboot, maintenance) that otherwise arrive only by e-mail.", "メールでしか届かない EC2 のスケジュールされたイベント(廃止・再起動・メンテナンス)を報告します。"),
    why ("A retired instance stops on the given date; missing the mail means an outage.", "廃止されるインスタンスは指定日に停止します。メールを見逃すと障害になります。"),
    fix ("Stop and start the instance (EBS-backed) before the date to move it to healthy hardware, or replace it.", "期日前にインスタンスを停止・起動(EBS ベース)して正常なハードウェアに移すか、置き換えてください。"),
    refs ["https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instances-status-check_sched.html"]);

check!(HEALTH_EVENT, "health-event-open", Medium, "health",
    spec ["AUD-18"], cis [], seed ["001"],
    title ("Open AWS Health event affects the account", "アカウントに影響する未解決の AWS Health イベントがある"),
    what ("Reports open and upcoming AWS Health events for the account.", "アカウントに影響する未解決・予定の AWS Health イベントを報告します。"),
    why ("Health events announce maintenance and issues that need action and arrive only by e-mail.", "Health イベントは対応が必要なメンテナンスや問題を知らせますが、メールでしか届きません。"),
    fix ("Read the event in the AWS Health Dashboard and act before its deadline.", "AWS Health ダッシュボードでイベントを確認し、期限までに対応してください。"),
    refs ["https://docs.aws.amazon.com/health/latest/ug/aws-health-dashboard-status.html"]);

// ------------------------------------------------------------------ AUD-19 organizations
check!(RESOURCE_ACCOUNT_USERS, "org-resource-account-has-iam-users", High, "organizations",
    spec ["AUD-19"], cis [], seed ["003"],
    title ("Resource account holds IAM users", "リソースアカウントに IAM ユーザーがいる"),
    what ("In an Organization with an identity account, finds IAM users in other member accounts.", "ID(踏み台)アカウントのある Organization で、他のメンバーアカウントにいる IAM ユーザーを検出します。"),
    why ("Users belong in the identity account only; users elsewhere escape its MFA and offboarding.", "ユーザーは ID アカウントだけに置きます。他の場所のユーザーは MFA や退職処理の管理外になります。"),
    fix ("Move people to the identity account and let them switch roles with MFA; delete the local users.", "利用者を ID アカウントに移して MFA 付きでロールを切り替えるようにし、ローカルユーザーを削除してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-console.html"]);

check!(IDENTITY_ACCOUNT_RESOURCES, "org-identity-account-has-resources", Medium, "organizations",
    spec ["AUD-19"], cis [], seed ["003"],
    title ("Identity account holds more than users", "ID アカウントにユーザー以外のものがある"),
    what ("Finds EC2 instances and non-service roles in the identity (bastion) account.", "ID(踏み台)アカウントにある EC2 インスタンスやサービスロール以外のロールを検出します。"),
    why ("The identity account should hold only users and groups, so that its blast radius stays small.", "ID アカウントはユーザーとグループだけを置き、影響範囲を小さく保つべきです。"),
    fix ("Move workloads and their roles to resource accounts.", "ワークロードとそのロールをリソースアカウントに移してください。"),
    refs ["https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/architecture.html"]);

check!(TRUST_NO_MFA, "iam-role-cross-account-trust-without-mfa", High, "iam",
    spec ["AUD-19", "IAM-04"], cis [], seed ["003"],
    title ("Role trusts another account without requiring MFA", "ロールが MFA を要求せずに他アカウントを信頼している"),
    what ("Finds roles whose trust policy lets principals of another account assume them without `aws:MultiFactorAuthPresent` true.",
          "信頼ポリシーが `aws:MultiFactorAuthPresent` を要求せずに他アカウントのプリンシパルの引き受けを許すロールを検出します。"),
    why ("Switch-role without MFA lets a leaked key of the identity account reach every resource account.", "MFA なしのロール切替では、ID アカウントの漏洩キー一つで全リソースアカウントに到達できます。"),
    fix ("Add `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` to the trust statement (see `yagura iam bastion plan`).",
         "信頼ステートメントに `\"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}}` を追加してください(`yagura iam bastion plan` 参照)。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html"]);

// ------------------------------------------------------------------ AUD-20 CIS peers
check!(TRAIL_MULTI_REGION, "cloudtrail-multi-region-missing", High, "cloudtrail",
    spec ["AUD-20"], cis ["3.1"], seed [],
    title ("No multi-region CloudTrail trail is logging", "ログ記録中のマルチリージョン CloudTrail 証跡がない"),
    what ("Checks that at least one multi-region trail exists and is logging.", "ログ記録中のマルチリージョン証跡が一つ以上あるか確認します。"),
    why ("Without CloudTrail there is no record of who did what; attackers act in regions you do not watch.", "CloudTrail がないと誰が何をしたか記録されません。攻撃者は監視外のリージョンで活動します。"),
    fix ("Create a multi-region trail (an organization trail in the management account).", "マルチリージョン証跡(管理アカウントでは組織の証跡)を作成してください。"),
    refs ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/receive-cloudtrail-log-files-from-multiple-regions.html"]);

check!(TRAIL_VALIDATION, "cloudtrail-log-validation-off", Medium, "cloudtrail",
    spec ["AUD-20"], cis ["3.2"], seed [],
    title ("CloudTrail log file validation is off", "CloudTrail のログファイル検証が無効"),
    what ("Finds trails without log file integrity validation.", "ログファイルの整合性検証が無効な証跡を検出します。"),
    why ("Without digests, an intruder can alter or delete log files undetected.", "ダイジェストがないと侵入者がログを改ざん・削除しても分かりません。"),
    fix ("Enable log file validation on the trail.", "証跡のログファイル検証を有効にしてください。"),
    refs ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-validation-intro.html"]);

check!(PASSWORD_POLICY, "iam-password-policy-weak", Medium, "iam",
    spec ["AUD-20"], cis ["1.8", "1.9"], seed ["001"],
    title ("IAM password policy is missing or weak", "IAM パスワードポリシーがない、または弱い"),
    what ("Checks for a password policy with at least 14 characters and reuse prevention of at least 24.", "14 文字以上かつ過去 24 世代の再利用防止を求めるパスワードポリシーがあるか確認します。"),
    why ("Short, reused passwords are guessed and stuffed from other breaches.", "短いパスワードや使い回しは推測やリスト型攻撃で破られます。"),
    fix ("Set a password policy: minimum length 14, prevent reuse of the last 24 passwords.", "最小 14 文字、過去 24 世代の再利用防止のパスワードポリシーを設定してください。"),
    refs ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html"]);

// ------------------------------------------------------------------ AUD-21 managed services
check!(HTTPS_ON_INSTANCE, "ec2-https-terminated-on-instance", Low, "elbv2",
    spec ["AUD-21"], cis [], seed ["000"],
    title ("HTTPS is served directly by an instance", "インスタンスが直接 HTTPS を提供している"),
    what ("Finds instances reachable from the internet on 443 that are not behind a load balancer.", "ロードバランサーを経由せず、インターネットから 443 で到達できるインスタンスを検出します。"),
    why ("Certificates on instances expire and leak; a load balancer with ACM renews them and keeps instances private.", "インスタンス上の証明書は期限切れや漏洩が起きます。ACM 付きロードバランサーなら自動更新され、インスタンスを非公開にできます。"),
    fix ("Terminate TLS on an Application Load Balancer with an ACM certificate and close 443 on the instance's group.", "ACM 証明書付き ALB で TLS を終端し、インスタンスのグループで 443 を閉じてください。"),
    refs ["https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-https-listener.html"]);

check!(DB_ON_INSTANCE, "ec2-database-on-instance", Low, "rds",
    spec ["AUD-21"], cis [], seed ["000"],
    title ("A database seems to run on an instance", "データベースがインスタンス上で動作しているようだ"),
    what ("Finds instances whose security groups accept database ports (3306, 5432, 1433, 1521, 27017, 6379).", "セキュリティグループがデータベースのポート(3306・5432・1433・1521・27017・6379)を受け付けるインスタンスを検出します。"),
    why ("Self-run databases need patching, backups and failover by hand; RDS does them.", "自前のデータベースはパッチ・バックアップ・フェイルオーバーを手作業で行う必要があり、RDS ならそれを任せられます。"),
    fix ("Move the database to Amazon RDS or Aurora.", "データベースを Amazon RDS または Aurora に移行してください。"),
    refs ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Welcome.html"]);

check!(RDS_SINGLE_AZ, "rds-instance-single-az", Low, "rds",
    spec ["AUD-21"], cis [], seed ["000"],
    title ("RDS instance is not Multi-AZ", "RDS インスタンスがマルチ AZ ではない"),
    what ("Finds RDS instances without a Multi-AZ standby.", "マルチ AZ のスタンバイがない RDS インスタンスを検出します。"),
    why ("A single-AZ database is down for the whole of an AZ outage or a hardware failure.", "シングル AZ のデータベースは AZ 障害やハードウェア障害の間ずっと停止します。"),
    fix ("Modify the instance to Multi-AZ (production at least).", "(少なくとも本番は)インスタンスをマルチ AZ に変更してください。"),
    refs ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.MultiAZ.html"]);

check!(RDS_NO_MINOR_UPGRADE, "rds-auto-minor-upgrade-off", Low, "rds",
    spec ["AUD-21"], cis ["2.3.2"], seed ["000"],
    title ("RDS automatic minor version upgrade is off", "RDS の自動マイナーバージョンアップグレードが無効"),
    what ("Finds RDS instances without automatic minor version upgrades.", "自動マイナーバージョンアップグレードが無効な RDS インスタンスを検出します。"),
    why ("Minor versions carry security fixes; without auto upgrade they wait for someone to remember.", "マイナーバージョンにはセキュリティ修正が含まれます。自動化しないと誰かが思い出すまで適用されません。"),
    fix ("Enable auto minor version upgrade and set a maintenance window.", "自動マイナーバージョンアップグレードを有効にし、メンテナンスウィンドウを設定してください。"),
    refs ["https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.Upgrading.html"]);

/// Every audit check, in catalogue order.
pub static CHECKS: &[&CheckMeta] = &[
    &SG_ADMIN_PORT_WORLD,
    &SG_PORT_WORLD,
    &SG_UNUSED,
    &AMI_UNTRUSTED_OWNER,
    &AMI_OLD,
    &INSTANCE_NO_ROLE,
    &USER_HAS_KEY,
    &KEY_UNUSED,
    &KEY_NOT_ROTATED,
    &CONSOLE_NO_MFA,
    &USER_UNUSED,
    &ADMIN_ATTACHED,
    &CAN_BECOME_ADMIN,
    &ROLE_ABOVE_POWER_USER,
    &ROOT_NO_MFA,
    &ROOT_VIRTUAL_MFA,
    &ROOT_KEYS,
    &ROOT_RECENT,
    &S3_ACCOUNT_BPA,
    &S3_BUCKET_BPA,
    &S3_POLICY_PUBLIC,
    &S3_ACL_PUBLIC,
    &CONFIG_OFF,
    &CONFIG_NO_NOTIFY,
    &INSPECTOR_OFF,
    &SECURITYHUB_OFF,
    &ANALYZER_OFF,
    &ANALYZER_FINDING,
    &GUARDDUTY_OFF,
    &GUARDDUTY_NO_NOTIFY,
    &ALIAS_MISSING,
    &BUDGET_MISSING,
    &ANOMALY_MISSING,
    &NOT_SSM_MANAGED,
    &SCHEDULED_EVENT,
    &HEALTH_EVENT,
    &RESOURCE_ACCOUNT_USERS,
    &IDENTITY_ACCOUNT_RESOURCES,
    &TRUST_NO_MFA,
    &TRAIL_MULTI_REGION,
    &TRAIL_VALIDATION,
    &PASSWORD_POLICY,
    &HTTPS_ON_INSTANCE,
    &DB_ON_INSTANCE,
    &RDS_SINGLE_AZ,
    &RDS_NO_MINOR_UPGRADE,
];
