//! The tantivy schema and the mapping from [`SearchDoc`] to a tantivy doc.
//!
//! Only `product_id` and `title` are stored: a hit needs nothing else, and a
//! small doc store keeps the page fetch cheap. Filters and sorts read
//! columnar fast fields, never stored docs.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{TantivyDocument, Term};
use uuid::Uuid;

use crate::analysis::{ANALYZER, WORDS_ANALYZER};
use crate::model::SearchDoc;

pub(crate) const PRICE: &str = "price";
pub(crate) const SALES: &str = "sales";
pub(crate) const CREATED: &str = "created";
pub(crate) const TIEBREAK: &str = "tiebreak";

#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub tiebreak: Field,
    pub title: Field,
    /// Title, category, merchant, specs and description in one field: a
    /// query term is one posting list to walk, not a union over five
    /// fields (unions were half the query time at 1M products).
    pub all: Field,
    pub category_exact: Field,
    /// Title and category cut into whole words: only read for suggestions.
    pub words: Field,
    pub price: Field,
    pub sales: Field,
    pub created: Field,
    pub in_stock: Field,
}

impl Fields {
    pub fn id_term(&self, id: Uuid) -> Term {
        Term::from_field_text(self.id, &id.to_string())
    }

    pub fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, d.product_id.to_string());
        doc.add_u64(self.tiebreak, tiebreak(d.product_id));
        doc.add_text(self.title, &d.title);
        for text in [&d.title, &d.category, &d.merchant_name, &d.description] {
            doc.add_text(self.all, text);
        }
        for s in &d.specs {
            doc.add_text(self.all, s);
        }
        doc.add_text(self.category_exact, &d.category);
        doc.add_text(self.words, &d.title);
        doc.add_text(self.words, &d.category);
        doc.add_i64(self.price, d.min_price_minor);
        doc.add_i64(self.sales, d.sales);
        doc.add_i64(self.created, d.created_at_ms);
        doc.add_bool(self.in_stock, d.in_stock);
        doc
    }
}

/// Ties in every sort are broken by this, ascending: the low 64 bits of
/// the id (random in v4 and v7 ids), so the order does not depend on
/// segment layout or merges.
pub(crate) fn tiebreak(id: Uuid) -> u64 {
    id.as_u128() as u64
}

pub(crate) fn build() -> (Schema, Fields) {
    // Frequencies without positions: matching is by words, never phrases,
    // and highlighting re-tokenizes the title.
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    // Doc ids only: suggestions read just the term dictionary's doc counts.
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(WORDS_ANALYZER)
            .set_index_option(IndexRecordOption::Basic)
            .set_fieldnorms(false),
    );
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("product_id", STRING | STORED),
        tiebreak: b.add_u64_field(TIEBREAK, FAST),
        title: b.add_text_field("title", text.clone() | STORED),
        all: b.add_text_field("all", text),
        category_exact: b.add_text_field("category_exact", STRING),
        words: b.add_text_field("words", words),
        price: b.add_i64_field(PRICE, FAST),
        sales: b.add_i64_field(SALES, FAST),
        created: b.add_i64_field(CREATED, FAST),
        in_stock: b.add_bool_field("in_stock", INDEXED),
    };
    (b.build(), fields)
}
