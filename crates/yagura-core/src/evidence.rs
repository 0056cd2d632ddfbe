//! What a finding rests on: key → value pairs in key order.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Key → value pairs in key order, serialized as a JSON object. A sorted vector: a finding
/// carries one to a few pairs, and a `BTreeMap` allocates a node of about 500 bytes for the
/// first (an audit of a million resources builds a million of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Evidence(Vec<(String, String)>);

impl Evidence {
    pub fn new() -> Evidence {
        Evidence(Vec::new())
    }

    /// Sets `key` to `value`, returning the value it replaces.
    pub fn insert(&mut self, key: String, value: String) -> Option<String> {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&String> {
        self.0
            .binary_search_by(|(k, _)| k.as_str().cmp(key))
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The pairs in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl std::ops::Index<&str> for Evidence {
    type Output = String;

    /// The value of `key`, or the empty string when there is none.
    fn index(&self, key: &str) -> &String {
        static NONE: String = String::new();
        self.get(key).unwrap_or(&NONE)
    }
}

impl<'a> IntoIterator for &'a Evidence {
    type Item = (&'a String, &'a String);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, String)>,
        fn(&'a (String, String)) -> (&'a String, &'a String),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl FromIterator<(String, String)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> Evidence {
        let mut e = Evidence::new();
        for (k, v) in iter {
            e.insert(k, v);
        }
        e
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Evidence, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Evidence;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Evidence, A::Error> {
                let mut e = Evidence::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    e.insert(k, v);
                }
                Ok(e)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sorted_replacing_and_serialized_as_an_object() {
        let mut e = Evidence::new();
        assert_eq!(e.insert("b".into(), "1".into()), None);
        assert_eq!(e.insert("a".into(), "2".into()), None);
        assert_eq!(e.insert("b".into(), "3".into()), Some("1".into()));
        assert_eq!(e.len(), 2);
        assert_eq!(e["b"], "3");
        assert!(e.contains_key("a") && !e.contains_key("c"));
        let keys: Vec<&String> = e.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b"]);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(json, r#"{"a":"2","b":"3"}"#);
        let back: Evidence = serde_json::from_str(r#"{"b":"3","a":"2"}"#).unwrap();
        assert_eq!(back, e);
    }
}
