//! Discovery: behaviour events (validated, bounded, all-or-nothing), the
//! personalized feed (learns from engagement, never shows blocked
//! products), and Chinese product search following product changes.

use crate::harness::World;
use crate::story;
use uuid::Uuid;
use yc_domain::behaviour::EventDraft;
use yc_domain::catalog::{Product, ProductDraft, ProductStatus, SkuDraft, SpecAxis};
use yc_domain::video::VideoDraft;
use yc_domain::{Money, VideoId};
use yc_services::ServiceError;
use yc_services::catalog::ProductEdit;
use yc_services::feed::Viewer;
use yc_services::search::SearchParams;

async fn listed(
    w: &World,
    shop: &yc_domain::account::User,
    title: &str,
    category: &str,
) -> (Product, VideoId) {
    let draft = ProductDraft {
        title: title.into(),
        description: String::new(),
        category: category.into(),
        media: vec![],
        spec_axes: vec![SpecAxis {
            name: "规格".into(),
            values: vec!["标准".into()],
        }],
        skus: vec![SkuDraft {
            spec: vec!["标准".into()],
            price: Money::cny(5900),
            stock: 50,
        }],
        return_policy: None,
    };
    let product = w.services.create_product(shop, draft).await.unwrap();
    let video = w
        .services
        .create_video(
            shop,
            VideoDraft {
                title: title.into(),
                video_url: "/assets/v.mp4".into(),
                poster_url: "/assets/v.jpg".into(),
                product_ids: vec![product.id],
            },
        )
        .await
        .unwrap();
    (product, video.id)
}

fn ev(video: VideoId, kind: &str, pct: Option<u8>) -> EventDraft {
    EventDraft {
        video_id: video,
        kind: kind.into(),
        completion_pct: pct,
        ago_ms: None,
    }
}

story!(
    events_are_validated_and_all_or_nothing,
    |w: World| async move {
        let shop = w.merchant("disc1_shop").await;
        let (_, v) = listed(&w, &shop, "法式碎花连衣裙", "女装").await;
        let device = Some(Uuid::now_v7());
        let before = w.services.store.last_event_seq().await.unwrap();
        let bad = [ev(v, "impression", None), ev(v, "teleport", None)];
        assert!(matches!(
            w.services.record_events(None, device, &bad).await,
            Err(ServiceError::Invalid(_))
        ));
        let too_many = vec![ev(v, "impression", None); 101];
        assert!(matches!(
            w.services.record_events(None, device, &too_many).await,
            Err(ServiceError::Invalid(_))
        ));
        assert!(
            w.services
                .record_events(None, None, &[ev(v, "impression", None)])
                .await
                .is_err(),
            "anonymous needs a device id"
        );
        assert_eq!(
            w.services.store.last_event_seq().await.unwrap(),
            before,
            "nothing stored"
        );
        let ok = w
            .services
            .record_events(
                None,
                device,
                &[ev(v, "impression", None), ev(v, "watch", Some(90))],
            )
            .await
            .unwrap();
        assert_eq!(ok.accepted, 2);
        let stored = w.services.store.events_after(before, 10).await.unwrap();
        assert_eq!(stored.len(), 2);
    }
);

story!(feed_learns_and_never_shows_blocked, |w: World| async move {
    let shop = w.merchant("disc2_shop").await;
    let mut dresses = Vec::new();
    let mut gadgets = Vec::new();
    for i in 0..6 {
        dresses.push(listed(&w, &shop, &format!("连衣裙{i}"), "女装").await);
        gadgets.push(listed(&w, &shop, &format!("蓝牙耳机{i}"), "数码").await);
    }
    let viewer = Viewer {
        device: Some(Uuid::now_v7()),
        ..Viewer::default()
    };
    w.services.feed_load().await.unwrap();
    // Engage with digital gadgets only.
    let mut drafts = Vec::new();
    for (_, v) in gadgets.iter().take(3) {
        drafts.push(ev(*v, "impression", None));
        drafts.push(ev(*v, "watch", Some(100)));
        drafts.push(ev(*v, "cart_tap", None));
        drafts.push(ev(*v, "add_to_cart", None));
    }
    w.services
        .record_events(None, viewer.device, &drafts)
        .await
        .unwrap();
    w.services.feed_tail().await.unwrap();
    w.services.feed_sync_catalog().await.unwrap();
    let page = w.services.personal_feed(&viewer, &[], 4).await.unwrap();
    let top: Vec<&str> = page
        .items
        .iter()
        .map(|i| i.item.products[0].category.as_str())
        .collect();
    assert!(top.iter().filter(|c| **c == "数码").count() >= 2, "{top:?}");
    assert!(
        page.items.iter().all(|i| !i.reasons.is_empty()),
        "every item says why"
    );

    // Hide one gadget: it is gone at once, before the model hears of it.
    let hidden = &gadgets[4];
    w.services
        .update_product(
            &shop,
            hidden.0.id,
            ProductEdit {
                status: Some(ProductStatus::Hidden),
                ..ProductEdit::default()
            },
        )
        .await
        .unwrap();
    for _ in 0..3 {
        let page = w.services.personal_feed(&viewer, &[], 20).await.unwrap();
        assert!(
            page.items.iter().all(|i| i.item.video.id != hidden.1),
            "blocked product shown"
        );
        assert!(page.items.len() >= 10);
    }
    // Seen videos are not shown again.
    let first = w.services.personal_feed(&viewer, &[], 5).await.unwrap();
    let seen: Vec<VideoId> = first.items.iter().map(|i| i.item.video.id).collect();
    let next = w.services.personal_feed(&viewer, &seen, 5).await.unwrap();
    assert!(next.items.iter().all(|i| !seen.contains(&i.item.video.id)));
});

story!(
    search_finds_words_inside_titles_and_follows_edits,
    |w: World| async move {
        let shop = w.merchant("disc3_shop").await;
        let (dress, _) = listed(&w, &shop, "法式碎花连衣裙 夏季新款", "女装").await;
        listed(&w, &shop, "降噪蓝牙耳机", "数码").await;
        let found = w
            .services
            .search_products(SearchParams {
                q: "连衣裙".into(),
                ..SearchParams::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].product.id, dress.id);
        assert!(
            found.items[0].title_html.contains("<em>连衣裙</em>"),
            "{}",
            found.items[0].title_html
        );
        let suggestions = w.services.search_suggest("连衣").await.unwrap();
        assert!(
            suggestions.iter().any(|s| s.starts_with("连衣")),
            "{suggestions:?}"
        );
        assert!(
            w.services
                .search_products(SearchParams {
                    sort: Some("cheapest".into()),
                    ..SearchParams::default()
                })
                .await
                .is_err()
        );

        // Hidden products leave the index within a flush.
        w.services
            .update_product(
                &shop,
                dress.id,
                ProductEdit {
                    status: Some(ProductStatus::Hidden),
                    ..ProductEdit::default()
                },
            )
            .await
            .unwrap();
        w.services.search_flush().await.unwrap();
        let found = w
            .services
            .search_products(SearchParams {
                q: "连衣裙".into(),
                ..SearchParams::default()
            })
            .await
            .unwrap();
        assert_eq!(found.total, 0);
    }
);
