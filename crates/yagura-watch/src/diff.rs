//! What changed between the last known items and a new observation, per resource, shaped like
//! AWS Config's `configurationItemDiff`: property paths (`Configuration.State.Name`,
//! `Configuration.IpPermissions.1`, `Tags.Owner`, `Relationships.0`) with the previous and the
//! updated value.
//!
//! Arrays are compared as sets (a rule added to a security group is one `CREATE`, not an
//! `UPDATE` of every rule after it); an element removed at an index where another one was added
//! is an `UPDATE` of that index.

use crate::item::{ConfigurationItem, ItemStatus, ResourceKey};
use crate::observe::Observation;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// `changeType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ChangeType {
    Create,
    Update,
    Delete,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Create => "CREATE",
            ChangeType::Update => "UPDATE",
            ChangeType::Delete => "DELETE",
        }
    }
}

/// One changed property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyChange {
    pub previous_value: Value,
    pub updated_value: Value,
    pub change_type: ChangeType,
}

/// `configurationItemDiff`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemDiff {
    pub change_type: ChangeType,
    pub changed_properties: BTreeMap<String, PropertyChange>,
}

/// A resource that was discovered, changed or deleted: its new item and the diff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub configuration_item: ConfigurationItem,
    pub configuration_item_diff: ItemDiff,
}

/// The changes from `previous` (the last known item of each resource; deleted ones are ignored)
/// to `now`, sorted by resource. A resource missing from `now` counts as deleted only when its
/// type was read whole in its account and region (`now.recorded`) and it was not itself
/// unreadable.
pub fn changes<'a>(
    previous: impl IntoIterator<Item = &'a ConfigurationItem>,
    now: &Observation,
) -> Vec<Change> {
    let previous: HashMap<ResourceKey, &ConfigurationItem> = previous
        .into_iter()
        .filter(|i| i.configuration_item_status != ItemStatus::ResourceDeleted)
        .map(|i| (i.key(), i))
        .collect();
    let mut out = Vec::new();
    let mut seen: BTreeSet<ResourceKey> = BTreeSet::new();
    for item in &now.items {
        let key = item.key();
        match previous.get(&key) {
            Some(prev) => {
                let props = diff_items(prev, item);
                if !props.is_empty() {
                    let mut item = item.clone();
                    item.configuration_item_status = ItemStatus::Ok;
                    out.push(Change {
                        configuration_item: item,
                        configuration_item_diff: ItemDiff {
                            change_type: ChangeType::Update,
                            changed_properties: props,
                        },
                    });
                }
            }
            None => {
                let mut item = item.clone();
                item.configuration_item_status = ItemStatus::ResourceDiscovered;
                let props = diff_items(&empty_like(&item), &item);
                out.push(Change {
                    configuration_item: item,
                    configuration_item_diff: ItemDiff {
                        change_type: ChangeType::Create,
                        changed_properties: props,
                    },
                });
            }
        }
        seen.insert(key);
    }
    let unreadable: BTreeSet<(&crate::item::Scope, &str)> = now
        .unrecorded
        .iter()
        .filter_map(|u| u.resource_id.as_deref().map(|id| (&u.scope, id)))
        .collect();
    let mut gone: Vec<&&ConfigurationItem> = previous
        .iter()
        .filter(|(k, _)| !seen.contains(*k))
        .map(|(_, v)| v)
        .collect();
    gone.sort_by_key(|i| i.key());
    for prev in gone {
        let scope = prev.scope();
        if !now.recorded.contains(&scope)
            || unreadable.contains(&(&scope, prev.resource_id.as_str()))
        {
            continue;
        }
        let mut item = empty_like(prev);
        item.configuration_item_capture_time = now.captured_at.clone();
        item.configuration_item_status = ItemStatus::ResourceDeleted;
        let props = diff_items(prev, &item);
        out.push(Change {
            configuration_item: item,
            configuration_item_diff: ItemDiff {
                change_type: ChangeType::Delete,
                changed_properties: props,
            },
        });
    }
    out.sort_by_key(|c| c.configuration_item.key());
    out
}

/// The item of a resource that does not exist: same identity, nothing else.
fn empty_like(i: &ConfigurationItem) -> ConfigurationItem {
    ConfigurationItem {
        resource_name: i.resource_name.clone(),
        arn: i.arn.clone(),
        availability_zone: None,
        resource_creation_time: None,
        tags: BTreeMap::new(),
        relationships: Vec::new(),
        configuration: Value::Null,
        ..i.clone()
    }
}

/// The changed properties between two items of one resource.
pub fn diff_items(
    prev: &ConfigurationItem,
    next: &ConfigurationItem,
) -> BTreeMap<String, PropertyChange> {
    let mut out = BTreeMap::new();
    if prev.configuration.is_null() || next.configuration.is_null() {
        if prev.configuration != next.configuration {
            put(
                &mut out,
                "Configuration".to_string(),
                prev.configuration.clone(),
                next.configuration.clone(),
            );
        }
    } else {
        diff_value(
            "Configuration",
            &prev.configuration,
            &next.configuration,
            &mut out,
        );
    }
    let keys: BTreeSet<&String> = prev.tags.keys().chain(next.tags.keys()).collect();
    for k in keys {
        let a = prev
            .tags
            .get(k)
            .map_or(Value::Null, |v| Value::String(v.clone()));
        let b = next
            .tags
            .get(k)
            .map_or(Value::Null, |v| Value::String(v.clone()));
        if a != b {
            put(&mut out, format!("Tags.{k}"), a, b);
        }
    }
    let rels = |i: &ConfigurationItem| {
        Value::Array(
            i.relationships
                .iter()
                .map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
                .collect(),
        )
    };
    diff_value("Relationships", &rels(prev), &rels(next), &mut out);
    if prev.resource_name != next.resource_name && !next.configuration.is_null() {
        put(
            &mut out,
            "ResourceName".to_string(),
            prev.resource_name
                .clone()
                .map_or(Value::Null, Value::String),
            next.resource_name
                .clone()
                .map_or(Value::Null, Value::String),
        );
    }
    out
}

fn put(out: &mut BTreeMap<String, PropertyChange>, path: String, prev: Value, next: Value) {
    let change_type = match (&prev, &next) {
        (Value::Null, _) => ChangeType::Create,
        (_, Value::Null) => ChangeType::Delete,
        _ => ChangeType::Update,
    };
    match out.get_mut(&path) {
        // A removal and an addition at the same array index: one update.
        Some(existing) => {
            if existing.previous_value.is_null() {
                existing.previous_value = prev;
            }
            if existing.updated_value.is_null() {
                existing.updated_value = next;
            }
            existing.change_type = match (&existing.previous_value, &existing.updated_value) {
                (Value::Null, _) => ChangeType::Create,
                (_, Value::Null) => ChangeType::Delete,
                _ => ChangeType::Update,
            };
        }
        None => {
            out.insert(
                path,
                PropertyChange {
                    previous_value: prev,
                    updated_value: next,
                    change_type,
                },
            );
        }
    }
}

/// `ipPermissions` → `IpPermissions`, as Config's property paths spell keys.
fn pascal(key: &str) -> String {
    let mut c = key.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn diff_value(path: &str, a: &Value, b: &Value, out: &mut BTreeMap<String, PropertyChange>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let sub = format!("{path}.{}", pascal(k));
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(n)) => diff_value(&sub, p, n, out),
                    (Some(p), None) if !p.is_null() => put(out, sub, p.clone(), Value::Null),
                    (None, Some(n)) if !n.is_null() => put(out, sub, Value::Null, n.clone()),
                    _ => {}
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, p) in x.iter().enumerate() {
                if !y.contains(p) {
                    put(out, format!("{path}.{i}"), p.clone(), Value::Null);
                }
            }
            for (j, n) in y.iter().enumerate() {
                if !x.contains(n) {
                    put(out, format!("{path}.{j}"), Value::Null, n.clone());
                }
            }
        }
        _ => put(out, path.to_string(), a.clone(), b.clone()),
    }
}
