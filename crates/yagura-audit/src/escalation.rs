//! The inventory's escalation graph (yagura-iam's, the one `yagura iam analyze
//! --from-inventory` builds, with every account at once so cross-account trusts are edges),
//! built once per evaluation (by `evaluate`'s second thread; by the first check that asks
//! otherwise, another thread asking meanwhile waiting for it).

use std::hash::BuildHasher;
use std::sync::OnceLock;
use yagura_iam::graph::{Extra, Graph};
use yagura_inventory::Inventory;

/// Maps keyed by inventory strings hash with foldhash (randomly seeded), not SipHash.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// The graph and its nodes by ARN, or why it could not be built.
type Built = Result<Ready, String>;

/// A built graph, its nodes by ARN, and per account id why some of its permissions are unknown
/// (policies that could not be read or parsed: a path through them cannot be ruled out).
struct Ready {
    graph: Graph,
    nodes: Nodes,
    unreadable: HashMap<String, String>,
}

/// The graph's nodes by ARN without a copy of each ARN: by the ARN's hash, the node's own ARN
/// deciding; the rare other ARN with a hash already taken is kept whole. A repeated ARN names
/// its last node.
#[derive(Default)]
struct Nodes {
    hasher: foldhash::fast::RandomState,
    by_hash: HashMap<u64, usize>,
    collided: HashMap<String, usize>,
}

impl Nodes {
    fn new(g: &Graph) -> Nodes {
        let mut out = Nodes {
            by_hash: HashMap::with_capacity_and_hasher(g.nodes.len(), Default::default()),
            ..Nodes::default()
        };
        for (i, n) in g.nodes.iter().enumerate() {
            let h = out.hasher.hash_one(n.arn.as_str());
            match out.by_hash.get(&h) {
                Some(&j) if g.nodes[j].arn != n.arn => {
                    out.collided.insert(n.arn.clone(), i);
                }
                _ => {
                    out.by_hash.insert(h, i);
                }
            }
        }
        out
    }

    /// The node of the ARN.
    fn get(&self, g: &Graph, arn: &str) -> Option<usize> {
        let h = self.hasher.hash_one(arn);
        match self.by_hash.get(&h) {
            Some(&i) if g.nodes[i].arn == arn => Some(i),
            _ => self.collided.get(arn).copied(),
        }
    }
}

/// The graph of one inventory, built on first use.
pub(crate) struct Escalation<'a> {
    inv: &'a Inventory,
    built: OnceLock<Built>,
}

/// What the graph says of one principal.
pub(crate) struct Reach {
    /// `*` on `*` already (not only the power to grant itself anything).
    pub full_admin: bool,
    /// The shortest path to an administrator as evidence (`path`, then each hop); empty when
    /// there is none.
    pub path: Vec<(&'static str, String)>,
    /// That path as its message shows it, in English and Japanese.
    pub path_text: Option<yagura_core::Text>,
    /// It can make another principal an administrator.
    pub empowers: bool,
    /// Why the graph does not know every permission of the principal's account, when it does
    /// not: "no path" cannot be said then.
    pub unreadable: Option<String>,
}

impl<'a> Escalation<'a> {
    pub fn new(inv: &'a Inventory) -> Escalation<'a> {
        Escalation {
            inv,
            built: OnceLock::new(),
        }
    }

    /// Builds the graph now if nobody has (a thread asking meanwhile waits for it).
    pub fn prepare(&self) {
        self.built.get_or_init(|| build(self.inv));
    }

    /// The principal `arn` on the graph; an error when the graph could not be built or does
    /// not hold the principal.
    pub fn reach(&self, arn: &str) -> Result<Reach, String> {
        let Ready {
            graph: g,
            nodes,
            unreadable,
        } = self
            .built
            .get_or_init(|| build(self.inv))
            .as_ref()
            .map_err(Clone::clone)?;
        let i = nodes
            .get(g, arn)
            .ok_or_else(|| "the principal is not in the escalation graph".to_string())?;
        Ok(Reach {
            full_admin: g.nodes[i].admin.as_ref().is_some_and(|a| a.kind == "full"),
            path: yagura_iam::analyze::path_evidence(g, i),
            path_text: yagura_iam::analyze::path_text(g, i),
            empowers: g.empowers.get(i).is_some_and(|e| !e.is_empty()),
            unreadable: unreadable.get(g.nodes[i].account.as_str()).cloned(),
        })
    }
}

/// Builds the graph of the whole inventory.
fn build(inv: &Inventory) -> Built {
    let auths: Vec<(String, yagura_iam::analyze::AccountAuthorization)> =
        yagura_iam::inventory::authorizations(inv);
    let mut unreadable = HashMap::default();
    for (account, a) in &auths {
        if let Some(first) = a.errors.first() {
            let more = match a.errors.len() - 1 {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            unreadable.insert(
                account.clone(),
                format!("a path through permissions the graph could not read cannot be ruled out: {first}{more}"),
            );
        }
    }
    let auths: Vec<_> = auths.into_iter().map(|(_, a)| a).collect();
    // The audit reads paths and empowerments only.
    let extra = Extra {
        without_potentials: true,
        ..Extra::default()
    };
    let graph = Graph::build(&auths, &extra).map_err(|e| e.to_string())?;
    let nodes = Nodes::new(&graph);
    Ok(Ready {
        graph,
        nodes,
        unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use yagura_iam::analyze::PrincipalKind;
    use yagura_iam::graph::Node;

    fn node(arn: &str) -> Node {
        Node {
            kind: PrincipalKind::Role,
            name: arn.rsplit('/').next().unwrap_or_default().to_string(),
            arn: arn.to_string(),
            account: "111122223333".to_string(),
            admin: None,
        }
    }

    #[test]
    fn nodes_are_found_by_their_own_arn_and_a_repeated_arn_names_its_last_node() {
        let g = Graph {
            nodes: vec![
                node("arn:aws:iam::111122223333:role/a"),
                node("arn:aws:iam::111122223333:role/b"),
                node("arn:aws:iam::111122223333:role/a"),
            ],
            ..Graph::default()
        };
        let n = Nodes::new(&g);
        assert_eq!(n.get(&g, "arn:aws:iam::111122223333:role/a"), Some(2));
        assert_eq!(n.get(&g, "arn:aws:iam::111122223333:role/b"), Some(1));
        assert_eq!(n.get(&g, "arn:aws:iam::111122223333:role/c"), None);
    }

    #[test]
    fn an_arn_whose_hash_is_taken_is_kept_whole() {
        let g = Graph {
            nodes: vec![
                node("arn:aws:iam::111122223333:role/a"),
                node("arn:aws:iam::111122223333:role/b"),
            ],
            ..Graph::default()
        };
        // Both ARNs under one hash, as a collision would put them.
        let mut n = Nodes::default();
        let h = n.hasher.hash_one(g.nodes[0].arn.as_str());
        n.by_hash.insert(h, 0);
        n.collided.insert(g.nodes[1].arn.clone(), 1);
        assert_eq!(n.get(&g, &g.nodes[0].arn), Some(0));
        // `b` hashes elsewhere: not found by hash, found whole.
        assert_eq!(n.get(&g, &g.nodes[1].arn), Some(1));
    }
}
