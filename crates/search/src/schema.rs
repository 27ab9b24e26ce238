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
    pub description: Field,
    pub category: Field,
    pub category_exact: Field,
    pub merchant: Field,
    pub specs: Field,
    /// Title and category cut into whole words: only read for suggestions.
    pub words: Field,
    pub price: Field,
    pub sales: Field,
    pub created: Field,
    pub in_stock: Field,
}

impl Fields {
    /// Searchable text fields and their weight: the title says what the
    /// product is, a description mentions everything.
    pub fn weighted_text(&self) -> [(Field, f32); 5] {
        [
            (self.title, 3.0),
            (self.category, 1.5),
            (self.specs, 1.2),
            (self.merchant, 1.0),
            (self.description, 0.5),
        ]
    }

    pub fn id_term(&self, id: Uuid) -> Term {
        Term::from_field_text(self.id, &id.to_string())
    }

    pub fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, d.product_id.to_string());
        doc.add_u64(self.tiebreak, tiebreak(d.product_id));
        doc.add_text(self.title, &d.title);
        doc.add_text(self.description, &d.description);
        doc.add_text(self.category, &d.category);
        doc.add_text(self.category_exact, &d.category);
        doc.add_text(self.words, &d.title);
        doc.add_text(self.words, &d.category);
        doc.add_text(self.merchant, &d.merchant_name);
        for s in &d.specs {
            doc.add_text(self.specs, s);
        }
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
        description: b.add_text_field("description", text.clone()),
        category: b.add_text_field("category", text.clone()),
        category_exact: b.add_text_field("category_exact", STRING),
        merchant: b.add_text_field("merchant", text.clone()),
        specs: b.add_text_field("specs", text),
        words: b.add_text_field("words", words),
        price: b.add_i64_field(PRICE, FAST),
        sales: b.add_i64_field(SALES, FAST),
        created: b.add_i64_field(CREATED, FAST),
        in_stock: b.add_bool_field("in_stock", INDEXED),
    };
    (b.build(), fields)
}
