//! The demo world loaded by `yellowcart seed` and by the first `serve` on
//! an empty data dir: six shops, 30 products with spec matrices, 12 videos,
//! reviews, and demo accounts. Deterministic, so demos and tests agree.

mod data;
mod live;
mod orders;

use yc_domain::account::{Role, User};
use yc_domain::address::AddressDraft;
use yc_domain::address::mask_name;
use yc_domain::aftersales::{ProductKind, ReturnPolicy};
use yc_domain::catalog::{Product, ProductDraft, SkuDraft, SpecAxis};
use yc_domain::review::Review;
use yc_domain::video::VideoDraft;
use yc_domain::{Money, ReviewId};
use yc_store::SessionKind;

use crate::auth::Registration;
use crate::{ServiceResult, Services};
use data::{PRODUCTS, REVIEW_BODIES, REVIEWERS, SHOPS, VIDEO_TITLES};

pub const DEMO_BUYER: (&str, &str) = ("demo", "demo1234");
pub const DEMO_BUYER_2: (&str, &str) = ("demo2", "demo1234");
pub const DEMO_MERCHANT_PASSWORD: &str = "shop1234";
/// The platform operator (arbitration).
pub const DEMO_OPERATOR: (&str, &str) = ("ops", "ops12345");

/// Login and password of every demo account, to print at start.
#[derive(Debug, Clone)]
pub struct DemoAccounts {
    pub accounts: Vec<(String, String, Role)>,
}

/// Steps of the seed, for a progress bar.
pub fn seed_steps() -> u64 {
    let n = SHOPS.len() + PRODUCTS.len() + VIDEO_TITLES.len() + REVIEWERS.len() + 3;
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Deterministic pseudo-random numbers (a 64-bit LCG): same world every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound.max(1)
    }
}

impl Services {
    /// Loads the demo world unless the catalog already has products.
    /// Returns `None` when nothing was loaded.
    pub async fn seed_demo(
        &self,
        progress: &(dyn Fn(&str) + Sync),
    ) -> ServiceResult<Option<DemoAccounts>> {
        if self.store.count_products().await? > 0 {
            return Ok(None);
        }
        let mut rng = Lcg(20_260_525);
        let mut accounts = Vec::new();
        let buyer = self
            .demo_user(
                DEMO_BUYER.0,
                DEMO_BUYER.1,
                "演示买家",
                Role::Buyer,
                None,
                &mut accounts,
            )
            .await?;
        self.demo_address(&buyer).await?;
        let buyer2 = self
            .demo_user(
                DEMO_BUYER_2.0,
                DEMO_BUYER_2.1,
                "演示买家二",
                Role::Buyer,
                None,
                &mut accounts,
            )
            .await?;
        self.demo_address(&buyer2).await?;
        progress("buyers");
        let mut reviewers = Vec::new();
        for (login, name) in REVIEWERS {
            reviewers.push(
                self.demo_user(
                    login,
                    "review1234",
                    name,
                    Role::Buyer,
                    None,
                    &mut Vec::new(),
                )
                .await?,
            );
            progress("reviewers");
        }
        let mut first_shop = None;
        for shop in SHOPS {
            let merchant = self
                .demo_user(
                    shop.login,
                    DEMO_MERCHANT_PASSWORD,
                    shop.name,
                    Role::Merchant,
                    Some((shop.name, shop.province)),
                    &mut accounts,
                )
                .await?;
            first_shop.get_or_insert_with(|| merchant.clone());
            if shop.login == "shop2" {
                // One shop gives 运费险 on every order (商家赠送).
                self.set_shop_insurance(&merchant, true).await?;
            }
            progress(shop.name);
            for &video in shop.videos {
                let mut products = Vec::new();
                for data in PRODUCTS.iter().filter(|p| p.video == video) {
                    let product = self
                        .create_product(&merchant, product_draft(data, &mut rng))
                        .await?;
                    self.demo_reviews(&product, &reviewers, &mut rng).await?;
                    products.push(product.id);
                    progress(data.title);
                }
                let draft = VideoDraft {
                    title: VIDEO_TITLES
                        .get(usize::from(video) - 1)
                        .copied()
                        .unwrap_or("好物推荐")
                        .to_owned(),
                    video_url: format!("/assets/demo/videos/v{video:02}.mp4"),
                    poster_url: format!("/assets/demo/videos/v{video:02}.jpg"),
                    product_ids: products,
                };
                self.create_video(&merchant, draft).await?;
                progress("video");
            }
        }
        if let Some(host) = &first_shop {
            self.demo_live_room(host).await?;
        }
        progress("live room");
        self.create_operator(DEMO_OPERATOR.0, DEMO_OPERATOR.1)
            .await?;
        accounts.push((
            DEMO_OPERATOR.0.to_owned(),
            DEMO_OPERATOR.1.to_owned(),
            Role::Admin,
        ));
        if let Some(shop) = &first_shop {
            self.demo_delivered_order(&buyer, shop).await?;
        }
        progress("delivered order");
        progress("done");
        Ok(Some(DemoAccounts { accounts }))
    }

    async fn demo_user(
        &self,
        login: &str,
        password: &str,
        name: &str,
        role: Role,
        shop: Option<(&str, &str)>,
        out: &mut Vec<(String, String, Role)>,
    ) -> ServiceResult<User> {
        let reg = Registration {
            login: login.into(),
            password: password.into(),
            display_name: name.into(),
            role,
            shop: shop.map(|(n, p)| (n.to_owned(), p.to_owned())),
        };
        let (user, _) = self.register(reg, SessionKind::Api).await?;
        out.push((login.to_owned(), password.to_owned(), role));
        Ok(user)
    }

    async fn demo_address(&self, user: &User) -> ServiceResult<()> {
        let draft = AddressDraft {
            recipient: "张三".into(),
            phone: "13800138000".into(),
            province: "广东省".into(),
            city: "深圳市".into(),
            district: "南山区".into(),
            detail: "科技园路1号 腾飞大厦 A 座 1201".into(),
            is_default: true,
        };
        self.save_address(user, None, draft).await.map(|_| ())
    }

    async fn demo_reviews(
        &self,
        product: &Product,
        reviewers: &[User],
        rng: &mut Lcg,
    ) -> ServiceResult<()> {
        const RATINGS: [u8; 10] = [5, 5, 5, 4, 4, 5, 3, 5, 4, 2];
        let count = 3 + rng.next(6);
        let now = self.now();
        for i in 0..count {
            let Some(author) =
                reviewers.get(usize::try_from(rng.next(reviewers.len() as u64)).unwrap_or(0))
            else {
                continue;
            };
            let rating = RATINGS
                .get(usize::try_from(rng.next(10)).unwrap_or(0))
                .copied()
                .unwrap_or(5);
            let body_ix = usize::try_from(rng.next(REVIEW_BODIES.len() as u64)).unwrap_or(0);
            let review = Review {
                id: ReviewId::new(),
                product_id: product.id,
                user_id: author.id,
                author_name: mask_name(&author.display_name),
                rating,
                body: REVIEW_BODIES
                    .get(body_ix)
                    .copied()
                    .unwrap_or_default()
                    .to_owned(),
                created_at: now.plus_millis(-i64::try_from(i * 86_400_000).unwrap_or(0)),
            };
            self.store.insert_review(&review).await?;
        }
        Ok(())
    }
}

fn product_draft(data: &data::ProductData, rng: &mut Lcg) -> ProductDraft {
    let axes: Vec<SpecAxis> = data
        .axes
        .iter()
        .map(|(name, values)| SpecAxis {
            name: (*name).into(),
            values: values.iter().map(|v| (*v).to_string()).collect(),
        })
        .collect();
    let mut specs: Vec<Vec<String>> = vec![Vec::new()];
    for axis in &axes {
        specs = specs
            .into_iter()
            .flat_map(|prefix| {
                axis.values
                    .iter()
                    .map(move |v| [prefix.clone(), vec![v.clone()]].concat())
            })
            .collect();
    }
    let last_values = axes.last().map(|a| a.values.clone()).unwrap_or_default();
    let skus = specs
        .into_iter()
        .map(|spec| {
            let step = spec
                .last()
                .and_then(|v| last_values.iter().position(|x| x == v))
                .unwrap_or(0);
            let price = data
                .price_fen
                .saturating_add(data.price_fen / 20 * i64::try_from(step).unwrap_or(0));
            // About one SKU in twelve is sold out, so the sheet shows 已售罄.
            let stock = if rng.next(12) == 0 {
                0
            } else {
                20 + i64::try_from(rng.next(280)).unwrap_or(0)
            };
            SkuDraft {
                spec,
                price: Money::cny(price / 100 * 100),
                stock,
            }
        })
        .collect();
    ProductDraft {
        title: data.title.into(),
        description: data.description.into(),
        category: data.category.into(),
        media: vec![format!("/assets/demo/videos/v{:02}.jpg", data.video)],
        spec_axes: axes,
        skus,
        return_policy: Some(demo_return_policy(data)),
    }
}

/// Fresh fruit and roasted-to-order goods are the demo's non-returnable
/// kinds, so the 七天无理由 refusal can be seen.
fn demo_return_policy(data: &data::ProductData) -> ReturnPolicy {
    let text = format!("{}{}", data.title, data.description);
    let kind = if text.contains("鲜") || text.contains("现烘") {
        ProductKind::FreshFood
    } else {
        ProductKind::Standard
    };
    ReturnPolicy {
        no_reason_days: Some(7),
        kind,
    }
}
