use crate::checks::prelude::*;

declare_check! {
    pub static META = "root-mfa-not-hardware" {
        severity: Medium,
        service: "iam",
        spec: ["AUD-06"],
        compliance: {
            "cis-aws-foundations-3.0": ["1.6"],
            "cis-aws-foundations-7.0": ["2.6"],
            "aws-fsbp": ["IAM.6"],
            "yagura-guideline": ["001"],
        },
        needs: [data::SUMMARY.name, data::VIRTUAL_MFA.name],
        title: ("Root user MFA is a virtual device",
            "ルートユーザーの MFA が仮想デバイスである"),
        what: ("Checks that the root user's MFA is a hardware device rather than a phone app.",
            "ルートユーザーの MFA がスマートフォンアプリではなくハードウェアであることを確認します。"),
        why: ("A virtual MFA lives on a phone that is lost, replaced or compromised with its owner.",
            "仮想 MFA は持ち主とともに紛失・機種変更・侵害されるスマートフォン上にあります。"),
        fix: ("Register a hardware security key or TOTP token for root and keep it in a safe.",
            "ルート用にハードウェアキーまたは TOTP トークンを登録し、金庫に保管してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    // Without MFA there is no device to judge: `root-mfa-disabled` fails.
    if !cx.need(&data::SUMMARY)?.account_mfa_enabled {
        return Ok(());
    }
    let virt = cx
        .need(&data::VIRTUAL_MFA)?
        .iter()
        .any(|d| d.user_arn.as_deref().is_some_and(|u| u.ends_with(":root")));
    if virt {
        let msg = msg!(
            "the root user's MFA is a virtual device",
            "ルートユーザーの MFA は仮想デバイスです"
        );
        cx.emit(at, Status::Fail, msg);
    } else {
        let msg = msg!(
            "the root user's MFA is a hardware device",
            "ルートユーザーの MFA はハードウェアデバイスです"
        );
        cx.emit(at, Status::Pass, msg);
    }
    Ok(())
}
