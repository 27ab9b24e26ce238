use std::sync::Arc;
use yc_domain::Timestamp;
use yc_domain::account::{Role, User};
use yc_domain::address::{Address, AddressDraft};
use yc_domain::catalog::{Product, ProductDraft, SkuDraft, SpecAxis};
use yc_domain::{Money, ProductId};
use yc_services::auth::Registration;
use yc_services::payments::PaymentGateway;
use yc_services::{Config, ManualClock, Services};
use yc_store::SessionKind;
use yc_store_postgres::PgStore;
use yc_store_sqlite::SqliteStore;

pub const SECRET: &[u8] = b"story-master-secret";

/// Runs a story on every configured backend.
#[macro_export]
macro_rules! story {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let world = $crate::harness::World::sqlite().await;
                ($body)(world.clone()).await;
                world.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(world) = $crate::harness::World::postgres().await else {
                    eprintln!("YC_TEST_POSTGRES_URL not set: PostgreSQL story skipped");
                    return;
                };
                ($body)(world.clone()).await;
                world.cleanup().await;
            }
        }
    };
}

#[derive(Clone)]
pub struct World {
    pub services: Services,
    pub clock: ManualClock,
    pg: Option<Arc<PgStore>>,
    _dir: Option<Arc<tempfile::TempDir>>,
}

impl World {
    fn build(store: Arc<dyn yc_store::Store>) -> (Services, ManualClock) {
        let clock = ManualClock::new(Timestamp(1_780_000_000_000));
        let config = Config {
            sandbox_notify_delay_ms: 0,
            ..Config::default()
        };
        let services = Services::new(
            store,
            Arc::new(clock.clone()),
            config,
            PaymentGateway::sandbox(SECRET),
        );
        (services, clock)
    }

    pub async fn sqlite() -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("story.db"))
            .await
            .unwrap();
        let (services, clock) = World::build(Arc::new(store));
        World {
            services,
            clock,
            pg: None,
            _dir: Some(Arc::new(dir)),
        }
    }

    pub async fn postgres() -> Option<World> {
        let url = std::env::var("YC_TEST_POSTGRES_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let schema = format!("story_{}", uuid::Uuid::now_v7().simple());
        let store = Arc::new(PgStore::connect_in_schema(&url, &schema, 16).await.unwrap());
        let (services, clock) = World::build(store.clone());
        Some(World {
            services,
            clock,
            pg: Some(store),
            _dir: None,
        })
    }

    /// Another node on the same database: its own services, flash lanes and
    /// (on PostgreSQL) its own connection pool; the same clock.
    pub async fn second_node(&self) -> Services {
        let store: Arc<dyn yc_store::Store> = match &self.pg {
            Some(pg) => {
                let url = std::env::var("YC_TEST_POSTGRES_URL").unwrap();
                Arc::new(
                    PgStore::connect_in_schema(&url, pg.schema().unwrap(), 8)
                        .await
                        .unwrap(),
                )
            }
            // SQLite is one node per file; a second Services still has its own lanes.
            None => self.services.store.clone(),
        };
        let config = Config {
            sandbox_notify_delay_ms: 0,
            ..Config::default()
        };
        Services::new(
            store,
            Arc::new(self.clock.clone()),
            config,
            PaymentGateway::sandbox(SECRET),
        )
    }

    pub async fn cleanup(&self) {
        if let Some(pg) = &self.pg {
            pg.drop_schema().await.unwrap();
        }
    }

    pub async fn buyer(&self, login: &str) -> User {
        let reg = Registration {
            login: login.into(),
            password: "password-123".into(),
            display_name: login.into(),
            role: Role::Buyer,
            shop: None,
        };
        self.services
            .register(reg, SessionKind::Api)
            .await
            .unwrap()
            .0
    }

    pub async fn buyer_with_address(&self, login: &str) -> (User, Address) {
        let user = self.buyer(login).await;
        let draft = AddressDraft {
            recipient: "李四".into(),
            phone: "13900139000".into(),
            province: "北京市".into(),
            city: "北京市".into(),
            district: "海淀区".into(),
            detail: "中关村大街1号".into(),
            is_default: true,
        };
        let address = self
            .services
            .save_address(&user, None, draft)
            .await
            .unwrap();
        (user, address)
    }

    pub async fn merchant(&self, login: &str) -> User {
        let reg = Registration {
            login: login.into(),
            password: "password-123".into(),
            display_name: login.into(),
            role: Role::Merchant,
            shop: Some((format!("{login}的店"), "浙江省".into())),
        };
        self.services
            .register(reg, SessionKind::Api)
            .await
            .unwrap()
            .0
    }

    /// A one-SKU product with `stock` units at ¥99.00.
    pub async fn product(&self, merchant: &User, stock: i64) -> Product {
        let draft = ProductDraft {
            title: "测试商品".into(),
            description: String::new(),
            category: "测试".into(),
            media: vec![],
            spec_axes: vec![SpecAxis {
                name: "规格".into(),
                values: vec!["标准".into()],
            }],
            skus: vec![SkuDraft {
                spec: vec!["标准".into()],
                price: Money::cny(9900),
                stock,
            }],
            return_policy: None,
        };
        self.services.create_product(merchant, draft).await.unwrap()
    }

    /// A one-SKU product of the given kind and price.
    pub async fn product_with(
        &self,
        merchant: &User,
        stock: i64,
        price_fen: i64,
        kind: yc_domain::aftersales::ProductKind,
    ) -> Product {
        let draft = ProductDraft {
            title: "售后测试商品".into(),
            description: String::new(),
            category: "测试".into(),
            media: vec![],
            spec_axes: vec![SpecAxis {
                name: "规格".into(),
                values: vec!["标准".into()],
            }],
            skus: vec![SkuDraft {
                spec: vec!["标准".into()],
                price: Money::cny(price_fen),
                stock,
            }],
            return_policy: Some(yc_domain::aftersales::ReturnPolicy {
                no_reason_days: Some(7),
                kind,
            }),
        };
        self.services.create_product(merchant, draft).await.unwrap()
    }

    /// Creates and pays an order of `quantity` units of the product's
    /// first SKU (through the sandbox cashier and its callback).
    pub async fn paid_order(
        &self,
        buyer: &User,
        address: &Address,
        product: &Product,
        quantity: i64,
        insurance: bool,
    ) -> yc_domain::order::Order {
        use yc_services::checkout::{CreateOrder, LineInput};
        use yc_services::payments::PayRequest;
        let req = CreateOrder {
            lines: vec![LineInput {
                sku_id: product.skus[0].id,
                quantity,
            }],
            address_id: address.id,
            from_cart: false,
            return_insurance: insurance,
        };
        let key = uuid::Uuid::now_v7().to_string();
        let order = self
            .services
            .create_order(buyer, req, Some(&key))
            .await
            .unwrap();
        let start = self
            .services
            .pay(
                buyer,
                PayRequest {
                    order_id: order.id,
                    method: yc_domain::payment::PaymentMethod::Alipay,
                },
                Some(&format!("{key}-pay")),
            )
            .await
            .unwrap();
        let token = start.redirect_url.split("token=").nth(1).unwrap();
        self.services
            .sandbox_confirm("alipay", token)
            .await
            .unwrap();
        self.services.run_due_jobs().await.unwrap();
        let order = self.services.order(buyer, order.id).await.unwrap();
        assert_eq!(order.status, yc_domain::order::OrderStatus::Paid);
        order
    }

    pub async fn ship(
        &self,
        merchant: &User,
        order: &yc_domain::order::Order,
    ) -> yc_domain::fulfilment::Shipment {
        use yc_services::fulfilment::ShipInput;
        let input = ShipInput {
            order_id: order.id,
            carrier: "sandbox".into(),
            tracking_no: None,
        };
        self.services.ship_order(merchant, input).await.unwrap()
    }

    /// Pushes the parcel through every remaining sandbox event now.
    pub async fn deliver_all(&self, party: &User, tracking_no: &str) {
        for _ in 0..16 {
            let next = self
                .services
                .sandbox_advance(party, tracking_no)
                .await
                .unwrap();
            if next.is_none() {
                return;
            }
        }
        panic!("parcel {tracking_no} never finished");
    }

    /// Runs due jobs until none is left (bounded).
    pub async fn drain_jobs(&self) {
        for _ in 0..20 {
            if self.services.run_due_jobs().await.unwrap() == 0 {
                return;
            }
        }
    }

    pub fn clock_now(&self) -> Timestamp {
        use yc_services::Clock;
        self.clock.now()
    }

    pub fn advance_days(&self, days: i64) {
        self.clock.advance_ms(days * 24 * 3_600_000);
    }

    pub fn advance_hours(&self, hours: i64) {
        self.clock.advance_ms(hours * 3_600_000);
    }

    pub async fn stock_of(&self, product: ProductId) -> i64 {
        self.services
            .store
            .get_product(product)
            .await
            .unwrap()
            .unwrap()
            .skus[0]
            .stock
    }
}

/// A fresh Idempotency-Key.
pub fn key() -> String {
    uuid::Uuid::now_v7().to_string()
}
