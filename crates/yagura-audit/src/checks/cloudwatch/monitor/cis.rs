//! The events CIS AWS Foundations (v3.0 section 4, v7.0 section 5) wants an alarm on, with the
//! metric filter patterns it publishes for them — declared once, here.

/// One monitored kind of event.
pub(in crate::checks) struct Watched {
    /// What is watched, in English and Japanese (`root user activity`).
    pub what: (&'static str, &'static str),
    /// The patterns CIS publishes for it; a filter that covers one of them will do.
    pub patterns: &'static [&'static str],
}

/// Index into [`CIS`] by name, for the check files.
pub(in crate::checks) mod at {
    pub const UNAUTHORIZED_API_CALLS: usize = 0;
    pub const CONSOLE_SIGNIN_WITHOUT_MFA: usize = 1;
    pub const ROOT_USAGE: usize = 2;
    pub const IAM_POLICY_CHANGES: usize = 3;
    pub const CLOUDTRAIL_CHANGES: usize = 4;
    pub const CONSOLE_AUTH_FAILURES: usize = 5;
    pub const CMK_DISABLE_OR_DELETION: usize = 6;
    pub const S3_BUCKET_POLICY_CHANGES: usize = 7;
    pub const CONFIG_CHANGES: usize = 8;
    pub const SECURITY_GROUP_CHANGES: usize = 9;
    pub const NACL_CHANGES: usize = 10;
    pub const NETWORK_GATEWAY_CHANGES: usize = 11;
    pub const ROUTE_TABLE_CHANGES: usize = 12;
    pub const VPC_CHANGES: usize = 13;
    pub const ORGANIZATIONS_CHANGES: usize = 14;
}

pub(in crate::checks) static CIS: [Watched; 15] = [
    Watched {
        what: ("unauthorized API calls", "不正な API 呼び出し"),
        patterns: &[
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        ],
    },
    Watched {
        what: ("console sign-in without MFA", "MFA なしのコンソールサインイン"),
        patterns: &[
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#,
            r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        ],
    },
    Watched {
        what: ("root user activity", "ルートユーザーの利用"),
        patterns: &[
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        ],
    },
    Watched {
        what: ("IAM policy changes", "IAM ポリシーの変更"),
        patterns: &[
            "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
        ],
    },
    Watched {
        what: ("CloudTrail configuration changes", "CloudTrail の設定変更"),
        patterns: &[
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        ],
    },
    Watched {
        what: ("console authentication failures", "コンソールの認証失敗"),
        patterns: &[r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#],
    },
    Watched {
        what: ("disabling or scheduled deletion of customer managed keys", "カスタマー管理キーの無効化・削除予定"),
        patterns: &[
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        ],
    },
    Watched {
        what: ("S3 bucket policy changes", "S3 バケットポリシーの変更"),
        patterns: &[
            "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        ],
    },
    Watched {
        what: ("AWS Config configuration changes", "AWS Config の設定変更"),
        patterns: &[
            "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
        ],
    },
    Watched {
        what: ("security group changes", "セキュリティグループの変更"),
        patterns: &[
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        ],
    },
    Watched {
        what: ("network ACL changes", "ネットワーク ACL の変更"),
        patterns: &[
            "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        ],
    },
    Watched {
        what: ("network gateway changes", "ネットワークゲートウェイの変更"),
        patterns: &[
            "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        ],
    },
    Watched {
        what: ("route table changes", "ルートテーブルの変更"),
        patterns: &[
            "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
        ],
    },
    Watched {
        what: ("VPC changes", "VPC の変更"),
        patterns: &[
            "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        ],
    },
    Watched {
        what: ("AWS Organizations changes", "AWS Organizations の変更"),
        patterns: &[
            r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
        ],
    },
];

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::CIS;
    use crate::metric_filter::Pattern;

    #[test]
    fn every_cis_pattern_parses_and_covers_itself() {
        for w in &CIS {
            for p in w.patterns {
                let parsed = Pattern::parse(p).expect(p);
                assert!(parsed.covers(&parsed), "{p}");
            }
        }
    }
}
