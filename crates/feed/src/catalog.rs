//! The item side of the model: metadata interned to dense indices, plus the
//! availability flags the platform flips.

use crate::error::FeedError;
use crate::intern::Interner;
use crate::params::{Capacity, bounds};
use crate::types::{Availability, ItemMeta};
use uuid::Uuid;
use yc_domain::fulfilment::Province;

/// Tags inline in the row: a request reads thousands of rows at random,
/// and a `Vec` would add a second cache miss to each.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tags {
    ids: [u32; bounds::TAGS_PER_ITEM],
    len: u8,
}

impl Tags {
    pub fn as_slice(&self) -> &[u32] {
        &self.ids[..usize::from(self.len)]
    }

    fn push(&mut self, id: u32) {
        let n = usize::from(self.len);
        if n < self.ids.len() && !self.as_slice().contains(&id) {
            self.ids[n] = id;
            self.len += 1;
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct ItemRow {
    pub key: Uuid,
    /// Dense product id: one product can star in several videos.
    pub product: u32,
    pub category: u32,
    pub tags: Tags,
    pub merchant: u32,
    pub origin: Option<Province>,
    pub created_at_ms: i64,
    pub single_purchase: bool,
    pub avail: Availability,
}

impl ItemRow {
    pub fn blocked(&self) -> bool {
        self.avail.blocked_or_deleted
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub keys: Interner<Uuid>,
    pub rows: Vec<ItemRow>,
    pub categories: Interner<String>,
    pub tags: Interner<String>,
    pub merchants: Interner<Uuid>,
    pub products: Interner<Uuid>,
}

impl Catalog {
    pub fn new(cap: &Capacity) -> Self {
        Catalog {
            keys: Interner::new(cap.max_items),
            rows: Vec::new(),
            categories: Interner::new(cap.max_categories),
            tags: Interner::new(cap.max_tags),
            merchants: Interner::new(cap.max_merchants),
            products: Interner::new(cap.max_items),
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn index(&self, key: &Uuid) -> Option<u32> {
        self.keys.get(key)
    }

    pub fn row(&self, idx: u32) -> &ItemRow {
        &self.rows[idx as usize]
    }

    /// Inserts or replaces; returns the dense index and whether it is new.
    /// Availability survives a metadata update.
    pub fn upsert(&mut self, meta: &ItemMeta) -> Result<(u32, bool), FeedError> {
        let category = self
            .categories
            .intern(&meta.category)
            .ok_or(FeedError::InternFull {
                what: "categories",
                max: self.categories.len(),
            })?;
        let merchant = self
            .merchants
            .intern(&meta.merchant)
            .ok_or(FeedError::InternFull {
                what: "merchants",
                max: self.merchants.len(),
            })?;
        let product = self
            .products
            .intern(&meta.product)
            .ok_or(FeedError::InternFull {
                what: "products",
                max: self.products.len(),
            })?;
        let mut tags = Tags::default();
        for tag in meta.tags.iter().take(bounds::TAGS_PER_ITEM) {
            let id = self.tags.intern(tag).ok_or(FeedError::InternFull {
                what: "tags",
                max: self.tags.len(),
            })?;
            tags.push(id);
        }
        let existing = self.keys.get(&meta.key);
        let idx = match existing {
            Some(idx) => idx,
            None => self.keys.intern(&meta.key).ok_or(FeedError::CatalogFull {
                max: self.keys.len(),
            })?,
        };
        let avail = existing
            .map(|i| self.rows[i as usize].avail)
            .unwrap_or_default();
        let row = ItemRow {
            key: meta.key,
            product,
            category,
            tags,
            merchant,
            origin: meta.origin,
            created_at_ms: meta.created_at_ms,
            single_purchase: meta.single_purchase,
            avail,
        };
        if existing.is_some() {
            self.rows[idx as usize] = row;
        } else {
            debug_assert_eq!(idx as usize, self.rows.len());
            self.rows.push(row);
        }
        Ok((idx, existing.is_none()))
    }

    pub fn set_available(&mut self, key: &Uuid, avail: Availability) -> Result<(), FeedError> {
        let idx = self.index(key).ok_or(FeedError::UnknownItem(*key))?;
        self.rows[idx as usize].avail = avail;
        Ok(())
    }

    pub fn category_name(&self, id: u32) -> &str {
        self.categories.key(id).map(String::as_str).unwrap_or("")
    }

    pub fn tag_name(&self, id: u32) -> &str {
        self.tags.key(id).map(String::as_str).unwrap_or("")
    }
}
