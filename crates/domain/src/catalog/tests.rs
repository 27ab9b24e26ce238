use super::*;

fn draft() -> ProductDraft {
    ProductDraft {
        title: " 法式碎花连衣裙 ".into(),
        description: "夏季新款".into(),
        category: "女装".into(),
        media: vec!["/assets/demo/videos/v01.jpg".into()],
        spec_axes: vec![
            SpecAxis {
                name: "颜色".into(),
                values: vec!["红".into(), "蓝".into()],
            },
            SpecAxis {
                name: "尺码".into(),
                values: vec!["S".into(), "M".into()],
            },
        ],
        skus: vec![
            SkuDraft {
                spec: vec!["红".into(), "S".into()],
                price: Money::cny(19900),
                stock: 5,
            },
            SkuDraft {
                spec: vec!["蓝".into(), "M".into()],
                price: Money::cny(18900),
                stock: 0,
            },
        ],
        return_policy: None,
    }
}

#[test]
fn parses_a_valid_draft() {
    let p = draft().parse(MerchantId::new(), Timestamp(1)).unwrap();
    assert_eq!(p.title, "法式碎花连衣裙");
    assert_eq!(p.min_price(), Some(Money::cny(18900)));
    assert_eq!(p.spec_label(&p.skus[0]), "颜色:红 / 尺码:S");
}

#[test]
fn rejects_unknown_spec_value_and_duplicates() {
    let mut d = draft();
    d.skus[0].spec[1] = "XXL".into();
    assert_eq!(
        d.parse(MerchantId::new(), Timestamp(1)).unwrap_err().code,
        "unknown_spec_value"
    );
    let mut d = draft();
    d.skus[1].spec = d.skus[0].spec.clone();
    assert_eq!(
        d.parse(MerchantId::new(), Timestamp(1)).unwrap_err().code,
        "duplicate"
    );
}

#[test]
fn rejects_bad_price_stock_and_media() {
    let mut d = draft();
    d.skus[0].price = Money::cny(0);
    assert_eq!(
        d.parse(MerchantId::new(), Timestamp(1)).unwrap_err().field,
        "price"
    );
    let mut d = draft();
    d.skus[0].stock = -1;
    assert_eq!(
        d.parse(MerchantId::new(), Timestamp(1)).unwrap_err().field,
        "stock"
    );
    let mut d = draft();
    d.media = vec!["javascript:alert(1)".into()];
    assert_eq!(
        d.parse(MerchantId::new(), Timestamp(1)).unwrap_err().code,
        "bad_url"
    );
}
