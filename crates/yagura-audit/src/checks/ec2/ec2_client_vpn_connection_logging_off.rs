use crate::checks::prelude::*;

declare_check! {
    pub static META = "ec2-client-vpn-connection-logging-off" {
        severity: Low,
        service: "ec2",
        spec: ["AUD-03"],
        compliance: {
            "aws-fsbp": ["EC2.51"],
        },
        needs: [data::CLIENT_VPN_ENDPOINTS.name],
        title: ("Client VPN endpoint does not log client connections",
            "クライアント VPN エンドポイントがクライアント接続をログに記録しない"),
        what: ("Finds Client VPN endpoints (not deleted) whose client connection logging (`ConnectionLogOptions.Enabled`) is off.",
            "クライアント接続ログ(`ConnectionLogOptions.Enabled`)が無効な クライアント VPN エンドポイント(削除済みでないもの)を検出します。"),
        why: ("Without connection logs nobody can tell who connected to the network from where and when, during an incident or afterwards.",
            "接続ログがないと、インシデントの最中にも後からも、誰がいつどこからネットワークに接続したのかわかりません。"),
        fix: ("Turn connection logging on with a CloudWatch Logs group: `aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id ID --connection-log-options Enabled=true,CloudwatchLogGroup=GROUP`.",
            "CloudWatch Logs のロググループを指定して接続ログを有効にしてください(`aws ec2 modify-client-vpn-endpoint --client-vpn-endpoint-id ID --connection-log-options Enabled=true,CloudwatchLogGroup=GROUP`)。"),
        references: ["https://docs.aws.amazon.com/vpn/latest/clientvpn-admin/connection-logging.html"],
    }
}

pub(crate) static CHECK: Check = Check {
    meta: &META,
    eval: Eval::Region("ec2", eval),
};

fn eval(cx: &mut Cx<'_>, reg: &Reg<'_>, _at: At<'_>) -> Outcome {
    let endpoints = cx.need_in(&data::CLIENT_VPN_ENDPOINTS, reg.region)?;
    let (partition, account) = (cx.partition(), cx.account.account_id.as_str());
    let region = reg.name();
    for e in endpoints.iter().filter(|e| !e.status.starts_with("delet")) {
        let arn = format!(
            "arn:{partition}:ec2:{region}:{account}:client-vpn-endpoint/{}",
            e.id
        );
        let at = At {
            resource: &arn,
            region,
        };
        if e.connection_logging {
            cx.emit(
                at,
                Status::Pass,
                text!(
                    "connection logging is on for Client VPN endpoint {e}",
                    "クライアント VPN エンドポイント {e} はクライアント接続をログに記録します",
                    e = e.id
                ),
            );
        } else {
            cx.emit(
                at,
                Status::Fail,
                text!(
                    "connection logging is off for Client VPN endpoint {e}",
                    "クライアント VPN エンドポイント {e} はクライアント接続をログに記録しません",
                    e = e.id
                ),
            );
        }
    }
    Ok(())
}
