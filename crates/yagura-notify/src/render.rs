//! Rendering notifications for each destination. Every outside string (a resource name, a
//! principal, a Sigma rule title) is hostile until escaped for the format it lands in: Slack
//! mrkdwn (`&`, `<`, `>`, which would otherwise make links and `<!channel>` mentions), HTML,
//! e-mail headers (no line breaks, RFC 2047 for non-ASCII), and terminals (no controls).

use crate::model::Notification;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use yagura_core::{Lang, Severity, Text};

/// What one delivery carries: one notification, or a digest of many.
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    One(&'a Notification),
    Digest(&'a Digest<'a>),
}

/// Many notifications for one destination, summarised: counts by severity and the most severe
/// ones in full.
#[derive(Debug, Clone)]
pub struct Digest<'a> {
    pub total: usize,
    /// Counts, most severe first.
    pub by_severity: Vec<(Severity, usize)>,
    /// The threshold of the destination.
    pub min_severity: Severity,
    /// The most severe notifications, most severe first.
    pub shown: Vec<&'a Notification>,
}

impl<'a> Digest<'a> {
    /// A digest of `notes` showing at most `show` of them.
    pub fn new(notes: &[&'a Notification], min_severity: Severity, show: usize) -> Digest<'a> {
        let mut counts: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
        for n in notes {
            *counts.entry(std::cmp::Reverse(n.severity)).or_default() += 1;
        }
        let mut sorted: Vec<&Notification> = notes.to_vec();
        // Stable: equal severities keep the order they came in.
        sorted.sort_by_key(|n| std::cmp::Reverse(n.severity));
        sorted.truncate(show);
        Digest {
            total: notes.len(),
            by_severity: counts.into_iter().map(|(s, n)| (s.0, n)).collect(),
            min_severity,
            shown: sorted,
        }
    }

    pub fn omitted(&self) -> usize {
        self.total.saturating_sub(self.shown.len())
    }
}

// --------------------------------------------------------------------------------- escaping

pub use yagura_core::escape::{html_escape, multi_line, one_line, teams_markdown};

/// Slack mrkdwn: `&`, `<` and `>` are the control characters of links and mentions.
pub fn mrkdwn(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in multi_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// mrkdwn inside a `code` span: a backtick would end the span.
fn mrkdwn_code(s: &str) -> String {
    mrkdwn(&one_line(s)).replace('`', "'")
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

// ------------------------------------------------------------------------------------ labels

fn label(lang: Lang, en: &'static str, ja: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ja => ja,
    }
}

fn sev(s: Severity) -> String {
    s.as_str().to_ascii_uppercase()
}

fn emoji(s: Severity) -> &'static str {
    match s {
        Severity::Critical => ":rotating_light:",
        Severity::High => ":red_circle:",
        Severity::Medium => ":large_orange_circle:",
        Severity::Low => ":large_blue_circle:",
        Severity::Info => ":white_circle:",
    }
}

fn t(text: &Text, lang: Lang) -> &str {
    text.get(lang)
}

/// The facts of a notification as (label, value) pairs, empty values left out.
fn facts(n: &Notification, lang: Lang) -> Vec<(&'static str, String)> {
    let mut v = vec![
        (label(lang, "Severity", "重要度"), sev(n.severity)),
        (
            label(lang, "Kind", "種別"),
            t(&n.kind.label(), lang).to_string(),
        ),
        (label(lang, "Resource", "リソース"), n.resource.clone()),
        (label(lang, "Account", "アカウント"), n.account.clone()),
        (label(lang, "Region", "リージョン"), n.region.clone()),
        (
            label(lang, "Time", "日時"),
            n.time.clone().unwrap_or_default(),
        ),
        (label(lang, "Id", "ID"), n.id.clone()),
    ];
    v.retain(|(_, value)| !value.is_empty());
    v
}

fn digest_title(d: &Digest<'_>, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "yagura: {} notifications at or above {} (digest)",
            d.total,
            sev(d.min_severity)
        ),
        Lang::Ja => format!(
            "yagura: {} 以上の通知 {} 件（ダイジェスト）",
            sev(d.min_severity),
            d.total
        ),
    }
}

fn counts_line(d: &Digest<'_>) -> String {
    d.by_severity
        .iter()
        .map(|(s, n)| format!("{} {n}", sev(*s)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn omitted_line(d: &Digest<'_>, lang: Lang) -> Option<String> {
    let k = d.omitted();
    (k > 0).then(|| match lang {
        Lang::En => format!("… and {k} more: see the report of this run."),
        Lang::Ja => format!("… ほか {k} 件はこの実行のレポートを参照してください。"),
    })
}

// ------------------------------------------------------------------------------------ slack

/// A Slack incoming-webhook payload: `text` (the notification fallback) and `blocks`.
pub fn slack(m: Message<'_>, lang: Lang) -> Value {
    match m {
        Message::One(n) => slack_one(n, lang),
        Message::Digest(d) => slack_digest(d, lang),
    }
}

fn slack_one(n: &Notification, lang: Lang) -> Value {
    let title = one_line(t(&n.title, lang));
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&format!("{}: {title}", sev(n.severity)), 150), "emoji": true}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&format!("{} {}", emoji(n.severity), mrkdwn(t(&n.summary, lang))), 3000)}}),
    ];
    let fields: Vec<Value> = facts(n, lang)
        .into_iter()
        .take(10)
        .map(|(k, v)| {
            json!({"type": "mrkdwn", "text": truncate(&format!("*{k}*\n`{}`", mrkdwn_code(&v)), 2000)})
        })
        .collect();
    blocks.push(json!({"type": "section", "fields": fields}));
    if !n.events.is_empty() {
        let lines: Vec<String> = n
            .events
            .iter()
            .take(10)
            .map(|e| format!("• `{}`", mrkdwn_code(e)))
            .collect();
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&format!("*{}*\n{}", label(lang, "Events", "イベント"), lines.join("\n")), 3000)}}));
    }
    if let Some(r) = &n.recommendation {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&format!("*{}*\n{}", label(lang, "Recommendation", "推奨対応"), mrkdwn(t(r, lang))), 3000)}}));
    }
    let links: Vec<String> = n
        .links
        .iter()
        .filter(|l| l.url.starts_with("https://"))
        .map(|l| format!("<{}|{}>", slack_url(&l.url), mrkdwn(&one_line(&l.label))))
        .collect();
    if !links.is_empty() {
        blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(&links.join(" · "), 3000)}]}));
    }
    json!({
        "text": truncate(&format!("{} {}: {}", emoji(n.severity), sev(n.severity), mrkdwn(&title)), 3000),
        "blocks": blocks,
    })
}

/// A URL inside `<url|label>`: `|` and `>` would end it.
fn slack_url(u: &str) -> String {
    one_line(u)
        .replace('|', "%7C")
        .replace('>', "%3E")
        .replace('<', "%3C")
        .replace(' ', "%20")
}

fn slack_digest(d: &Digest<'_>, lang: Lang) -> Value {
    let title = digest_title(d, lang);
    let mut lines: Vec<String> = d
        .shown
        .iter()
        .map(|n| {
            format!(
                "{} *{}* {} — `{}`",
                emoji(n.severity),
                sev(n.severity),
                mrkdwn(&one_line(t(&n.title, lang))),
                mrkdwn_code(&n.resource)
            )
        })
        .collect();
    if let Some(o) = omitted_line(d, lang) {
        lines.push(o);
    }
    // A section holds 3000 characters: split the list over several, at most 45 blocks.
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&title, 150), "emoji": true}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": counts_line(d)}}),
    ];
    let mut chunk = String::new();
    for l in lines {
        let l = truncate(&l, 2900);
        if chunk.len() + l.len() + 1 > 2900 {
            blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": std::mem::take(&mut chunk)}}));
        }
        if !chunk.is_empty() {
            chunk.push('\n');
        }
        chunk.push_str(&l);
    }
    if !chunk.is_empty() {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": chunk}}));
    }
    blocks.truncate(48);
    json!({"text": format!("{}: {}", mrkdwn(&title), counts_line(d)), "blocks": blocks})
}

// ------------------------------------------------------------------------------------ teams

/// A Microsoft Teams webhook payload (Workflows "post to a channel when a webhook request is
/// received", or a connector's incoming webhook): a `message` carrying one Adaptive Card 1.4.
/// Every outside string goes through [`teams_markdown`]; links are `Action.OpenUrl` buttons,
/// https only.
pub fn teams(m: Message<'_>, lang: Lang) -> Value {
    let (body, actions) = match m {
        Message::One(n) => teams_one(n, lang),
        Message::Digest(d) => (teams_digest(d, lang), Vec::new()),
    };
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
    });
    if !actions.is_empty() {
        card["actions"] = Value::Array(actions);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

fn teams_block(text: &str, weight: Option<&str>) -> Value {
    let mut b = json!({"type": "TextBlock", "text": truncate(text, 3000), "wrap": true});
    if let Some(w) = weight {
        b["weight"] = json!(w);
        b["size"] = json!("Medium");
    }
    b
}

fn teams_one(n: &Notification, lang: Lang) -> (Vec<Value>, Vec<Value>) {
    let title = teams_markdown(t(&n.title, lang));
    let mut body = vec![
        teams_block(&format!("{}: {title}", sev(n.severity)), Some("Bolder")),
        teams_block(&teams_markdown(t(&n.summary, lang)), None),
    ];
    let facts: Vec<Value> = facts(n, lang)
        .into_iter()
        .map(|(k, v)| json!({"title": k, "value": truncate(&teams_markdown(&v), 2000)}))
        .collect();
    body.push(json!({"type": "FactSet", "facts": facts}));
    if !n.events.is_empty() {
        let lines: Vec<String> = n
            .events
            .iter()
            .take(10)
            .map(|e| teams_markdown(e))
            .collect();
        body.push(teams_block(
            label(lang, "Events", "イベント"),
            Some("Bolder"),
        ));
        body.push(teams_block(&lines.join("\n\n"), None));
    }
    if let Some(r) = &n.recommendation {
        body.push(teams_block(
            label(lang, "Recommendation", "推奨対応"),
            Some("Bolder"),
        ));
        body.push(teams_block(&teams_markdown(t(r, lang)), None));
    }
    let actions = n
        .links
        .iter()
        .filter(|l| l.url.starts_with("https://"))
        .take(5)
        .map(|l| json!({"type": "Action.OpenUrl", "title": one_line(&l.label), "url": one_line(&l.url)}))
        .collect();
    (body, actions)
}

fn teams_digest(d: &Digest<'_>, lang: Lang) -> Vec<Value> {
    let mut lines: Vec<String> = d
        .shown
        .iter()
        .map(|n| {
            format!(
                "{} {} — {}",
                sev(n.severity),
                teams_markdown(t(&n.title, lang)),
                teams_markdown(&n.resource)
            )
        })
        .collect();
    if let Some(o) = omitted_line(d, lang) {
        lines.push(teams_markdown(&o));
    }
    let mut body = vec![
        teams_block(&teams_markdown(&digest_title(d, lang)), Some("Bolder")),
        teams_block(&counts_line(d), None),
    ];
    // one block per line keeps each under the card's limits; at most 60 lines
    body.extend(lines.iter().take(60).map(|l| teams_block(l, None)));
    body
}

// ---------------------------------------------------------------------------------- webhook

fn note_json(n: &Notification, lang: Lang) -> Value {
    json!({
        "kind": n.kind.as_str(),
        "id": n.id,
        "severity": n.severity.as_str(),
        "title": t(&n.title, lang),
        "summary": t(&n.summary, lang),
        "resource": n.resource,
        "account": n.account,
        "region": n.region,
        "time": n.time,
        "events": n.events,
        "links": n.links,
        "recommendation": n.recommendation.as_ref().map(|r| t(r, lang)),
    })
}

/// The generic webhook's JSON body.
pub fn webhook(m: Message<'_>, lang: Lang) -> Value {
    let lang_s = match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    };
    match m {
        Message::One(n) => json!({
            "source": "yagura",
            "schema_version": 1,
            "type": "notification",
            "lang": lang_s,
            "notification": note_json(n, lang),
        }),
        Message::Digest(d) => json!({
            "source": "yagura",
            "schema_version": 1,
            "type": "digest",
            "lang": lang_s,
            "total": d.total,
            "min_severity": d.min_severity.as_str(),
            "by_severity": d.by_severity.iter().map(|(s, n)| (s.as_str().to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "omitted": d.omitted(),
            "notifications": d.shown.iter().map(|n| note_json(n, lang)).collect::<Vec<_>>(),
        }),
    }
}

// ------------------------------------------------------------------------------ plain text

/// One line for a subject: `[yagura] HIGH: title`.
pub fn subject(m: Message<'_>, lang: Lang) -> String {
    let s = match m {
        Message::One(n) => format!("[yagura] {}: {}", sev(n.severity), t(&n.title, lang)),
        Message::Digest(d) => format!("[yagura] {}", digest_title(d, lang)),
    };
    truncate(&one_line(&s), 200)
}

/// An SNS subject: printable ASCII, under 100 characters (SNS's rule), so always English.
pub fn sns_subject(m: Message<'_>) -> String {
    let s: String = subject(m, Lang::En)
        .chars()
        .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
        .collect();
    let mut s = s.trim().to_string();
    if s.len() > 99 {
        s.truncate(96);
        s.push_str("...");
    }
    s
}

/// The plain-text body (e-mail, SNS).
pub fn text(m: Message<'_>, lang: Lang) -> String {
    let mut out = String::new();
    match m {
        Message::One(n) => {
            out.push_str(&one_line(t(&n.title, lang)));
            out.push_str("\n\n");
            out.push_str(&multi_line(t(&n.summary, lang)));
            out.push_str("\n\n");
            for (k, v) in facts(n, lang) {
                out.push_str(&format!("{k}: {}\n", one_line(&v)));
            }
            if !n.events.is_empty() {
                out.push_str(&format!("\n{}:\n", label(lang, "Events", "イベント")));
                for e in n.events.iter().take(20) {
                    out.push_str(&format!("  - {}\n", one_line(e)));
                }
            }
            if let Some(r) = &n.recommendation {
                out.push_str(&format!(
                    "\n{}:\n{}\n",
                    label(lang, "Recommendation", "推奨対応"),
                    multi_line(t(r, lang))
                ));
            }
            for l in &n.links {
                out.push_str(&format!("\n{}: {}", one_line(&l.label), one_line(&l.url)));
            }
        }
        Message::Digest(d) => {
            out.push_str(&digest_title(d, lang));
            out.push_str("\n\n");
            out.push_str(&counts_line(d));
            out.push_str("\n\n");
            for n in &d.shown {
                out.push_str(&format!(
                    "- {} {} ({}) {}\n",
                    sev(n.severity),
                    one_line(t(&n.title, lang)),
                    one_line(&n.resource),
                    one_line(&n.account)
                ));
            }
            if let Some(o) = omitted_line(d, lang) {
                out.push_str(&format!("\n{o}\n"));
            }
        }
    }
    out.push_str(&format!(
        "\n-- \n{}\n",
        label(lang, "Sent by yagura.", "yagura から送信されました。")
    ));
    out
}

/// The HTML body (e-mail).
pub fn html_body(m: Message<'_>, lang: Lang) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body style=\"font-family:sans-serif\">",
    );
    match m {
        Message::One(n) => {
            out.push_str(&format!(
                "<h2>{}</h2>",
                html_escape(&one_line(t(&n.title, lang)))
            ));
            out.push_str(&format!("<p>{}</p>", html_escape(t(&n.summary, lang))));
            out.push_str("<table>");
            for (k, v) in facts(n, lang) {
                out.push_str(&format!(
                    "<tr><th align=\"left\">{}</th><td><code>{}</code></td></tr>",
                    html_escape(k),
                    html_escape(&one_line(&v))
                ));
            }
            out.push_str("</table>");
            if !n.events.is_empty() {
                out.push_str(&format!(
                    "<h3>{}</h3><ul>",
                    label(lang, "Events", "イベント")
                ));
                for e in n.events.iter().take(20) {
                    out.push_str(&format!(
                        "<li><code>{}</code></li>",
                        html_escape(&one_line(e))
                    ));
                }
                out.push_str("</ul>");
            }
            if let Some(r) = &n.recommendation {
                out.push_str(&format!(
                    "<h3>{}</h3><p>{}</p>",
                    label(lang, "Recommendation", "推奨対応"),
                    html_escape(t(r, lang))
                ));
            }
            for l in n.links.iter().filter(|l| l.url.starts_with("https://")) {
                out.push_str(&format!(
                    "<p><a href=\"{}\">{}</a></p>",
                    html_escape(&one_line(&l.url)),
                    html_escape(&one_line(&l.label))
                ));
            }
        }
        Message::Digest(d) => {
            out.push_str(&format!(
                "<h2>{}</h2><p>{}</p><ul>",
                html_escape(&digest_title(d, lang)),
                html_escape(&counts_line(d))
            ));
            for n in &d.shown {
                out.push_str(&format!(
                    "<li><b>{}</b> {} <code>{}</code></li>",
                    sev(n.severity),
                    html_escape(&one_line(t(&n.title, lang))),
                    html_escape(&one_line(&n.resource))
                ));
            }
            out.push_str("</ul>");
            if let Some(o) = omitted_line(d, lang) {
                out.push_str(&format!("<p>{}</p>", html_escape(&o)));
            }
        }
    }
    out.push_str("</body></html>");
    out
}

// ----------------------------------------------------------------------------------- e-mail

/// Standard base64 with padding.
pub use yagura_core::base64::encode as base64;

/// A header value: ASCII as is, anything else as RFC 2047 encoded words (UTF-8, base64), each
/// short enough for a folded header line.
pub fn encode_header(value: &str) -> String {
    let value = one_line(value);
    if value.chars().all(|c| (' '..='~').contains(&c)) {
        return value;
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > 45 {
            words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

fn base64_lines(data: &[u8]) -> String {
    let b = base64(data);
    let mut out = String::with_capacity(b.len() + b.len() / 76 * 2 + 2);
    for (i, c) in b.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push_str("\r\n");
        }
        out.push(c);
    }
    out
}

/// An RFC 5322 message: plain text and HTML alternatives, both base64 (so no line is too long
/// and no line starts with a dot).
pub struct Email<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    pub text: &'a str,
    pub html: &'a str,
    /// RFC 2822 date.
    pub date: &'a str,
    /// Unique per message (boundary and Message-ID).
    pub unique: &'a str,
    pub severity: Severity,
}

impl Email<'_> {
    pub fn to_bytes(&self) -> Vec<u8> {
        let boundary = format!("yagura-{}", self.unique);
        let mut m = String::new();
        m.push_str(&format!("Date: {}\r\n", one_line(self.date)));
        m.push_str(&format!("From: {}\r\n", one_line(self.from)));
        m.push_str(&format!("To: {}\r\n", one_line(&self.to.join(", "))));
        m.push_str(&format!("Subject: {}\r\n", encode_header(self.subject)));
        m.push_str(&format!(
            "Message-ID: <{}@yagura.invalid>\r\n",
            one_line(self.unique)
        ));
        m.push_str(&format!(
            "X-Yagura-Severity: {}\r\n",
            self.severity.as_str()
        ));
        m.push_str("MIME-Version: 1.0\r\n");
        m.push_str(&format!(
            "Content-Type: multipart/alternative; boundary=\"{boundary}\"\r\n\r\n"
        ));
        for (ctype, body) in [("text/plain", self.text), ("text/html", self.html)] {
            m.push_str(&format!("--{boundary}\r\n"));
            m.push_str(&format!("Content-Type: {ctype}; charset=utf-8\r\n"));
            m.push_str("Content-Transfer-Encoding: base64\r\n\r\n");
            m.push_str(&base64_lines(body.replace('\n', "\r\n").as_bytes()));
            m.push_str("\r\n");
        }
        m.push_str(&format!("--{boundary}--\r\n"));
        m.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            mrkdwn("<!channel> & <http://x|y>"),
            "&lt;!channel&gt; &amp; &lt;http://x|y&gt;"
        );
        assert_eq!(
            html_escape("<script>\"'&"),
            "&lt;script&gt;&quot;&#39;&amp;"
        );
        assert_eq!(one_line("a\r\nBcc: x\x1b[31m"), "a  Bcc: x\u{FFFD}[31m");
        assert_eq!(encode_header("plain"), "plain");
        let enc = encode_header("重大な検知: ルート利用");
        assert!(enc.starts_with("=?UTF-8?B?"), "{enc}");
        assert!(!enc.contains('\n') || enc.contains("\r\n "));
        assert_eq!(truncate("abcdef", 4), "abc…");
    }
}
