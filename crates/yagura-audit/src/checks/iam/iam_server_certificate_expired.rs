use crate::checks::prelude::*;

declare_check! {
    pub static META = "iam-server-certificate-expired" {
        severity: Low,
        service: "iam",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.19"],
            "cis-aws-foundations-7.0": ["2.17"],
            "aws-fsbp": ["IAM.26"],
        },
        needs: [data::SERVER_CERTIFICATES.name],
        title: ("Expired server certificate stored in IAM",
            "期限切れのサーバー証明書が IAM に保存されている"),
        what: ("Finds SSL/TLS server certificates stored in IAM whose expiration has passed.",
            "IAM に保存された SSL/TLS サーバー証明書のうち、有効期限が過ぎたものを検出します。"),
        why: ("An expired certificate deployed by mistake to a load balancer or CloudFront breaks the service and teaches users to click through warnings.",
            "期限切れの証明書を誤ってロードバランサーや CloudFront に設定するとサービスが止まり、利用者が警告を無視する習慣がつきます。"),
        fix: ("Delete the expired certificates (`aws iam delete-server-certificate`); prefer ACM, which renews certificates itself.",
            "期限切れの証明書を削除してください(`aws iam delete-server-certificate`)。自動更新される ACM の利用をお勧めします。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    let now = cx.cfg.now;
    let certs = cx.need(&data::SERVER_CERTIFICATES)?;
    if certs.is_empty() {
        let msg = msg!(
            "no server certificate is stored in IAM",
            "IAM にサーバー証明書は保存されていません"
        );
        cx.emit(at, Status::Pass, msg);
    }
    for c in certs {
        let at = At {
            resource: &c.arn,
            region: GLOBAL,
        };
        let expires = c
            .expiration
            .as_deref()
            .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok());
        let n = &c.name;
        match expires {
            Some(t) if t <= now => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "server certificate `{n}` expired on {d}",
                    "サーバー証明書 `{n}` は {d} に期限切れになりました",
                    n = n,
                    d = c.expiration.as_deref().unwrap_or_default()
                ),
            ),
            Some(_) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "server certificate `{n}` has not expired",
                    "サーバー証明書 `{n}` は期限内です",
                    n = n
                ),
            ),
            None => cx.emit(
                at,
                Status::Unknown,
                msg!(
                    "server certificate `{n}` has no readable expiration date",
                    "サーバー証明書 `{n}` の有効期限を読み取れません",
                    n = n
                ),
            ),
        }
    }
    Ok(())
}
