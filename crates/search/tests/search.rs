//! Search behaviour: matching, filters, sorts, highlighting, paging and
//! hostile input, on small in-RAM indexes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{catalog, doc, ids, index};
use yc_search::{MAX_LIMIT, MAX_OFFSET, SearchError, SearchIndex, SearchQuery, SortBy};

#[test]
fn a_word_inside_a_longer_title_is_found() {
    let ix = index(&catalog());
    let found = ids(&ix, &SearchQuery::text("连衣裙"));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&1) && found.contains(&5));
}

#[test]
fn latin_and_digits_case_insensitive() {
    let ix = index(&catalog());
    assert_eq!(ids(&ix, &SearchQuery::text("iPhone 15")), vec![3]);
    assert_eq!(ids(&ix, &SearchQuery::text("IPHONE")), vec![3]);
    assert_eq!(ids(&ix, &SearchQuery::text("750G")), vec![6]);
    // Glued or spaced, model names meet.
    assert_eq!(ids(&ix, &SearchQuery::text("iphone15")), vec![3]);
    let glued = index(&[doc(7, "Huawei Mate60Pro 手机", "数码", 1, 1)]);
    assert_eq!(ids(&glued, &SearchQuery::text("mate 60")), vec![7]);
    assert_eq!(ids(&glued, &SearchQuery::text("Mate60")), vec![7]);
}

#[test]
fn every_word_must_match_while_some_do() {
    let ix = index(&catalog());
    assert_eq!(ids(&ix, &SearchQuery::text("碎花 连衣裙")), vec![1]);
    // No product has both, so any-word matching takes over.
    let loose = ids(&ix, &SearchQuery::text("碎花 耳机"));
    assert_eq!(loose.len(), 2, "{loose:?}");
}

#[test]
fn title_outweighs_description() {
    let mut in_desc = doc(1, "夏季新款 女士", "女装", 100, 0);
    in_desc.description = "可以当连衣裙穿".into();
    let in_title = doc(2, "碎花连衣裙", "女装", 100, 0);
    let ix = index(&[in_desc, in_title]);
    assert_eq!(ids(&ix, &SearchQuery::text("连衣裙")), vec![2, 1]);
}

#[test]
fn category_merchant_and_specs_are_searchable() {
    let mut d = doc(1, "夏季新款", "女装", 100, 0);
    d.merchant_name = "优衣库旗舰店".into();
    d.specs = vec!["酒红色".into(), "XL".into()];
    let ix = index(&[d, doc(2, "其它", "食品", 100, 0)]);
    assert_eq!(ids(&ix, &SearchQuery::text("女装")), vec![1]);
    assert_eq!(ids(&ix, &SearchQuery::text("优衣库")), vec![1]);
    assert_eq!(ids(&ix, &SearchQuery::text("xl")), vec![1]);
    assert_eq!(ids(&ix, &SearchQuery::text("酒红色")), vec![1]);
}

#[test]
fn filters_category_price_and_stock() {
    let mut docs = catalog();
    docs[4].in_stock = false;
    let ix = index(&docs);
    let q = |f: &dyn Fn(&mut SearchQuery)| {
        let mut q = SearchQuery::text("");
        f(&mut q);
        let mut got = ids(&ix, &q);
        got.sort();
        got
    };
    assert_eq!(q(&|q| q.category = Some("数码".into())), vec![3, 4]);
    assert_eq!(q(&|q| q.category = Some("数".into())), Vec::<u128>::new());
    assert_eq!(
        q(&|q| {
            q.price_min_minor = Some(8_900);
            q.price_max_minor = Some(19_900);
        }),
        vec![1, 2, 6]
    );
    assert_eq!(q(&|q| q.price_max_minor = Some(2_900)), vec![3]);
    assert_eq!(
        q(&|q| {
            q.text = "连衣裙".into();
            q.in_stock_only = true;
        }),
        vec![1]
    );
    assert_eq!(
        q(&|q| {
            q.text = "连衣裙".into();
            q.price_min_minor = Some(20_000);
        }),
        vec![5]
    );
}

#[test]
fn blank_text_with_a_category_browses_it() {
    let ix = index(&catalog());
    let q = SearchQuery {
        category: Some("女装".into()),
        ..SearchQuery::text("   ")
    };
    let r = ix.search(&q).unwrap();
    assert_eq!(r.total, 2);
    // Equal relevance falls back to sales.
    let got: Vec<u128> = r.hits.iter().map(|h| h.product_id.as_u128()).collect();
    assert_eq!(got, vec![1, 5]);
}

#[test]
fn each_sort_order() {
    let ix = index(&catalog());
    let sorted = |sort| {
        ids(
            &ix,
            &SearchQuery {
                sort,
                ..SearchQuery::text("")
            },
        )
    };
    assert_eq!(sorted(SortBy::Sales), vec![6, 3, 4, 2, 1, 5]);
    assert_eq!(sorted(SortBy::PriceAsc), vec![3, 6, 2, 1, 5, 4]);
    assert_eq!(sorted(SortBy::PriceDesc), vec![4, 5, 1, 2, 6, 3]);
    assert_eq!(sorted(SortBy::Newest), vec![6, 5, 4, 3, 2, 1]);
    assert_eq!(sorted(SortBy::Relevance), vec![6, 3, 4, 2, 1, 5]);
}

#[test]
fn ties_break_by_id_across_segments() {
    let ix = SearchIndex::in_ram().unwrap();
    // Committed in separate segments, in reverse id order.
    for n in [30u128, 20, 10] {
        ix.upsert(&[doc(n, "同款", "女装", 500, 7)]).unwrap();
        ix.commit().unwrap();
    }
    for sort in [
        SortBy::Relevance,
        SortBy::Sales,
        SortBy::PriceAsc,
        SortBy::PriceDesc,
    ] {
        let q = SearchQuery {
            sort,
            ..SearchQuery::text("同款")
        };
        assert_eq!(ids(&ix, &q), vec![10, 20, 30], "{sort:?}");
    }
}

#[test]
fn relevance_hits_carry_scores_and_others_do_not() {
    let ix = index(&catalog());
    let r = ix.search(&SearchQuery::text("连衣裙")).unwrap();
    assert!(r.hits.iter().all(|h| h.score > 0.0));
    let q = SearchQuery {
        sort: SortBy::Sales,
        ..SearchQuery::text("连衣裙")
    };
    assert!(ix.search(&q).unwrap().hits.iter().all(|h| h.score == 0.0));
}

#[test]
fn highlighting_marks_matches_and_escapes_html() {
    let ix = index(&[doc(
        1,
        "<script>alert(1)</script>碎花连衣裙 & more",
        "女装",
        1,
        1,
    )]);
    let r = ix.search(&SearchQuery::text("连衣裙")).unwrap();
    assert_eq!(
        r.hits[0].title_html,
        "&lt;script&gt;alert(1)&lt;/script&gt;碎花<em>连衣裙</em> &amp; more"
    );
    let r = ix.search(&SearchQuery::text("script")).unwrap();
    assert_eq!(
        r.hits[0].title_html,
        "&lt;<em>script</em>&gt;alert(1)&lt;/<em>script</em>&gt;碎花连衣裙 &amp; more"
    );
}

#[test]
fn junk_queries_never_error() {
    let ix = index(&catalog());
    let long: String = "连衣裙\"AND(OR:[".repeat(200);
    let junk = [
        "\"",
        "\"连衣裙",
        "title:连衣裙",
        "AND",
        "OR NOT",
        "连衣裙 AND",
        "(((",
        "[1 TO 5]",
        "*",
        "?",
        "~2",
        "^3",
        "-",
        "+连衣裙",
        "\\",
        "🔥🔥🔥",
        "👗连衣裙👗",
        "\u{0}",
        "<b>",
        "连衣裙\t\n",
        long.as_str(),
    ];
    for text in junk {
        let r = ix.search(&SearchQuery::text(text));
        assert!(r.is_ok(), "{text:?}: {r:?}");
    }
    assert_eq!(ids(&ix, &SearchQuery::text("👗连衣裙👗")).len(), 2);
    // Only punctuation: nothing searchable, so nothing found (not "everything").
    assert_eq!(ix.search(&SearchQuery::text("!!! ???")).unwrap().total, 0);
}

#[test]
fn query_text_is_cut_at_100_chars_not_bytes() {
    let ix = index(&catalog());
    // 99 junk chars then a word that straddles the cut: only "连" survives,
    // which matches nothing; a multi-byte cut must not panic either.
    let text = format!("{}连衣裙", "。".repeat(99));
    assert_eq!(ix.search(&SearchQuery::text(text)).unwrap().total, 0);
    let text = format!("{}连衣裙", "。".repeat(97));
    assert_eq!(ix.search(&SearchQuery::text(text)).unwrap().total, 2);
}

#[test]
fn page_bounds_are_typed_errors() {
    let ix = index(&catalog());
    let over_limit = SearchQuery {
        limit: MAX_LIMIT + 1,
        ..SearchQuery::text("连衣裙")
    };
    assert!(matches!(
        ix.search(&over_limit),
        Err(SearchError::LimitTooLarge { limit: 51, max: 50 })
    ));
    let over_offset = SearchQuery {
        offset: MAX_OFFSET + 1,
        ..SearchQuery::text("连衣裙")
    };
    assert!(matches!(
        ix.search(&over_offset),
        Err(SearchError::OffsetTooLarge { .. })
    ));
    let deepest = SearchQuery {
        offset: MAX_OFFSET,
        limit: MAX_LIMIT,
        ..SearchQuery::text("")
    };
    assert_eq!(ix.search(&deepest).unwrap().hits.len(), 0);
}

#[test]
fn paging_and_count_only() {
    let ix = index(&catalog());
    let page = |offset, limit| SearchQuery {
        sort: SortBy::Sales,
        offset,
        limit,
        ..SearchQuery::text("")
    };
    assert_eq!(ids(&ix, &page(0, 2)), vec![6, 3]);
    assert_eq!(ids(&ix, &page(2, 2)), vec![4, 2]);
    assert_eq!(ids(&ix, &page(5, 2)), vec![5]);
    let count = ix.search(&page(0, 0)).unwrap();
    assert_eq!((count.total, count.hits.len()), (6, 0));
}
