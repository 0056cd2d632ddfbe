use crate::checks::prelude::*;
use yagura_inventory::SecurityGroup;

declare_check! {
    pub static META = "security-group-unused" {
        severity: Info,
        service: "ec2",
        spec: ["AUD-01"],
        compliance: {
            "cis-aws-foundations-3.0": [],
            "aws-fsbp": ["EC2.22"],
            "yagura-guideline": ["000"],
        },
        needs: [data::SECURITY_GROUPS.name, data::GROUPS_IN_USE.name],
        title: ("Security group is not attached to anything",
            "セキュリティグループがどこにも関連付けられていない"),
        what: ("Finds security groups attached to no network interface.",
            "どのネットワークインターフェースにも関連付けられていないセキュリティグループを検出します。"),
        why: ("Unused groups clutter reviews and are attached later by mistake, bringing forgotten open rules with them.",
            "使われていないグループはレビューを煩雑にし、後で誤って関連付けられると忘れられた開放ルールが復活します。"),
        fix: ("Delete security groups that nothing uses (the default group of a VPC cannot be deleted: remove its rules instead).",
            "使われていないセキュリティグループを削除してください(VPC のデフォルトグループは削除できないためルールを削除してください)。"),
        references: ["https://docs.aws.amazon.com/vpc/latest/userguide/working-with-security-groups.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::SecurityGroup(eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, g: &SecurityGroup, at: At<'_>) -> Outcome {
    match reg.in_use(cx, &g.id)? {
        Some(false) if g.name != "default" => cx.emit(
            at,
            Status::Fail,
            msg!(
            "security group {g} is attached to no network interface",
            "セキュリティグループ {g} はどのネットワークインターフェースにも関連付けられていません",
            g = g.id
        ),
        ),
        Some(_) => cx.emit(
            at,
            Status::Pass,
            msg!(
                "security group {g} is in use or is a VPC default group",
                "セキュリティグループ {g} は使用中か VPC のデフォルトグループです",
                g = g.id
            ),
        ),
        None => {
            cx.need_in(&data::GROUPS_IN_USE, reg.region)?;
        }
    }
    Ok(())
}
