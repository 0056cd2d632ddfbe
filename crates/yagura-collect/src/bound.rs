//! Bounds on the AWS calls in flight during an Organization scan: one for the whole run and one
//! per account, enforced where every SDK call ends up, the HTTP client. A call waits for its
//! account's permit, then for a global one, and holds both until the response's headers are in
//! (the body is read after the permits are returned: bodies are small and read at once).
//!
//! Each attempt takes its own permits, so a retried call queues again behind the others; the
//! SDK's adaptive retry mode ([`crate::ConnectOptions::adaptive`]) slows the calls of a service
//! down after throttling on top of that.

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// The run's bounds: the global semaphore and the size of each account's.
#[derive(Debug, Clone)]
pub(crate) struct ApiBounds {
    inner: SharedHttpClient,
    global: Arc<Semaphore>,
    per_account: usize,
}

impl ApiBounds {
    /// At most `global` calls in flight in the run and `per_account` in any one account.
    pub(crate) fn new(global: usize, per_account: usize) -> ApiBounds {
        use aws_smithy_http_client::tls;
        let inner = aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .build_https();
        ApiBounds {
            inner,
            global: Arc::new(Semaphore::new(global.max(1))),
            per_account: per_account.max(1),
        }
    }

    /// `cfg` with an HTTP client under the global bound and a fresh account bound: every client
    /// made from the result shares both.
    pub(crate) fn for_account(&self, cfg: &SdkConfig) -> SdkConfig {
        let client = Bounded {
            inner: self.inner.clone(),
            global: self.global.clone(),
            account: Arc::new(Semaphore::new(self.per_account)),
        };
        cfg.clone()
            .into_builder()
            .http_client(SharedHttpClient::new(client))
            .build()
    }
}

#[derive(Debug, Clone)]
struct Bounded {
    inner: SharedHttpClient,
    global: Arc<Semaphore>,
    account: Arc<Semaphore>,
}

impl HttpClient for Bounded {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(BoundedConnector {
            inner: self.inner.http_connector(settings, components),
            global: self.global.clone(),
            account: self.account.clone(),
        })
    }
}

#[derive(Debug)]
struct BoundedConnector {
    inner: SharedHttpConnector,
    global: Arc<Semaphore>,
    account: Arc<Semaphore>,
}

impl HttpConnector for BoundedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.inner.clone();
        let global = self.global.clone();
        let account = self.account.clone();
        HttpConnectorFuture::new(async move {
            // The account's permit first: a busy account does not hold global permits while it
            // waits for its own.
            let _account = account.acquire_owned().await.map_err(closed)?;
            let _global = global.acquire_owned().await.map_err(closed)?;
            inner.call(request).await
        })
    }
}

fn closed(e: tokio::sync::AcquireError) -> ConnectorError {
    ConnectorError::other(Box::new(e), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A connector that counts the calls in flight and remembers the most seen at once.
    #[derive(Debug, Default)]
    struct Counting {
        now: AtomicUsize,
        most: AtomicUsize,
    }

    #[derive(Debug, Clone)]
    struct Conn(Arc<Counting>);

    impl HttpConnector for Conn {
        fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
            let c = self.0.clone();
            HttpConnectorFuture::new(async move {
                let n = c.now.fetch_add(1, Ordering::SeqCst) + 1;
                c.most.fetch_max(n, Ordering::SeqCst);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                c.now.fetch_sub(1, Ordering::SeqCst);
                Ok(HttpResponse::new(
                    200.try_into()
                        .map_err(|e| ConnectorError::other(Box::new(e), None))?,
                    aws_smithy_types::body::SdkBody::empty(),
                ))
            })
        }
    }

    async fn most_in_flight(global: usize, per_account: usize, accounts: usize) -> usize {
        let counting = Arc::new(Counting::default());
        let g = Arc::new(Semaphore::new(global));
        let conns: Vec<BoundedConnector> = (0..accounts)
            .map(|_| BoundedConnector {
                inner: SharedHttpConnector::new(Conn(counting.clone())),
                global: g.clone(),
                account: Arc::new(Semaphore::new(per_account)),
            })
            .collect();
        let calls = conns
            .iter()
            .flat_map(|c| (0..20).map(move |_| c.call(HttpRequest::empty())));
        for r in futures::future::join_all(calls).await {
            assert!(r.is_ok());
        }
        counting.most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn the_global_and_the_account_bounds_hold() {
        // one account: its own bound decides
        assert_eq!(most_in_flight(100, 3, 1).await, 3);
        // many accounts: the global bound decides
        assert_eq!(most_in_flight(5, 3, 6).await, 5);
    }
}
