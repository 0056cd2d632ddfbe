//! The tags of the resources the findings name (for exceptions that match tags): IAM users and
//! roles, security groups, EC2 instances and RDS instances, by the resource name the runner
//! gives their findings. Other subjects (accounts, regions, buckets, credential report rows)
//! have no tags in the inventory.

use std::collections::HashMap;
use yagura_inventory::{Account, Inventory, Tags};

/// The partition of an account's ARNs (`aws` when the inventory does not say).
pub(crate) fn partition(account: &Account) -> &str {
    if account.partition.is_empty() {
        "aws"
    } else {
        &account.partition
    }
}

/// `arn:PARTITION:ec2:REGION:ACCOUNT:KIND/ID`, the resource name of an EC2 subject.
pub(crate) fn ec2_arn(account: &Account, region: &str, kind: &str, id: &str) -> String {
    // Pieces joined: this runs once per instance and security group of an estate, and
    // `format!` cost several times as much.
    [
        "arn:",
        partition(account),
        ":ec2:",
        region,
        ":",
        account.account_id.as_str(),
        ":",
        kind,
        "/",
        id,
    ]
    .concat()
}

/// Resource name → tags, for every tagged subject of the inventory.
pub fn resource_tags(inventory: &Inventory) -> HashMap<String, &Tags> {
    let mut out = HashMap::new();
    for a in &inventory.accounts {
        for u in a.iam.users.as_ref().into_iter().flatten() {
            out.insert(u.arn.clone(), &u.tags);
        }
        for r in a.iam.roles.as_ref().into_iter().flatten() {
            out.insert(r.arn.clone(), &r.tags);
        }
        for reg in &a.regions {
            let name = reg.name.as_str();
            for g in reg.ec2.security_groups.as_ref().into_iter().flatten() {
                out.insert(ec2_arn(a, name, "security-group", &g.id), &g.tags);
            }
            for i in reg.ec2.instances.as_ref().into_iter().flatten() {
                out.insert(ec2_arn(a, name, "instance", &i.id), &i.tags);
            }
            for db in reg.rds.as_ref().into_iter().flatten() {
                out.insert(db.arn.clone(), &db.tags);
            }
        }
    }
    out
}
