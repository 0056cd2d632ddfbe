//! Systems Manager documents the account owns (ListDocuments `Owner=Self`, every page), each
//! with the accounts it is shared with (DescribeDocumentPermission `Share`, every page; `all`
//! is public).

use crate::error::collect_error;
use crate::ok;
use crate::regional::paged;
use aws_sdk_ssm::types::{DocumentKeyValuesFilter, DocumentPermissionType};
use futures::stream::{self, StreamExt};
use yagura_inventory::{Collected, SsmDocument};

/// DescribeDocumentPermission calls in flight per region.
const PERMISSION_READS: usize = 8;
/// Pages of one document's permissions read at most (a page holds up to 200 accounts).
const MAX_PAGES: usize = 100;

pub(crate) async fn documents(c: &aws_sdk_ssm::Client) -> Collected<Vec<SsmDocument>> {
    let own = DocumentKeyValuesFilter::builder()
        .key("Owner")
        .values("Self")
        .build();
    let names = paged(
        "ssm:ListDocuments",
        c.list_documents().filters(own).into_paginator().send(),
        |page, out| {
            out.extend(
                page.document_identifiers()
                    .iter()
                    .filter_map(|d| d.name().map(str::to_string)),
            )
        },
    )
    .await;
    let names = match names {
        Collected::Ok(v) => v,
        Collected::Error(e) => return Collected::Error(e),
    };
    let mut docs: Vec<SsmDocument> = stream::iter(names)
        .map(|name| async move {
            let shared_with = shared_with(c, &name).await;
            SsmDocument { name, shared_with }
        })
        .buffer_unordered(PERMISSION_READS)
        .collect()
        .await;
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    ok(docs)
}

/// The accounts a document is shared with, every page.
async fn shared_with(c: &aws_sdk_ssm::Client, name: &str) -> Collected<Vec<String>> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = c
            .describe_document_permission()
            .name(name)
            .permission_type(DocumentPermissionType::Share)
            .set_next_token(token.take())
            .send()
            .await;
        match page {
            Ok(p) => {
                out.extend(p.account_ids().iter().cloned());
                match p.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => return ok(out),
                }
            }
            Err(e) => return Collected::Error(collect_error("ssm:DescribeDocumentPermission", e)),
        }
    }
    Collected::Error(yagura_inventory::CollectError::new(
        "ssm:DescribeDocumentPermission",
        "TooManyPages",
        &format!("the permissions of document `{name}` did not end within {MAX_PAGES} pages"),
    ))
}
