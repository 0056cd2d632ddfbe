use super::s3_object_logging;
use crate::checks::prelude::*;

declare_check! {
    pub static META = "cloudtrail-s3-object-writes-not-logged" {
        severity: Low,
        service: "cloudtrail",
        spec: ["AUD-20"],
        compliance: {
            "cis-aws-foundations-3.0": ["3.8"],
            "cis-aws-foundations-7.0": ["4.8"],
        },
        needs: [data::CLOUDTRAIL.name],
        title: ("S3 object-level write events are not logged",
            "S3 オブジェクトレベルの書き込みイベントが記録されていない"),
        what: ("Finds accounts where no logging multi-region trail records the S3 object-level write events (PutObject and DeleteObject) of every bucket, by basic or advanced event selectors.",
            "基本またはアドバンストイベントセレクターで、すべてのバケットの S3 オブジェクトレベルの書き込みイベント(PutObject と DeleteObject)を記録しているマルチリージョン証跡がないアカウントを検出します。"),
        why: ("Management events do not show who writes which object: after a leak or a tampering there is no record of the objects touched or of the caller.",
            "管理イベントには、誰がどのオブジェクトを書き込みしたかは残りません。漏えいや改ざんの後、触れられたオブジェクトも呼び出し元も追えません。"),
        fix: ("Add a data event selector for AWS::S3::Object on all buckets (write or all events) to a multi-region trail.",
            "マルチリージョン証跡に、すべてのバケットの AWS::S3::Object を対象とするデータイベントセレクター(書き込みまたはすべてのイベント)を追加してください。"),
        references: ["https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Account(eval),
};

fn eval(cx: &mut Cx<'_>, at: At<'_>) -> Outcome {
    s3_object_logging(cx, at, |e| e.write, ("write", "書き込み"))
}
