//! The fixed words of the reports, in English and Japanese (REP-03).

use crate::Summary;
use yagura_core::{Lang, Severity, Status};

pub(crate) struct Labels {
    pub status: &'static str,
    pub severity: &'static str,
    pub check: &'static str,
    pub resource: &'static str,
    pub message: &'static str,
    pub account: &'static str,
    pub region: &'static str,
    pub recommendation: &'static str,
    pub report_title: &'static str,
    pub generated_at: &'static str,
    pub scope: &'static str,
    pub tool: &'static str,
    pub summary: &'static str,
    pub findings: &'static str,
    pub requirements: &'static str,
    pub framework: &'static str,
    pub control: &'static str,
    pub errors: &'static str,
    pub errors_note: &'static str,
    pub muted_because: &'static str,
    pub expires: &'static str,
    pub evidence: &'static str,
    pub failed_by_severity: &'static str,
    pub results_by_status: &'static str,
    pub no_findings: &'static str,
    pub pass_hidden: &'static str,
    pub not_adopted: &'static str,
    pub accepted: &'static str,
    pub total: &'static str,
}

pub(crate) const EN: Labels = Labels {
    status: "STATUS",
    severity: "SEVERITY",
    check: "CHECK",
    resource: "RESOURCE",
    message: "MESSAGE",
    account: "Account",
    region: "Region",
    recommendation: "Recommendation",
    report_title: "yagura security report",
    generated_at: "Generated at",
    scope: "Scope",
    tool: "Tool",
    summary: "Summary",
    findings: "Findings",
    requirements: "Summary by requirement",
    framework: "Framework",
    control: "Control",
    errors: "Collection errors",
    errors_note: "Some data could not be read: the result is incomplete.",
    muted_because: "muted",
    expires: "expires",
    evidence: "Evidence",
    failed_by_severity: "Failed checks by severity",
    results_by_status: "Results by status",
    no_findings: "No results.",
    pass_hidden: "PASS results hidden (show them with --show-pass)",
    not_adopted: "not adopted",
    accepted: "accepted risk",
    total: "Total",
};

pub(crate) const JA: Labels = Labels {
    status: "状態",
    severity: "重要度",
    check: "チェック",
    resource: "リソース",
    message: "メッセージ",
    account: "アカウント",
    region: "リージョン",
    recommendation: "推奨対応",
    report_title: "yagura セキュリティレポート",
    generated_at: "作成日時",
    scope: "対象",
    tool: "ツール",
    summary: "概要",
    findings: "検出結果",
    requirements: "要件ごとの概要",
    framework: "フレームワーク",
    control: "管理項目",
    errors: "収集エラー",
    errors_note: "一部のデータを読み取れませんでした。結果は不完全です。",
    muted_because: "ミュート",
    expires: "期限",
    evidence: "根拠",
    failed_by_severity: "重要度別の不合格件数",
    results_by_status: "状態別の件数",
    no_findings: "結果はありません。",
    pass_hidden: "PASS の結果は表示していません(--show-pass で表示)",
    not_adopted: "不採用",
    accepted: "リスク受容",
    total: "合計",
};

pub(crate) fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    }
}

/// The severity name shown to people.
pub(crate) fn severity_name(sev: Severity, lang: Lang) -> &'static str {
    match (lang, sev) {
        (Lang::En, Severity::Critical) => "critical",
        (Lang::En, Severity::High) => "high",
        (Lang::En, Severity::Medium) => "medium",
        (Lang::En, Severity::Low) => "low",
        (Lang::En, Severity::Info) => "info",
        (Lang::Ja, Severity::Critical) => "緊急",
        (Lang::Ja, Severity::High) => "高",
        (Lang::Ja, Severity::Medium) => "中",
        (Lang::Ja, Severity::Low) => "低",
        (Lang::Ja, Severity::Info) => "情報",
    }
}

/// The status as shown: the machine names (PASS, FAIL, …) in both languages, since CI logs and
/// filters match on them.
pub(crate) fn status_name(status: Status) -> &'static str {
    status.as_str()
}

/// The one-line summary of a run.
pub(crate) fn summary_line(s: &Summary, lang: Lang) -> String {
    let sev: Vec<String> = yagura_core::Severity::ALL
        .iter()
        .zip(s.fail_by_severity.iter())
        .filter(|(_, n)| **n > 0)
        .map(|(sev, n)| format!("{} {n}", severity_name(*sev, lang)))
        .collect();
    let sev = if sev.is_empty() {
        String::new()
    } else {
        format!(" ({})", sev.join(", "))
    };
    match lang {
        Lang::En => format!(
            "{} results: {} FAIL{sev}, {} UNKNOWN, {} MUTED, {} PASS",
            s.total, s.fail, s.unknown, s.muted, s.pass
        ),
        Lang::Ja => format!(
            "結果 {} 件: FAIL {} 件{sev}、UNKNOWN {} 件、MUTED {} 件、PASS {} 件",
            s.total, s.fail, s.unknown, s.muted, s.pass
        ),
    }
}

pub(crate) fn mute_kind_name(kind: yagura_core::MuteKind, lang: Lang) -> &'static str {
    let l = labels(lang);
    match kind {
        yagura_core::MuteKind::NotAdopted => l.not_adopted,
        yagura_core::MuteKind::Accepted => l.accepted,
    }
}

/// An outside text (a user's reason, AWS's message) set apart from ours: as it is in English,
/// in 「」 in Japanese, where it stays in the language it was written in.
pub(crate) fn quoted(s: &str, lang: Lang) -> String {
    match lang {
        Lang::En => s.to_string(),
        Lang::Ja => format!("「{s}」"),
    }
}

/// Every fixed word of the reports in `lang` (for the tests of the translations).
pub fn all_labels(lang: Lang) -> Vec<&'static str> {
    let l = match lang {
        Lang::En => &EN,
        Lang::Ja => &JA,
    };
    vec![
        l.status,
        l.severity,
        l.check,
        l.resource,
        l.message,
        l.account,
        l.region,
        l.recommendation,
        l.report_title,
        l.generated_at,
        l.scope,
        l.tool,
        l.summary,
        l.findings,
        l.requirements,
        l.framework,
        l.control,
        l.errors,
        l.errors_note,
        l.muted_because,
        l.expires,
        l.evidence,
        l.failed_by_severity,
        l.results_by_status,
        l.no_findings,
        l.pass_hidden,
        l.not_adopted,
        l.accepted,
        l.total,
        severity_name(Severity::Critical, lang),
        severity_name(Severity::High, lang),
        severity_name(Severity::Medium, lang),
        severity_name(Severity::Low, lang),
        severity_name(Severity::Info, lang),
        mute_kind_name(yagura_core::MuteKind::NotAdopted, lang),
        mute_kind_name(yagura_core::MuteKind::Accepted, lang),
    ]
}
