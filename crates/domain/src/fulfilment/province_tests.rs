//! Province parsing and lane classification tests.

use super::*;

#[test]
fn table_is_in_declaration_order() {
    for (i, row) in TABLE.iter().enumerate() {
        assert_eq!(row.0 as usize, i, "{}", row.1);
    }
    assert_eq!(Province::ALL.len(), 31);
}

#[test]
fn parses_all_31_with_and_without_suffixes() {
    for p in Province::ALL {
        assert_eq!(Province::parse(p.name()), Some(p));
    }
    let full = [
        "北京市",
        "天津市",
        "河北省",
        "山西省",
        "内蒙古自治区",
        "辽宁省",
        "吉林省",
        "黑龙江省",
        "上海市",
        "江苏省",
        "浙江省",
        "安徽省",
        "福建省",
        "江西省",
        "山东省",
        "河南省",
        "湖北省",
        "湖南省",
        "广东省",
        "广西壮族自治区",
        "海南省",
        "重庆市",
        "四川省",
        "贵州省",
        "云南省",
        "西藏自治区",
        "陕西省",
        "甘肃省",
        "青海省",
        "宁夏回族自治区",
        "新疆维吾尔自治区",
    ];
    for (name, p) in full.iter().zip(Province::ALL) {
        assert_eq!(Province::parse(name), Some(p), "{name}");
        assert_eq!(Province::parse(&format!(" {name} ")), Some(p));
    }
    assert_eq!(Province::parse("台北"), None);
    assert_eq!(Province::parse(""), None);
    assert_eq!(Province::parse("省"), None);
    assert_eq!(
        Province::from_region_text("广东省深圳市南山区"),
        Some(Guangdong)
    );
    assert_eq!(Province::from_region_text("陕西省西安市"), Some(Shaanxi));
    assert_eq!(Province::from_region_text("山西省太原市"), Some(Shanxi));
}

#[test]
fn lane_classes() {
    assert_eq!(
        Lane::new(Guangdong, Guangdong).class(),
        LaneClass::SameProvince
    );
    assert_eq!(Lane::new(Zhejiang, Shanghai).class(), LaneClass::SameRegion);
    assert_eq!(
        Lane::new(Zhejiang, Guangdong).class(),
        LaneClass::CrossRegion
    );
    assert_eq!(Lane::new(Zhejiang, Xinjiang).class(), LaneClass::Remote);
    assert_eq!(Lane::new(Tibet, Sichuan).class(), LaneClass::Remote);
    assert_eq!(Lane::new(Qinghai, Qinghai).class(), LaneClass::Remote);
    assert_eq!(Lane::new(Beijing, InnerMongolia).class(), LaneClass::Remote);
    assert_eq!(Lane::new(Shaanxi, Gansu).class(), LaneClass::SameRegion);
    assert_eq!(Lane::new(Zhejiang, Ningxia).class(), LaneClass::CrossRegion);
}

#[test]
fn serializes_as_chinese_names() -> Result<(), serde_json::Error> {
    let lane = Lane::new(Guangdong, Xinjiang);
    let json = serde_json::to_string(&lane)?;
    assert_eq!(json, r#"{"origin":"广东","destination":"新疆"}"#);
    assert_eq!(serde_json::from_str::<Lane>(&json)?, lane);
    Ok(())
}
