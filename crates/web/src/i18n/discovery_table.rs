//! Strings of the personalized feed, search and the discovery settings.

/// (key, 中文, English)
pub const DISCOVERY_TABLE: &[(&str, &str, &str)] = &[
    // feed
    (
        "feed_seen_all",
        "推荐的视频都看完啦",
        "You're all caught up",
    ),
    ("feed_start_over", "从头再看", "Start over"),
    ("share", "分享", "Share"),
    ("not_interested", "不感兴趣", "Not interested"),
    // why a video is in the feed (the service words them in Chinese)
    ("reason_interest", "因为你常看 {x}", "Because you watch {x}"),
    ("reason_tag", "你喜欢的 {x} 风格", "Your style: {x}"),
    ("reason_onboarding", "你关注的 {x}", "You follow {x}"),
    (
        "reason_also_viewed",
        "看过类似商品的人也在看",
        "People who viewed similar items watch this",
    ),
    (
        "reason_local",
        "同城/附近好物 · {x}发货",
        "Nearby · ships from {x}",
    ),
    ("reason_trending", "热门上升", "Trending"),
    ("reason_fresh", "新品", "New"),
    ("reason_explore", "为你探索新内容", "Something new for you"),
    ("reason_popular", "大家都在看", "Popular"),
    ("reason_newest", "最新发布", "Just posted"),
    // behaviour events
    (
        "err_events_too_large",
        "一次上报的内容太多了",
        "Too much reported at once",
    ),
    (
        "err_events_malformed",
        "上报的内容格式不对",
        "The report is not in the expected format",
    ),
    ("field_events", "行为事件", "Events"),
    ("field_device", "设备标识", "Device id"),
    ("rule_unknown_kind", "未知的事件类型", "unknown event kind"),
    (
        "rule_bad_completion",
        "观看进度须在 0–100 之间",
        "watch completion must be 0–100",
    ),
    (
        "rule_unexpected_completion",
        "只有观看事件带进度",
        "only watch events carry a completion",
    ),
    (
        "rule_bad_age",
        "事件时间超出范围",
        "event time out of range",
    ),
    ("rule_too_many", "数量超过上限", "too many"),
    // discovery settings
    ("discovery_settings", "推荐设置", "Feed preferences"),
    (
        "prefs_intro",
        "选一个地区和几个感兴趣的品类，我们会先按这些为你推荐；你看得越多，推荐越懂你。",
        "Pick a region and a few categories: the feed starts from them, and learns from what you watch.",
    ),
    ("prefs_region", "所在地区", "Region"),
    (
        "prefs_region_auto",
        "自动（按默认收货地址）",
        "Automatic (default address)",
    ),
    ("prefs_interests", "感兴趣的品类", "Categories you like"),
    (
        "prefs_saved",
        "已保存，推荐会参考你的选择。",
        "Saved: the feed will use your picks.",
    ),
    ("prefs_see_feed", "去看看", "See the feed"),
    // search
    ("search", "搜索", "Search"),
    ("search_title", "搜索", "Search"),
    ("search_placeholder", "搜索商品", "Search products"),
    ("search_suggestions", "搜索建议", "Suggestions"),
    ("search_category", "品类", "Category"),
    ("search_all_categories", "全部品类", "All categories"),
    ("search_sort", "排序", "Sort"),
    ("search_min", "最低价（元）", "Min price (¥)"),
    ("search_max", "最高价（元）", "Max price (¥)"),
    ("search_in_stock", "仅看有货", "In stock only"),
    ("search_apply", "筛选", "Apply"),
    (
        "search_price_error",
        "价格请填写金额，例如 99 或 12.50",
        "Enter prices as amounts, e.g. 99 or 12.50",
    ),
    ("search_total", "找到 {n} 件商品", "{n} products found"),
    (
        "search_empty",
        "没有找到相关商品，换个词或放宽筛选试试",
        "Nothing found. Try other words or fewer filters.",
    ),
    ("search_browse", "按品类逛逛", "Browse by category"),
    ("search_pages", "翻页", "Pages"),
    ("search_prev", "上一页", "Previous"),
    ("search_next", "下一页", "Next"),
    ("in_stock", "有货", "In stock"),
    ("out_of_stock", "无货", "Out of stock"),
    ("sort_relevance", "综合", "Best match"),
    ("sort_sales", "销量", "Best selling"),
    ("sort_price_asc", "价格从低到高", "Price: low to high"),
    ("sort_price_desc", "价格从高到低", "Price: high to low"),
    ("sort_newest", "最新", "Newest"),
];
