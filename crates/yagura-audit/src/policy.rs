//! Policy questions of the audit, answered by `yagura-iam`'s `facts` once per distinct document
//! of an account (managed policies by ARN, inline policies by text); a principal's answer
//! combines its documents' answers with bit operations.

use yagura_iam::facts::{self, PolicyFacts, TrustVerdict};
use yagura_iam::Policy;
use yagura_inventory::{AttachedPolicy, CollectError, Iam, InlinePolicy};

/// Maps keyed by inventory strings hash with foldhash (randomly seeded), not SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A policy document's answers to the audit's questions, or why it could not be read.
pub(crate) type DocFacts = Result<PolicyFacts, CollectError>;

/// A document that does not parse, as the reason a check is UNKNOWN.
pub(crate) fn policy_error(e: &yagura_iam::Error) -> CollectError {
    CollectError::new("policy", "InvalidPolicyDocument", &e.to_string())
}

fn doc_facts(source: &str, text: &str) -> DocFacts {
    Policy::parse(source, text)
        .map(|p| PolicyFacts::of(&p))
        .map_err(|e| policy_error(&e))
}

/// What a principal's policies grant together.
pub(crate) struct PrincipalFacts {
    pub all: PolicyFacts,
    /// The policy that makes the principal an administrator, if one does.
    pub admin_by: Option<String>,
    /// Administrator by `*` on `*` (or AdministratorAccess by name), not only by the power to
    /// grant itself anything (IAMFullAccess).
    pub full_admin: bool,
    /// Why a document could not be judged, when one could not.
    pub unreadable: Option<CollectError>,
}

/// The account's policy documents and the facts judged so far.
pub(crate) struct Docs<'a> {
    iam: &'a Iam,
    managed: Option<Result<HashMap<&'a str, &'a str>, &'a CollectError>>,
    managed_facts: HashMap<&'a str, DocFacts>,
    inline_facts: HashMap<&'a str, DocFacts>,
    trust: HashMap<&'a str, Result<TrustVerdict, CollectError>>,
    kms_decrypt: HashMap<&'a str, Result<Vec<&'static str>, CollectError>>,
}

impl<'a> Docs<'a> {
    pub fn new(iam: &'a Iam) -> Docs<'a> {
        Docs {
            iam,
            managed: None,
            managed_facts: HashMap::default(),
            inline_facts: HashMap::default(),
            trust: HashMap::default(),
            kms_decrypt: HashMap::default(),
        }
    }

    /// The KMS decryption actions an identity policy may allow on every key of the account
    /// ([`facts::kms_decrypt_on_all_keys`]), judged once per distinct document.
    pub fn kms_decrypt(
        &mut self,
        doc: &'a str,
        own_account: &str,
        partition: &str,
    ) -> &Result<Vec<&'static str>, CollectError> {
        self.kms_decrypt.entry(doc).or_insert_with(|| {
            Policy::parse("policy", doc)
                .map(|p| facts::kms_decrypt_on_all_keys(&p, own_account, partition))
                .map_err(|e| policy_error(&e))
        })
    }

    /// Whether a role with this trust policy may be assumed from another account without MFA.
    /// A trust policy has no `Resource`, so its verdict depends on its text only: judged once.
    pub fn trust(
        &mut self,
        policy: &'a str,
        own_account: &str,
        role_arn: &str,
    ) -> &Result<TrustVerdict, CollectError> {
        self.trust.entry(policy).or_insert_with(|| {
            Policy::parse("trust policy", policy)
                .map(|p| facts::cross_account_trust(&p, own_account, role_arn))
                .map_err(|e| policy_error(&e))
        })
    }

    /// The facts of a principal with these policies.
    pub fn principal(
        &mut self,
        attached: &'a [AttachedPolicy],
        inline: &'a [InlinePolicy],
    ) -> PrincipalFacts {
        let iam = self.iam;
        // Managed policy ARN → document; each document is parsed and judged once, on first use.
        let docs = self.managed.get_or_insert_with(|| {
            iam.policies.as_ref().map(|ps| {
                ps.iter()
                    .map(|p| (p.arn.as_str(), p.document.as_str()))
                    .collect()
            })
        });
        let mut all = PolicyFacts::default();
        let mut admin_by_name: Option<&str> = None;
        let mut unreadable: Option<CollectError> = None;
        for p in attached {
            match docs {
                Ok(d) => match d.get(p.arn.as_str()) {
                    Some(text) => {
                        let f = self
                            .managed_facts
                            .entry(p.arn.as_str())
                            .or_insert_with(|| doc_facts(&p.arn, text));
                        match f {
                            Ok(f) => all = all.union(*f),
                            Err(e) => unreadable = Some(e.clone()),
                        }
                    }
                    // The document was not collected: only the name can tell.
                    None if p.arn.ends_with(":policy/AdministratorAccess") => {
                        admin_by_name = Some(&p.name)
                    }
                    None => unreadable = Some(not_collected(p)),
                },
                Err(e) => {
                    if p.arn.ends_with(":policy/AdministratorAccess") {
                        admin_by_name = Some(&p.name);
                    }
                    unreadable = Some((*e).clone());
                }
            }
        }
        for p in inline {
            let f = self
                .inline_facts
                .entry(p.document.as_str())
                .or_insert_with(|| doc_facts("inline policy", &p.document));
            match f {
                Ok(f) => all = all.union(*f),
                Err(e) => {
                    unreadable = Some(CollectError {
                        message: format!("inline policy `{}`: {}", p.name, e.message),
                        ..e.clone()
                    })
                }
            }
        }
        let admin_by = if let Some(n) = admin_by_name {
            Some(n.to_string())
        } else if facts::is_admin(all.granted()) {
            Some(self.admin_through(attached, inline, all))
        } else {
            None
        };
        PrincipalFacts {
            all,
            full_admin: admin_by_name.is_some() || facts::is_full_admin(all.granted()),
            admin_by,
            unreadable,
        }
    }

    /// Names the policy that makes a principal admin-equivalent: the first one that does on
    /// its own (with the denies of all its policies), else the policies that do together.
    fn admin_through(
        &self,
        attached: &[AttachedPolicy],
        inline: &[InlinePolicy],
        all: PolicyFacts,
    ) -> String {
        let alone = |f: Option<&DocFacts>| {
            f.and_then(|f| f.as_ref().ok())
                .is_some_and(|f| facts::is_admin(f.allow & !all.deny))
        };
        for p in attached {
            if alone(self.managed_facts.get(p.arn.as_str())) {
                return p.name.clone();
            }
        }
        for p in inline {
            if alone(self.inline_facts.get(p.document.as_str())) {
                return format!("{} (inline)", p.name);
            }
        }
        let names: Vec<String> = attached
            .iter()
            .map(|p| p.name.clone())
            .chain(inline.iter().map(|p| format!("{} (inline)", p.name)))
            .collect();
        names.join(" + ")
    }
}

/// An attached policy whose document the collector did not read.
fn not_collected(p: &AttachedPolicy) -> CollectError {
    // AWS managed policies are read apart from the account's own.
    let op = if p.arn.contains(":iam::aws:policy/") {
        "iam:ListPolicies"
    } else {
        "iam:GetAccountAuthorizationDetails"
    };
    CollectError::new(
        op,
        "MissingPolicy",
        &format!(
            "the document of attached policy `{}` was not collected",
            p.arn
        ),
    )
}
