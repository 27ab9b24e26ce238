//! Small catalogs and shorthands shared by the integration tests.

#![allow(dead_code, clippy::unwrap_used)]

use uuid::Uuid;
use yc_search::{SearchDoc, SearchIndex, SearchQuery};

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub fn doc(n: u128, title: &str, category: &str, price: i64, sales: i64) -> SearchDoc {
    SearchDoc {
        product_id: id(n),
        title: title.to_string(),
        description: String::new(),
        category: category.to_string(),
        merchant_name: "小店".to_string(),
        specs: vec![],
        min_price_minor: price,
        sales,
        in_stock: true,
        created_at_ms: 1_700_000_000_000 + n as i64,
    }
}

pub fn index(docs: &[SearchDoc]) -> SearchIndex {
    let ix = SearchIndex::in_ram().unwrap();
    ix.upsert(docs).unwrap();
    ix.commit().unwrap();
    ix
}

pub fn ids(ix: &SearchIndex, q: &SearchQuery) -> Vec<u128> {
    ix.search(q)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.product_id.as_u128())
        .collect()
}

pub fn catalog() -> Vec<SearchDoc> {
    vec![
        doc(1, "法式碎花连衣裙 夏季新款", "女装", 19_900, 300),
        doc(2, "纯棉白色衬衫 男士商务", "男装", 12_900, 800),
        doc(3, "iPhone 15 Pro 透明手机壳", "数码", 2_900, 5_000),
        doc(4, "蓝牙耳机 降噪 无线", "数码", 29_900, 1_200),
        doc(5, "雪纺长袖连衣裙 气质", "女装", 25_900, 150),
        doc(6, "每日坚果 混合装 750g", "食品", 8_900, 9_000),
    ]
}
