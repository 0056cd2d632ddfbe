//! A directed graph drawn as inline SVG for the HTML report (the IAM escalation graph): nodes in
//! columns by `layer` (the highest on the left), edges as arrows with their label, everything
//! escaped here. The caller passes it as the `graph` member of the report's extra JSON:
//! `{"title": …, "nodes": [{"id", "label", "layer", "class"}], "edges": [{"from", "to",
//! "label"}]}`; `class` is `admin`, `exposed` or anything else (plain).

use crate::truncate_chars;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use yagura_core::escape::html_escape as e;

/// At most this many nodes are drawn (the first ones given); the rest are counted.
pub const MAX_NODES: usize = 400;

const W: i64 = 230;
const H: i64 = 30;
const GAP_X: i64 = 170;
const GAP_Y: i64 = 16;

/// The `<section>` with the drawn graph, or `None` when `v` is not a graph with nodes.
pub(crate) fn section(v: &Value) -> Option<String> {
    let nodes = v.get("nodes")?.as_array()?;
    if nodes.is_empty() {
        return None;
    }
    let title = v.get("title").and_then(Value::as_str).unwrap_or("Graph");
    let shown = &nodes[..nodes.len().min(MAX_NODES)];
    // Columns: layer → node ids in order.
    let max_layer = shown
        .iter()
        .filter_map(|n| n.get("layer").and_then(Value::as_i64))
        .max()
        .unwrap_or(0)
        .clamp(0, 64);
    let mut columns: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for n in shown {
        let layer = n
            .get("layer")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .clamp(0, 64);
        columns.entry(max_layer - layer).or_default().push(n);
    }
    let mut pos: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut height = 0;
    for (col, list) in &columns {
        for (row, n) in list.iter().enumerate() {
            let id = n.get("id").and_then(Value::as_str).unwrap_or_default();
            let x = 10 + col * (W + GAP_X);
            let y = 10 + row as i64 * (H + GAP_Y);
            pos.insert(id, (x, y));
            height = height.max(y + H + 10);
        }
    }
    let width = 20 + (max_layer + 1) * (W + GAP_X) - GAP_X;
    let mut s = String::new();
    let _ = write!(s, "<section class=\"graph\"><h2>{}</h2>", e(title));
    if nodes.len() > shown.len() {
        let _ = write!(s, "<p>{} / {}</p>", shown.len(), nodes.len());
    }
    let _ = write!(
        s,
        "<div class=\"graphbox\"><svg width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>",
        e(title)
    );
    for edge in v
        .get("edges")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let from = edge.get("from").and_then(Value::as_str).unwrap_or_default();
        let to = edge.get("to").and_then(Value::as_str).unwrap_or_default();
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (pos.get(from), pos.get(to)) else {
            continue;
        };
        let label = edge
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let (ax, ay) = (x1 + W, y1 + H / 2);
        let (bx, by) = if x2 > x1 {
            (x2, y2 + H / 2)
        } else {
            (x2 + W / 2, y2 + H)
        };
        let _ = write!(
            s,
            "<g class=\"edge\"><title>{}</title><line x1=\"{ax}\" y1=\"{ay}\" x2=\"{bx}\" y2=\"{by}\" stroke=\"#555\" stroke-width=\"1.2\" marker-end=\"url(#arrow)\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#333\">{}</text></g>",
            e(label),
            (ax + bx) / 2,
            (ay + by) / 2 - 3,
            e(&truncate_chars(label, 34))
        );
    }
    for n in shown {
        let id = n.get("id").and_then(Value::as_str).unwrap_or_default();
        let Some(&(x, y)) = pos.get(id) else { continue };
        let label = n.get("label").and_then(Value::as_str).unwrap_or(id);
        let class = n.get("class").and_then(Value::as_str).unwrap_or_default();
        let (fill, stroke) = match class {
            "admin" => ("#fde2e1", "#c0392b"),
            "exposed" => ("#fff1c1", "#d68910"),
            _ => ("#eef3fb", "#5d6d7e"),
        };
        let _ = write!(
            s,
            "<g class=\"node\"><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"5\" fill=\"{fill}\" stroke=\"{stroke}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text></g>",
            e(id),
            x + W / 2,
            y + H / 2 + 4,
            e(&truncate_chars(label, 36))
        );
    }
    s.push_str("</svg></div></section>\n");
    Some(s)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn draws_and_escapes() {
        let v = serde_json::json!({
            "title": "paths",
            "nodes": [
                {"id": "a", "label": "user/<script>", "layer": 1},
                {"id": "b", "label": "role/Admin", "layer": 0, "class": "admin"}
            ],
            "edges": [{"from": "a", "to": "b", "label": "sts:AssumeRole & co"}]
        });
        let s = section(&v).unwrap();
        assert!(s.contains("<svg") && s.contains("marker-end"));
        assert!(s.contains("user/&lt;script&gt;") && !s.contains("<script>"));
        assert!(s.contains("sts:AssumeRole &amp; co"));
        assert!(section(&serde_json::json!({"nodes": []})).is_none());
    }
}
