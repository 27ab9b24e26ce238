//! Kill -9 the server in the middle of a flash sale, start it again on the
//! same data, and check that every order that got a success answer is
//! there and that the pool adds up: remaining + sold = pool size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

struct Server {
    child: Child,
    url: String,
}

async fn spawn_server(args: &[String]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yellowcart"))
        .arg("serve")
        .args(["--addr", "127.0.0.1:0", "--no-demo"])
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.strip_prefix("yellowcart is serving at ") {
                return rest.trim().to_owned();
            }
        }
        panic!("server exited before listening");
    })
    .await
    .unwrap();
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Server { child, url }
}

async fn post(
    http: &reqwest::Client,
    url: String,
    token: Option<&str>,
    key: Option<&str>,
    body: Value,
) -> reqwest::Result<reqwest::Response> {
    let mut req = http.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    req.send().await
}

async fn register(http: &reqwest::Client, base: &str, login: &str, merchant: bool) -> String {
    let mut body = json!({ "login": login, "password": "password-123", "display_name": login });
    if merchant {
        body["role"] = json!("merchant");
        body["shop_name"] = json!("crash shop");
        body["shop_province"] = json!("浙江省");
    }
    let res: Value = post(
        http,
        format!("{base}/api/v1/auth/register"),
        None,
        None,
        body,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    res["token"].as_str().unwrap().to_owned()
}

/// Opens a sale of `pool` units; returns its id.
async fn open_sale(http: &reqwest::Client, base: &str, pool: i64) -> String {
    let shop = register(http, base, "crashshop", true).await;
    let product = json!({ "title": "秒杀", "description": "", "category": "c", "media": [], "spec_axes": [{ "name": "规格", "values": ["标准"] }],
        "skus": [{ "spec": ["标准"], "price": { "amount_minor": 9900, "currency": "CNY" }, "stock": pool }] });
    let p: Value = post(
        http,
        format!("{base}/api/v1/merchant/products"),
        Some(&shop),
        None,
        product,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let room = json!({ "title": "直播", "stream_url": "/assets/demo/videos/live01.mp4", "poster_url": "/assets/demo/videos/v01.jpg", "pinned": [p["id"]] });
    let room: Value = post(
        http,
        format!("{base}/api/v1/merchant/live"),
        Some(&shop),
        None,
        room,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let sale = json!({ "sku_id": p["skus"][0]["id"], "flash_price": { "amount_minor": 990, "currency": "CNY" }, "pool_size": pool, "per_buyer_cap": 99,
        "starts_in_secs": 0, "countdown_secs": 10, "duration_secs": 3600 });
    let sale: Value = post(
        http,
        format!(
            "{base}/api/v1/merchant/live/{}/flash-sales",
            room["id"].as_str().unwrap()
        ),
        Some(&shop),
        None,
        sale,
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    sale["sale"]["id"].as_str().unwrap().to_owned()
}

async fn crash_mid_sale(extra: Vec<String>) {
    let http = reqwest::Client::new();
    let mut server = spawn_server(&extra).await;
    let base = server.url.clone();
    let pool = 2000;
    let sale = open_sale(&http, &base, pool).await;
    let mut buyers = Vec::new();
    for i in 0..12 {
        let token = register(&http, &base, &format!("crashbuyer{i}"), false).await;
        let addr = json!({ "recipient": "赵六", "phone": "13600136000", "province": "江苏省", "city": "南京市", "district": "玄武区", "detail": "中山路1号" });
        post(
            &http,
            format!("{base}/api/v1/addresses"),
            Some(&token),
            None,
            addr,
        )
        .await
        .unwrap();
        buyers.push(token);
    }
    let acked = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for (b, token) in buyers.iter().enumerate() {
        let (http, base, sale, token, acked, count) = (
            http.clone(),
            base.clone(),
            sale.clone(),
            token.clone(),
            acked.clone(),
            count.clone(),
        );
        tasks.push(tokio::spawn(async move {
            for n in 0.. {
                let url = format!("{base}/api/v1/flash-sales/{sale}/orders");
                match post(
                    &http,
                    url,
                    Some(&token),
                    Some(&format!("c{b}-{n}")),
                    json!({ "quantity": 1 }),
                )
                .await
                {
                    Ok(res) if res.status() == 201 => {
                        let Ok(order) = res.json::<Value>().await else {
                            break;
                        };
                        acked
                            .lock()
                            .await
                            .push((token.clone(), order["id"].as_str().unwrap().to_owned()));
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(res) => panic!("unexpected answer {}", res.status()),
                    Err(_) => break, // the server is gone
                }
            }
        }));
    }
    tokio::time::timeout(Duration::from_secs(60), async {
        while count.load(Ordering::SeqCst) < 40 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    server.child.start_kill().unwrap(); // SIGKILL
    server.child.wait().await.unwrap();
    for t in tasks {
        t.await.unwrap();
    }
    let acked = acked.lock().await.clone();
    assert!(acked.len() >= 40);

    let server = spawn_server(&extra).await;
    let base = server.url.clone();
    let mut sold = 0_i64;
    let mut stored = std::collections::HashSet::new();
    for token in &buyers {
        let mut cursor = String::new();
        loop {
            let page: Value = http
                .get(format!("{base}/api/v1/orders?limit=100{cursor}"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for o in page["items"].as_array().unwrap() {
                stored.insert(o["id"].as_str().unwrap().to_owned());
                sold += o["lines"][0]["quantity"].as_i64().unwrap();
            }
            match page["next_cursor"].as_str() {
                Some(c) => cursor = format!("&cursor={c}"),
                None => break,
            }
        }
    }
    for (_, id) in &acked {
        assert!(
            stored.contains(id),
            "acknowledged order {id} survived the crash"
        );
    }
    let state: Value = http
        .get(format!("{base}/api/v1/flash-sales/{sale}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        state["remaining"].as_i64().unwrap() + sold,
        pool,
        "pool = remaining + sold"
    );
    eprintln!(
        "crash test: {} acknowledged, {} stored, remaining {}",
        acked.len(),
        stored.len(),
        state["remaining"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_sale_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    crash_mid_sale(vec!["--data-dir".into(), dir.path().display().to_string()]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_mid_sale_postgres() {
    let Some(url) = std::env::var("YC_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("YC_TEST_POSTGRES_URL not set: PostgreSQL crash test skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let schema = format!("crash_{}", uuid::Uuid::now_v7().simple());
    let args = vec![
        "--data-dir".into(),
        dir.path().display().to_string(),
        "--database-url".into(),
        url.clone(),
        "--database-schema".into(),
        schema.clone(),
    ];
    crash_mid_sale(args).await;
    let store = yc_store_postgres::PgStore::connect_in_schema(&url, &schema, 2)
        .await
        .unwrap();
    store.drop_schema().await.unwrap();
}
