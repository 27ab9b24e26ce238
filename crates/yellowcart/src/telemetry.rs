//! Prometheus metrics: one process-wide recorder, rendered at `/metrics`,
//! plus a layer that times every HTTP request by matched route.

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often recorded histogram samples are folded into their summaries.
const UPKEEP: Duration = Duration::from_secs(5);

/// The recorder's handle; installed on first use (several servers in one
/// test process share it).
pub fn prometheus() -> Option<&'static PrometheusHandle> {
    HANDLE.get_or_init(install).as_ref()
}

/// Installs the recorder with its upkeep thread. Why the thread: without
/// upkeep the exporter keeps every histogram sample in memory until the
/// next scrape — one per request — so an unscraped server grows without
/// bound, and a flash sale spends its first seconds faulting in pages for
/// samples (perf: kernel page clearing was 12% of the first second).
fn install() -> Option<PrometheusHandle> {
    let handle = PrometheusBuilder::new().install_recorder().ok()?;
    let upkeep = handle.clone();
    let started = std::thread::Builder::new()
        .name("yc-metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                upkeep.run_upkeep();
            }
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "no metrics upkeep thread: samples wait for scrapes");
    }
    Some(handle)
}

pub async fn render() -> String {
    prometheus()
        .map(PrometheusHandle::render)
        .unwrap_or_default()
}

/// Counts and times requests by route template (never by raw path, which
/// would carry ids and grow without bound).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::histogram!("yc_http_request_seconds", "route" => route, "method" => method, "status" => status).record(started.elapsed().as_secs_f64());
    res
}
