//! Shared by the browser tests: a headless Chromium at a phone's 390×844
//! driven through its own chromedriver, and small polling helpers.
//!
//! The tests skip with a note when /usr/bin/chromedriver is missing, unless
//! `CI` is set: then they fail, so CI cannot silently stop testing the UI.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether the browser tests can run here; panics under CI when not.
pub fn browser_available(test: &str) -> bool {
    if Path::new(CHROMEDRIVER).exists() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {CHROMEDRIVER} not found. CI must run it: install chromium and \
             chromium-driver (Debian) so that {CHROMEDRIVER} and {CHROMIUM} exist."
        );
    }
    eprintln!("{test} skipped: {CHROMEDRIVER} not found (set CI=1 to make this an error)");
    false
}

/// Kills chromedriver however the test ends.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

fn wait_for_port(port: u16, within: Duration) -> anyhow::Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("chromedriver did not listen on port {port} within {within:?}")
}

/// One phone: its own chromedriver, Chromium profile and session. The
/// driver is killed when this is dropped; call `close` first to end the
/// session cleanly.
pub struct Browser {
    pub client: Client,
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start() -> anyhow::Result<Browser> {
        let port = free_port();
        let driver = Driver(
            Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .context("spawning chromedriver")?,
        );
        wait_for_port(port, Duration::from_secs(15))?;
        let profile = tempfile::tempdir()?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=390,844",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                // Desktop windows cannot be narrower than 500 px and lose height
                // to the browser's own bars: emulate the phone's viewport exactly.
                "mobileEmulation": {
                    "deviceMetrics": { "width": 390, "height": 844, "pixelRatio": 2, "touch": true, "mobile": true },
                },
            }),
        );
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .context("opening a chromedriver session")?;
        Ok(Browser {
            client,
            _driver: driver,
            _profile: profile,
        })
    }

    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

/// Where screenshots land: `target/tmp/browser/`.
pub fn shots_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Logs in through the login form and waits to land on `next`.
pub async fn login(
    c: &Client,
    base: &str,
    login: &str,
    password: &str,
    next: &str,
) -> anyhow::Result<()> {
    let encoded: String = next
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    c.goto(&format!("{base}/login?next={encoded}")).await?;
    c.find(Locator::Css("input[name=login]"))
        .await?
        .send_keys(login)
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys(password)
        .await?;
    c.find(Locator::Css("[data-testid=auth-submit]"))
        .await?
        .click()
        .await?;
    let script = format!("return location.pathname === {}", Value::from(next));
    wait_js(c, &script, &format!("{login} to land on {next}"), 10).await
}

pub async fn js(c: &Client, script: &str) -> anyhow::Result<Value> {
    c.execute(script, vec![])
        .await
        .with_context(|| format!("running {script}"))
}

/// Polls `script` until it returns true.
pub async fn wait_js(c: &Client, script: &str, what: &str, secs: u64) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Ok(Value::Bool(true)) = c.execute(script, vec![]).await {
            return Ok(());
        }
        if Instant::now() > deadline {
            let url = c
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            bail!("timed out after {secs}s waiting for {what} (at {url})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the bottom sheet has stopped sliding: a click during its
/// 0.3 s slide-up lands wherever the moving target was a moment ago.
pub async fn wait_sheet_still(c: &Client) -> anyhow::Result<()> {
    wait_js(
        c,
        "const s = document.querySelector('#sheet .sheet'); \
         return !!s && s.getAnimations({ subtree: true }).length === 0",
        "the sheet to stop sliding",
        5,
    )
    .await
}

pub async fn shot(c: &Client, dir: &Path, name: &str) -> anyhow::Result<()> {
    let png = c.screenshot().await?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    eprintln!("screenshot: {}", path.display());
    Ok(())
}

/// A server on port 0 with the demo world, on a data dir that lives as
/// long as the returned guard.
pub async fn demo_server() -> (yellowcart::server::Running, tempfile::TempDir) {
    let data_dir = tempfile::tempdir().unwrap();
    let config = yellowcart::config::ServerConfig::new(
        "127.0.0.1:0".parse().unwrap(),
        data_dir.path().to_path_buf(),
    );
    (yellowcart::server::start(config).await.unwrap(), data_dir)
}

/// GET `url` and its JSON body.
pub async fn get_json(http: &reqwest::Client, url: &str) -> Value {
    http.get(url).send().await.unwrap().json().await.unwrap()
}

/// The id of the first live room a server lists (the demo world has one).
pub async fn first_live_room(http: &reqwest::Client, base: &str) -> String {
    let rooms = get_json(http, &format!("{base}/api/v1/live")).await;
    rooms["items"][0]["id"].as_str().unwrap().to_owned()
}
