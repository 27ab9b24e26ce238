use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use yellowcart::config::ServerConfig;
use yellowcart::server::{Running, start};

pub struct App {
    pub server: Running,
    pub http: Client,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> App {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
    config.seed_demo = false;
    config.services.sandbox_notify_delay_ms = 0;
    config.job_poll_ms = 50;
    let server = start(config).await.unwrap();
    App {
        server,
        http: Client::new(),
        _dir: dir,
    }
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.url(), path)
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut req = self.http.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    pub async fn post_idem(&self, path: &str, token: &str, key: &str, body: Value) -> Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// Registers and returns the bearer token.
    pub async fn register(&self, login: &str, merchant: bool) -> String {
        let mut body = json!({ "login": login, "password": "password-123", "display_name": login });
        if merchant {
            body["role"] = json!("merchant");
            body["shop_name"] = json!(format!("{login} shop"));
            body["shop_province"] = json!("浙江省");
        }
        let res = self.post("/api/v1/auth/register", None, body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    pub async fn address(&self, token: &str) -> String {
        let body = json!({ "recipient": "王五", "phone": "13700137000", "province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "世纪大道100号" });
        let res = self.post("/api/v1/addresses", Some(token), body).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        res.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Creates a one-SKU product; returns (product id, sku id).
    pub async fn product(&self, merchant: &str, stock: i64) -> (String, String) {
        let body = json!({
            "title": "测试连衣裙", "description": "", "category": "女装", "media": [],
            "spec_axes": [{ "name": "尺码", "values": ["M"] }],
            "skus": [{ "spec": ["M"], "price": { "amount_minor": 12900, "currency": "CNY" }, "stock": stock }]
        });
        let res = self
            .post("/api/v1/merchant/products", Some(merchant), body)
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let p: Value = res.json().await.unwrap();
        (
            p["id"].as_str().unwrap().to_owned(),
            p["skus"][0]["id"].as_str().unwrap().to_owned(),
        )
    }
}

/// Asserts an RFC 9457 body with the given status and code.
pub async fn assert_problem(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["type"].as_str().unwrap().ends_with(code));
    body
}
