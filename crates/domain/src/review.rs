use crate::{ProductId, ReviewId, Timestamp, UserId};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub id: ReviewId,
    pub product_id: ProductId,
    pub user_id: UserId,
    /// Shown masked (张*): reviews are public.
    pub author_name: String,
    pub rating: u8,
    pub body: String,
    pub created_at: Timestamp,
}

/// What the product sheet shows: count, average and the spread of stars.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReviewSummary {
    pub count: u64,
    /// Average rating × 10, rounded half up (4.6 → 46): no floats.
    pub average_x10: u32,
    /// counts for 1..=5 stars
    pub histogram: [u64; 5],
    /// Share of 4–5 star reviews in percent (好评率).
    pub positive_percent: u32,
}

impl ReviewSummary {
    pub fn from_histogram(histogram: [u64; 5]) -> ReviewSummary {
        let count: u64 = histogram.iter().sum();
        if count == 0 {
            return ReviewSummary::default();
        }
        let stars: u64 = histogram
            .iter()
            .zip(1_u64..)
            .map(|(n, s)| n.saturating_mul(s))
            .sum();
        let average_x10 = (stars.saturating_mul(20) / count).div_ceil(2);
        let positive = histogram[3].saturating_add(histogram[4]);
        let positive_percent = (positive.saturating_mul(100) / count).min(100);
        ReviewSummary {
            count,
            average_x10: u32::try_from(average_x10).unwrap_or(50),
            histogram,
            positive_percent: u32::try_from(positive_percent).unwrap_or(100),
        }
    }
    /// "4.6"
    pub fn average_text(&self) -> String {
        format!("{}.{}", self.average_x10 / 10, self.average_x10 % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_uses_integer_rounding() {
        let s = ReviewSummary::from_histogram([0, 0, 1, 1, 1]);
        assert_eq!(s.count, 3);
        assert_eq!(s.average_x10, 40);
        assert_eq!(s.average_text(), "4.0");
        assert_eq!(s.positive_percent, 66);
        let s = ReviewSummary::from_histogram([0, 0, 0, 1, 2]);
        assert_eq!(s.average_x10, 47); // 4.666… rounds to 4.7
        assert_eq!(ReviewSummary::from_histogram([0; 5]).count, 0);
    }
}
