//! 隐私面单: the waybill printed on the parcel and shown to the merchant.
//! Built only from the order's shipping snapshot, and the only shape of the
//! recipient that merchant-facing code should ever receive.

use crate::address::{mask_detail, mask_name, mask_phone};
use crate::order::ShippingAddress;
use serde::{Deserialize, Serialize};

/// Fields are private and `new` masks them, so code holding a `Waybill` can
/// never reach the raw recipient. (`Deserialize` exists only to read back
/// waybills this type itself stored.)
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waybill {
    carrier: String,
    tracking_no: String,
    recipient: String,
    phone: String,
    /// Province/city/district stay readable: couriers sort by them.
    region: String,
    detail: String,
}

impl Waybill {
    pub fn new(carrier: &str, tracking_no: &str, address: &ShippingAddress) -> Waybill {
        Waybill {
            carrier: carrier.to_owned(),
            tracking_no: tracking_no.to_owned(),
            recipient: mask_name(&address.recipient),
            phone: mask_phone(&address.phone),
            region: address.region.clone(),
            detail: mask_detail(&address.detail),
        }
    }

    pub fn carrier(&self) -> &str {
        &self.carrier
    }
    pub fn tracking_no(&self) -> &str {
        &self.tracking_no
    }
    pub fn recipient(&self) -> &str {
        &self.recipient
    }
    pub fn phone(&self) -> &str {
        &self.phone
    }
    pub fn region(&self) -> &str {
        &self.region
    }
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(phone: &str) -> ShippingAddress {
        ShippingAddress {
            recipient: "张三丰".into(),
            phone: phone.into(),
            region: "广东省深圳市南山区".into(),
            detail: "科技园路1号腾讯大厦B座".into(),
        }
    }

    #[test]
    fn masks_everything_but_region() {
        let w = Waybill::new("sandbox", "SB0001", &snapshot("13800138000"));
        assert_eq!(w.recipient(), "张**");
        assert_eq!(w.phone(), "138****8000");
        assert_eq!(w.region(), "广东省深圳市南山区");
        assert_eq!(w.detail(), "科技****");
        assert_eq!(w.tracking_no(), "SB0001");
        assert_eq!(w.carrier(), "sandbox");
    }

    #[test]
    fn no_middle_phone_digit_survives_anywhere() -> Result<(), serde_json::Error> {
        // Middle digits 5-8 of each number are distinct from head and tail,
        // so any leak of them shows up as a substring of the serialized form.
        for n in 0..200u64 {
            let middle = format!("{:04}", 5000 + n);
            let phone = format!("139{middle}2468");
            let w = Waybill::new("sandbox", "SB1", &snapshot(&phone));
            let json = serde_json::to_string(&w)?;
            assert!(!json.contains(&phone));
            assert!(!json.contains(&middle), "{json}");
            let digits: String = w.phone().chars().filter(char::is_ascii_digit).collect();
            assert_eq!(digits, "1392468");
            assert!(!json.contains("三丰"));
            assert!(!json.contains("腾讯"));
        }
        Ok(())
    }
}
