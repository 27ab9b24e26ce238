//! Every list is paged, and a page has a bound.

use crate::ValidationError;

pub const DEFAULT_PAGE_SIZE: u32 = 20;
pub const MAX_PAGE_SIZE: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

impl PageSize {
    pub fn parse(raw: Option<u32>) -> Result<Self, ValidationError> {
        match raw {
            None => Ok(Self(DEFAULT_PAGE_SIZE)),
            Some(0) => Err(ValidationError::new(
                "limit",
                "out_of_range",
                "limit must be at least 1",
            )),
            Some(n) if n > MAX_PAGE_SIZE => Err(ValidationError::new(
                "limit",
                "out_of_range",
                format!("limit must be at most {MAX_PAGE_SIZE}"),
            )),
            Some(n) => Ok(Self(n)),
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self(DEFAULT_PAGE_SIZE)
    }
}

/// Keyset page request: items strictly "after" the cursor in the list's
/// order (ids are UUIDv7, so newest-first lists page by id descending).
#[derive(Debug, Clone, Copy, Default)]
pub struct PageRequest {
    pub size: PageSize,
    pub after: Option<uuid::Uuid>,
}

#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor for the next page; `None` on the last page.
    pub next: Option<uuid::Uuid>,
}

impl<T> Page<T> {
    /// Builds a page from `size + 1` fetched rows: the extra row only tells
    /// whether a next page exists.
    pub fn from_overfetch(
        mut rows: Vec<T>,
        size: PageSize,
        id_of: impl Fn(&T) -> uuid::Uuid,
    ) -> Self {
        let size = size.get() as usize;
        let has_more = rows.len() > size;
        rows.truncate(size);
        let next = if has_more {
            rows.last().map(&id_of)
        } else {
            None
        };
        Page { items: rows, next }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next: self.next,
        }
    }
}
