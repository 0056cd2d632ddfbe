use crate::checks::prelude::*;
use yagura_inventory::{Collected, KmsKey};

declare_check! {
    pub static META = "kms-key-rotation-off" {
        severity: Medium,
        service: "kms",
        spec: ["AUD-21"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.6"],
            "cis-aws-foundations-7.0": ["4.6"],
            "aws-fsbp": ["KMS.4"],
        },
        needs: [data::KMS_KEYS.name],
        title: ("KMS key without automatic rotation",
            "自動ローテーションが無効な KMS キー"),
        what: ("Finds enabled customer managed symmetric KMS keys (key material from KMS) whose automatic key rotation is off.",
            "自動キーローテーションが無効な、有効状態のカスタマー管理の対称 KMS キー(キーマテリアルは KMS が生成)を検出します。"),
        why: ("Key material that never changes protects ever more data: a leaked or broken key exposes everything it ever encrypted, and the key's cryptoperiod grows without limit.",
            "キーマテリアルが変わらないと、保護するデータは増え続けます。漏えい・破られたキーはそれまでに暗号化したすべてを危険にさらし、暗号期間に上限がなくなります。"),
        fix: ("Turn on automatic rotation for the key (`aws kms enable-key-rotation --key-id KEY`, yearly by default); data encrypted earlier stays readable.",
            "キーの自動ローテーションを有効にしてください(`aws kms enable-key-rotation --key-id KEY`、既定は 1 年ごと)。以前に暗号化したデータも引き続き読めます。"),
        references: ["https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("kms", eval),
};

/// The keys CIS asks about ([`KmsKey::rotation_applies`]), and those that could not be
/// described (empty manager, the error as their rotation): their answer is unknown.
fn judged(k: &KmsKey) -> bool {
    k.manager.is_empty() || k.rotation_applies()
}

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let keys = cx.need_in(&data::KMS_KEYS, reg.region)?;
    let region = reg.name();
    for k in keys.iter().filter(|k| judged(k)) {
        let at = At {
            resource: &k.arn,
            region,
        };
        match &k.rotation {
            Some(Collected::Ok(true)) => cx.emit(
                at,
                Status::Pass,
                msg!(
                    "KMS key {k} rotates automatically",
                    "KMS キー {k} は自動ローテーションが有効です",
                    k = k.id
                ),
            ),
            Some(Collected::Ok(false)) => cx.emit(
                at,
                Status::Fail,
                msg!(
                    "KMS key {k} does not rotate automatically",
                    "KMS キー {k} は自動ローテーションが無効です",
                    k = k.id
                ),
            ),
            Some(Collected::Error(e)) => cx.unknown_on(at, e.clone()),
            None => cx.unknown_on(
                at,
                yagura_inventory::CollectError::new(
                    "kms:GetKeyRotationStatus",
                    "NotCollected",
                    "the key's rotation was not collected",
                ),
            ),
        }
    }
    Ok(())
}
