//! Mainland provinces, the seven logistics regions and lane classes.
//! Carriers price and promise by lane (origin province → destination
//! province), so everything downstream keys on these types.

use serde::{Deserialize, Serialize};

/// The 31 mainland provincial-level divisions. Serialized as the short
/// Chinese name ("广东") so stored lanes stay readable.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Province {
    #[serde(rename = "北京")]
    Beijing,
    #[serde(rename = "天津")]
    Tianjin,
    #[serde(rename = "河北")]
    Hebei,
    #[serde(rename = "山西")]
    Shanxi,
    #[serde(rename = "内蒙古")]
    InnerMongolia,
    #[serde(rename = "辽宁")]
    Liaoning,
    #[serde(rename = "吉林")]
    Jilin,
    #[serde(rename = "黑龙江")]
    Heilongjiang,
    #[serde(rename = "上海")]
    Shanghai,
    #[serde(rename = "江苏")]
    Jiangsu,
    #[serde(rename = "浙江")]
    Zhejiang,
    #[serde(rename = "安徽")]
    Anhui,
    #[serde(rename = "福建")]
    Fujian,
    #[serde(rename = "江西")]
    Jiangxi,
    #[serde(rename = "山东")]
    Shandong,
    #[serde(rename = "河南")]
    Henan,
    #[serde(rename = "湖北")]
    Hubei,
    #[serde(rename = "湖南")]
    Hunan,
    #[serde(rename = "广东")]
    Guangdong,
    #[serde(rename = "广西")]
    Guangxi,
    #[serde(rename = "海南")]
    Hainan,
    #[serde(rename = "重庆")]
    Chongqing,
    #[serde(rename = "四川")]
    Sichuan,
    #[serde(rename = "贵州")]
    Guizhou,
    #[serde(rename = "云南")]
    Yunnan,
    #[serde(rename = "西藏")]
    Tibet,
    #[serde(rename = "陕西")]
    Shaanxi,
    #[serde(rename = "甘肃")]
    Gansu,
    #[serde(rename = "青海")]
    Qinghai,
    #[serde(rename = "宁夏")]
    Ningxia,
    #[serde(rename = "新疆")]
    Xinjiang,
}

use Province::*;

/// (province, short name, capital used as its sorting hub, region)
const TABLE: [(Province, &str, &str, Region); 31] = [
    (Beijing, "北京", "北京", Region::North),
    (Tianjin, "天津", "天津", Region::North),
    (Hebei, "河北", "石家庄", Region::North),
    (Shanxi, "山西", "太原", Region::North),
    (InnerMongolia, "内蒙古", "呼和浩特", Region::North),
    (Liaoning, "辽宁", "沈阳", Region::Northeast),
    (Jilin, "吉林", "长春", Region::Northeast),
    (Heilongjiang, "黑龙江", "哈尔滨", Region::Northeast),
    (Shanghai, "上海", "上海", Region::East),
    (Jiangsu, "江苏", "南京", Region::East),
    (Zhejiang, "浙江", "杭州", Region::East),
    (Anhui, "安徽", "合肥", Region::East),
    (Fujian, "福建", "福州", Region::East),
    (Jiangxi, "江西", "南昌", Region::East),
    (Shandong, "山东", "济南", Region::East),
    (Henan, "河南", "郑州", Region::Central),
    (Hubei, "湖北", "武汉", Region::Central),
    (Hunan, "湖南", "长沙", Region::Central),
    (Guangdong, "广东", "广州", Region::South),
    (Guangxi, "广西", "南宁", Region::South),
    (Hainan, "海南", "海口", Region::South),
    (Chongqing, "重庆", "重庆", Region::Southwest),
    (Sichuan, "四川", "成都", Region::Southwest),
    (Guizhou, "贵州", "贵阳", Region::Southwest),
    (Yunnan, "云南", "昆明", Region::Southwest),
    (Tibet, "西藏", "拉萨", Region::Southwest),
    (Shaanxi, "陕西", "西安", Region::Northwest),
    (Gansu, "甘肃", "兰州", Region::Northwest),
    (Qinghai, "青海", "西宁", Region::Northwest),
    (Ningxia, "宁夏", "银川", Region::Northwest),
    (Xinjiang, "新疆", "乌鲁木齐", Region::Northwest),
];

/// Longest first, so "维吾尔自治区" is not cut down to "…维吾尔" by "自治区".
const SUFFIXES: [&str; 6] = [
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
    "市",
];

impl Province {
    pub const ALL: [Province; 31] = {
        let mut all = [Beijing; 31];
        let mut i = 0;
        while i < 31 {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    fn row(self) -> &'static (Province, &'static str, &'static str, Region) {
        // The table is in declaration order, so the discriminant indexes it.
        &TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The provincial capital, where the carrier's sorting hub sits.
    pub fn hub_city(self) -> &'static str {
        self.row().2
    }

    pub fn region(self) -> Region {
        self.row().3
    }

    /// Remote for carriers: long trunk routes and sparse last mile. 甘肃 and
    /// 宁夏 are deliberately NOT remote: carriers serve them at normal rates.
    pub fn is_remote(self) -> bool {
        matches!(self, Xinjiang | Tibet | Qinghai | InnerMongolia)
    }

    /// Accepts "广东", "广东省", "北京市", "广西壮族自治区", "新疆维吾尔自治区"…
    pub fn parse(raw: &str) -> Option<Province> {
        let raw = raw.trim();
        let short = SUFFIXES
            .iter()
            .find_map(|s| raw.strip_suffix(s))
            .unwrap_or(raw);
        TABLE.iter().find(|row| row.1 == short).map(|row| row.0)
    }

    /// The province an address region text starts with, e.g. the order
    /// snapshot's "广东省深圳市南山区".
    pub fn from_region_text(region: &str) -> Option<Province> {
        let region = region.trim();
        TABLE
            .iter()
            .find(|row| region.starts_with(row.1))
            .map(|row| row.0)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Region {
    #[serde(rename = "华东")]
    East,
    #[serde(rename = "华南")]
    South,
    #[serde(rename = "华北")]
    North,
    #[serde(rename = "华中")]
    Central,
    #[serde(rename = "西南")]
    Southwest,
    #[serde(rename = "西北")]
    Northwest,
    #[serde(rename = "东北")]
    Northeast,
}

impl Region {
    /// The region's trunk sorting centre that cross-region parcels pass.
    pub fn trunk_hub(self) -> &'static str {
        match self {
            Region::East => "上海",
            Region::South => "广州",
            Region::North => "北京",
            Region::Central => "武汉",
            Region::Southwest => "成都",
            Region::Northwest => "西安",
            Region::Northeast => "沈阳",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneClass {
    SameProvince,
    SameRegion,
    CrossRegion,
    /// Either end in a remote province; checked first because remoteness
    /// dominates transit time even within one province.
    Remote,
}

impl LaneClass {
    pub const ALL: [LaneClass; 4] = [
        LaneClass::SameProvince,
        LaneClass::SameRegion,
        LaneClass::CrossRegion,
        LaneClass::Remote,
    ];
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Lane {
    pub origin: Province,
    pub destination: Province,
}

impl Lane {
    pub fn new(origin: Province, destination: Province) -> Self {
        Lane {
            origin,
            destination,
        }
    }

    pub fn class(self) -> LaneClass {
        if self.origin.is_remote() || self.destination.is_remote() {
            LaneClass::Remote
        } else if self.origin == self.destination {
            LaneClass::SameProvince
        } else if self.origin.region() == self.destination.region() {
            LaneClass::SameRegion
        } else {
            LaneClass::CrossRegion
        }
    }
}

#[cfg(test)]
#[path = "province_tests.rs"]
mod tests;
