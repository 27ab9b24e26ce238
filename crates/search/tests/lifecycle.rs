//! The index's life: replacing and deleting products, suggestions
//! following commits, reopening a directory, sharing across threads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{catalog, doc, id, ids, index};
use yc_search::{IndexOptions, SearchIndex, SearchQuery};

#[test]
fn upsert_replaces_by_id() {
    let ix = index(&catalog());
    let mut changed = doc(1, "羊毛围巾 冬季", "配饰", 9_900, 300);
    changed.product_id = id(1);
    ix.upsert(&[changed]).unwrap();
    // Not visible before the commit.
    assert_eq!(ids(&ix, &SearchQuery::text("围巾")), Vec::<u128>::new());
    ix.commit().unwrap();
    assert_eq!(ids(&ix, &SearchQuery::text("围巾")), vec![1]);
    assert_eq!(ids(&ix, &SearchQuery::text("碎花")), Vec::<u128>::new());
    assert_eq!(ix.num_docs(), 6);
}

#[test]
fn same_id_twice_in_one_batch_keeps_the_last() {
    let ix = index(&[
        doc(1, "旧标题", "女装", 1, 1),
        doc(1, "新标题", "女装", 1, 1),
    ]);
    assert_eq!(ix.num_docs(), 1);
    assert_eq!(ids(&ix, &SearchQuery::text("新标题")), vec![1]);
}

#[test]
fn delete_removes() {
    let ix = index(&catalog());
    ix.delete(id(3)).unwrap();
    ix.delete(id(999)).unwrap();
    ix.commit().unwrap();
    assert_eq!(ids(&ix, &SearchQuery::text("iphone")), Vec::<u128>::new());
    assert_eq!(ix.num_docs(), 5);
}

#[test]
fn suggestions_complete_chinese_and_latin_prefixes() {
    let mut docs = catalog();
    docs.push(doc(7, "iPad 保护套", "数码", 100, 1));
    docs.push(doc(8, "连衣裙 长款", "女装", 100, 1));
    let ix = index(&docs);
    let s = ix.suggest("连衣", 5).unwrap();
    assert_eq!(s.first().map(String::as_str), Some("连衣裙"), "{s:?}");
    let s = ix.suggest("IP", 5).unwrap();
    assert_eq!(s, vec!["ipad", "iphone"]);
    assert_eq!(ix.suggest("数", 5).unwrap(), vec!["数码"]);
    assert!(ix.suggest("zzz", 5).unwrap().is_empty());
    assert!(ix.suggest("", 5).unwrap().is_empty());
    assert_eq!(ix.suggest("连", 1).unwrap().len(), 1);
    // Later commits refresh it only once the refresh interval is over.
    ix.upsert(&[doc(9, "Xiaomi 14 手机", "数码", 100, 1)])
        .unwrap();
    ix.commit().unwrap();
    assert!(ix.suggest("xiao", 5).unwrap().is_empty());
    ix.refresh_suggestions().unwrap();
    assert_eq!(ix.suggest("xiao", 5).unwrap(), vec!["xiaomi"]);
}

#[test]
fn suggestions_can_follow_every_commit() {
    let opts = IndexOptions {
        suggest_refresh: Duration::ZERO,
        ..IndexOptions::default()
    };
    let ix = SearchIndex::in_ram_with(opts).unwrap();
    for (n, title) in [(1, "Xiaomi 14"), (2, "Xiaomi 15"), (3, "Huawei Mate")] {
        ix.upsert(&[doc(n, title, "数码", 100, 1)]).unwrap();
        ix.commit().unwrap();
    }
    assert_eq!(ix.suggest("x", 5).unwrap(), vec!["xiaomi"]);
    assert_eq!(ix.suggest("hua", 5).unwrap(), vec!["huawei"]);
}

#[test]
fn reopening_a_directory_keeps_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("search");
    {
        let ix = SearchIndex::open_dir(&path).unwrap();
        ix.upsert(&catalog()).unwrap();
        ix.commit().unwrap();
        // Uncommitted work is lost on close.
        ix.upsert(&[doc(100, "未提交", "女装", 1, 1)]).unwrap();
    }
    let ix = SearchIndex::open_dir(&path).unwrap();
    assert_eq!(ix.num_docs(), 6);
    assert_eq!(ids(&ix, &SearchQuery::text("连衣裙")).len(), 2);
    assert_eq!(ix.suggest("连衣", 1).unwrap(), vec!["连衣裙"]);
}

#[test]
fn a_second_handle_on_the_same_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let _first = SearchIndex::open_dir(dir.path()).unwrap();
    assert!(SearchIndex::open_dir(dir.path()).is_err());
}

#[test]
fn index_is_shareable_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
    let ix = std::sync::Arc::new(index(&catalog()));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let ix = ix.clone();
            std::thread::spawn(move || ix.search(&SearchQuery::text("连衣裙")).unwrap().total)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 2);
    }
}

#[test]
fn a_directory_with_another_schema_is_refused_not_reused() {
    let dir = tempfile::tempdir().unwrap();
    let mut schema = tantivy::schema::Schema::builder();
    schema.add_text_field("something_else", tantivy::schema::TEXT);
    let other = tantivy::directory::MmapDirectory::open(dir.path()).unwrap();
    tantivy::Index::create(other, schema.build(), Default::default()).unwrap();
    assert!(SearchIndex::open_dir(dir.path()).is_err());
}
