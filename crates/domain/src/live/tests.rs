use super::*;
use crate::UserId;
use proptest::prelude::*;
use std::collections::HashMap;

fn room() -> LiveRoom {
    LiveRoomDraft {
        title: "直播间".into(),
        stream_url: "/assets/demo/videos/live01.mp4".into(),
        poster_url: "/assets/p.jpg".into(),
        pinned: vec![],
    }
    .parse(MerchantId::new(), Timestamp(0))
    .unwrap()
}

fn draft() -> FlashSaleDraft {
    FlashSaleDraft {
        sku_id: crate::SkuId::new(),
        flash_price: Money::cny(990),
        pool_size: 100,
        per_buyer_cap: 2,
        starts_in_secs: 60,
        countdown_secs: 30,
        duration_secs: 600,
        pay_window_minutes: None,
    }
}

#[test]
fn phases_follow_the_clock_and_the_pool() {
    let sale = draft()
        .parse(
            &room(),
            ProductId::new(),
            Money::cny(1990),
            500,
            Timestamp(0),
        )
        .unwrap();
    assert_eq!(sale.phase(Timestamp(29_999), 100), SalePhase::Scheduled);
    assert_eq!(sale.phase(Timestamp(30_000), 100), SalePhase::Countdown);
    assert_eq!(sale.phase(Timestamp(60_000), 100), SalePhase::Open);
    assert_eq!(sale.phase(Timestamp(60_000), 0), SalePhase::SoldOut);
    assert_eq!(sale.phase(Timestamp(660_000), 5), SalePhase::Ended);
    assert_eq!(sale.pay_window_ms, 300_000);
}

#[test]
fn drafts_are_bounded() {
    let r = room();
    let p = ProductId::new();
    let bad = |d: FlashSaleDraft| {
        d.parse(&r, p, Money::cny(1990), 500, Timestamp(0))
            .unwrap_err()
            .field
    };
    assert_eq!(
        bad(FlashSaleDraft {
            countdown_secs: 5,
            ..draft()
        }),
        "countdown_secs"
    );
    assert_eq!(
        bad(FlashSaleDraft {
            pool_size: 501,
            ..draft()
        }),
        "pool_size"
    );
    assert_eq!(
        bad(FlashSaleDraft {
            per_buyer_cap: 0,
            ..draft()
        }),
        "per_buyer_cap"
    );
    assert_eq!(
        bad(FlashSaleDraft {
            flash_price: Money::cny(2000),
            ..draft()
        }),
        "flash_price"
    );
    assert_eq!(
        bad(FlashSaleDraft {
            pay_window_minutes: Some(31),
            ..draft()
        }),
        "pay_window_minutes"
    );
}

#[test]
fn allocation_respects_pool_then_cap() {
    let a = UserId::new();
    let b = UserId::new();
    let held = HashMap::from([(a, 1)]);
    let reqs = [
        BuyRequest {
            buyer: a,
            quantity: 1,
        },
        BuyRequest {
            buyer: a,
            quantity: 1,
        },
        BuyRequest {
            buyer: b,
            quantity: 2,
        },
        BuyRequest {
            buyer: b,
            quantity: 1,
        },
    ];
    let out = allocate(3, 2, &held, &reqs);
    assert_eq!(
        out.decisions,
        vec![
            Decision::Accept,
            Decision::Refuse(Refusal::CapExceeded),
            Decision::Accept,
            Decision::Refuse(Refusal::CapExceeded)
        ]
    );
    assert_eq!(out.remaining_after, 0);
    assert_eq!(out.held_after[&a], 2);
}

proptest! {
    /// Whatever arrives: accepted units never exceed the pool, no buyer
    /// exceeds the cap, and the pool accounts for every accepted unit.
    #[test]
    fn never_oversells_or_exceeds_caps(pool in 0_i64..60, cap in 1_u32..5, reqs in proptest::collection::vec((0_usize..8, 0_u32..4), 0..200)) {
        let buyers: Vec<UserId> = (0..8).map(|_| UserId::new()).collect();
        let requests: Vec<BuyRequest> = reqs.iter().map(|(b, q)| BuyRequest { buyer: buyers[*b], quantity: *q }).collect();
        let out = allocate(pool, cap, &HashMap::new(), &requests);
        let mut per_buyer: HashMap<UserId, u32> = HashMap::new();
        let mut sold = 0_i64;
        for (r, d) in requests.iter().zip(&out.decisions) {
            if *d == Decision::Accept {
                sold += i64::from(r.quantity);
                *per_buyer.entry(r.buyer).or_default() += r.quantity;
            }
        }
        prop_assert!(sold <= pool);
        prop_assert_eq!(sold + out.remaining_after, pool);
        prop_assert!(per_buyer.values().all(|q| *q <= cap));
    }
}

#[test]
fn flash_orders_use_the_sale_price_window_and_rule() {
    let sale = draft()
        .parse(
            &room(),
            ProductId::new(),
            Money::cny(1990),
            500,
            Timestamp(0),
        )
        .unwrap();
    let item = SaleItem {
        title: "连衣裙".into(),
        spec_label: "尺码:M".into(),
        image: None,
        return_policy: Default::default(),
        insurance: None,
    };
    let address = crate::address::AddressDraft {
        recipient: "张三".into(),
        phone: "13800138000".into(),
        province: "广东省".into(),
        city: "深圳市".into(),
        district: "南山区".into(),
        detail: "科技园路1号".into(),
        is_default: true,
    }
    .parse(crate::AddressId::new(), UserId::new())
    .unwrap();
    let buyer = UserId::new();
    let order = flash_order(&sale, &item, buyer, &address, 2, Timestamp(60_000)).unwrap();
    assert_eq!(order.total, Money::cny(1980));
    assert_eq!(order.pay_deadline, Timestamp(60_000 + sale.pay_window_ms));
    assert_eq!(order.flash_sale_id, Some(sale.id));
    assert!(order.is_consistent());
    assert_eq!(
        flash_order(&sale, &item, buyer, &address, 0, Timestamp(0)),
        Err(Refusal::Invalid)
    );
    assert_eq!(
        flash_order(&sale, &item, buyer, &address, 3, Timestamp(0)),
        Err(Refusal::CapExceeded)
    );
}
