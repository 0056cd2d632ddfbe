//! What the runner hands a check besides the account: a region with the indexes its checks
//! share (built once, on first use), and an IAM principal with its policies' facts (judged
//! once, on first use, by whichever check asks first).

use crate::data;
use crate::policy::PrincipalFacts;
use crate::run::{Cx, Kind, Missing};
use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use yagura_inventory::{
    AttachedPolicy, CollectError, Image, InlinePolicy, Region, Role, SecurityGroup,
};

/// The region of account-wide subjects.
pub(crate) const GLOBAL: &str = "global";

/// A region of the account, with lazily built indexes.
pub(crate) struct Reg<'a> {
    pub region: &'a Region,
    in_use: OnceCell<BTreeSet<&'a str>>,
    groups: OnceCell<BTreeMap<&'a str, &'a SecurityGroup>>,
    images: OnceCell<BTreeMap<&'a str, &'a Image>>,
    lb_targets: OnceCell<BTreeSet<&'a str>>,
    ssm: OnceCell<BTreeSet<&'a str>>,
}

impl<'a> Reg<'a> {
    pub fn new(region: &'a Region) -> Reg<'a> {
        Reg {
            region,
            in_use: OnceCell::new(),
            groups: OnceCell::new(),
            images: OnceCell::new(),
            lb_targets: OnceCell::new(),
            ssm: OnceCell::new(),
        }
    }

    pub fn name(&self) -> &'a str {
        &self.region.name
    }

    /// Whether security group `id` is attached to a network interface; `None` when that could
    /// not be read.
    pub fn in_use(&self, cx: &Cx<'_>, id: &str) -> Result<Option<bool>, Missing> {
        let Ok(list) = cx.read_in(&data::GROUPS_IN_USE, self.region)? else {
            return Ok(None);
        };
        let set = self
            .in_use
            .get_or_init(|| list.iter().map(String::as_str).collect());
        Ok(Some(set.contains(id)))
    }

    /// The region's security groups by id; missing (UNKNOWN) when they could not be read: an
    /// instance whose groups are unknown is not judged, and says so (a silent omission would
    /// read as "fixed" in the next run's diff).
    pub fn groups(&self, cx: &Cx<'_>) -> Result<&BTreeMap<&'a str, &'a SecurityGroup>, Missing> {
        let list = cx.need_in(&data::SECURITY_GROUPS, self.region)?;
        Ok(self
            .groups
            .get_or_init(|| list.iter().map(|g| (g.id.as_str(), g)).collect()))
    }

    /// The image `id`; missing when the images could not be read or this one is not visible.
    pub fn image(&self, cx: &Cx<'_>, id: &str) -> Result<&'a Image, Missing> {
        let list = cx.need_in(&data::IMAGES, self.region)?;
        let map = self
            .images
            .get_or_init(|| list.iter().map(|i| (i.id.as_str(), i)).collect());
        map.get(id).copied().ok_or_else(|| {
            Missing::new(CollectError::new(
                "ec2:DescribeImages",
                "ImageNotFound",
                &format!("image {id} is deregistered or not visible to this account"),
            ))
        })
    }

    /// The instances registered behind a load balancer.
    pub fn lb_targets(&self, cx: &Cx<'_>) -> Result<&BTreeSet<&'a str>, Missing> {
        let lbs = cx.need_in(&data::LOAD_BALANCERS, self.region)?;
        Ok(self.lb_targets.get_or_init(|| {
            lbs.iter()
                .flat_map(|l| l.targets.iter().map(String::as_str))
                .collect()
        }))
    }

    /// The instances managed by Systems Manager.
    pub fn ssm_managed(&self, cx: &Cx<'_>) -> Result<&BTreeSet<&'a str>, Missing> {
        let ids = cx.need_in(&data::SSM_MANAGED, self.region)?;
        Ok(self
            .ssm
            .get_or_init(|| ids.iter().map(String::as_str).collect()))
    }
}

/// A user, group or role with its policies.
pub(crate) struct Principal<'a> {
    pub kind: Kind,
    pub name: &'a str,
    pub arn: &'a str,
    pub attached: &'a [AttachedPolicy],
    pub inline: &'a [InlinePolicy],
    /// The role, for a role.
    pub role: Option<&'a Role>,
    facts: OnceCell<PrincipalFacts>,
}

impl<'a> Principal<'a> {
    pub fn new(
        kind: Kind,
        name: &'a str,
        arn: &'a str,
        attached: &'a [AttachedPolicy],
        inline: &'a [InlinePolicy],
        role: Option<&'a Role>,
    ) -> Principal<'a> {
        Principal {
            kind,
            name,
            arn,
            attached,
            inline,
            role,
            facts: OnceCell::new(),
        }
    }

    /// `user`, `group` or `role`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }

    /// [`Self::kind_name`] in Japanese (the IAM console's words).
    pub fn kind_name_ja(&self) -> &'static str {
        match self.kind {
            Kind::User => "ユーザー",
            Kind::Group => "グループ",
            Kind::Role => "ロール",
        }
    }

    /// What the principal's policies grant (`iam.policies` must be declared).
    pub fn facts(&self, cx: &mut Cx<'a>) -> Result<&PrincipalFacts, Missing> {
        cx.declared(&data::POLICIES)?;
        Ok(self
            .facts
            .get_or_init(|| cx.docs.principal(self.attached, self.inline)))
    }
}
