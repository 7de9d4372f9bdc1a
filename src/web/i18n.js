// The page's words in Chinese (the default) and English, and the names of kinds.
export const TEXT = {
  zh: {
    title: "荆门网格治理地图", layers: "图层", legend: "图例", switch: "English", filters: "筛选",
    base: "行政区与社区", grids: "网格", buildings: "建筑", heat: "事件热力（六边形）",
    hotspots: "热点（Gi*）", emerging: "新兴热点", incidents: "事件", routes: "巡逻路线",
    resources: "服务设施", labels: "名称", few: "少", many: "多", unmanaged: "无物业小区",
    building: "建筑", counts: "事件数（汇总）", failed: "请求失败：",
    nowebgl: "此浏览器无法使用 WebGL，地图无法显示。", live: "新事件", asof: "数据更新于",
    offline: "实时连接中断，正在重连…", from: "从", to: "到", step: "步长", week: "周", month: "月",
    play: "播放", pause: "暂停", kinds: "事件类型", all: "全部", none: "清空",
    view: "当前视图", open: "未结", hot: "热点", details: "详情", choose: "点击网格或社区查看统计",
    count: "事件数", rate: "每千户", change: "环比", resolved: "已解决", median: "解决用时中位数（小时）",
    previous: "上期", monthly: "逐月", profile: "星期 × 小时", households: "户数",
    export_png: "导出图片", export_geojson: "导出 GeoJSON", export_csv: "导出 CSV",
    turned_hot: "新热点", not_significant: "不显著", no_data: "无事件",
    hot3: "热点 99%", hot2: "热点 95%", hot1: "热点 90%", cold1: "冷点 90%", cold2: "冷点 95%", cold3: "冷点 99%",
    mode_command: "指挥中心", mode_planning: "城市规划", gaps: "生活圈步行距离", isochrones: "等时圈与选址",
    access_kind: "设施", access_mode: "距离", walk: "步行", straight: "直线", propose_sites: "新增设施选址",
    sites_k: "个数", threshold: "服务半径", propose: "计算选址", click_resource: "点击所选设施查看 300/500/1000 米步行范围",
    worst_communities: "超出生活圈户数最多的社区", proposal: "选址结果", covered_before: "现覆盖户数",
    covered_after: "新增后覆盖户数", bound: "最优解上界", isochrone_of: "步行范围：", beyond_1000: "超过 1000 米",
    proposed_site: "建议新址",
    weekdays: ["一", "二", "三", "四", "五", "六", "日"],
  },
  en: {
    title: "Jingmen grid governance map", layers: "Layers", legend: "Legend", switch: "中文", filters: "Filters",
    base: "Districts and communities", grids: "Grids", buildings: "Buildings", heat: "Incident heat (hexbins)",
    hotspots: "Hot spots (Gi*)", emerging: "Emerging hot spots", incidents: "Incidents", routes: "Patrol routes",
    resources: "Resources", labels: "Names", few: "few", many: "many", unmanaged: "compound without management",
    building: "building", counts: "incidents (counted)", failed: "Request failed: ",
    nowebgl: "This browser has no WebGL: the map cannot be drawn.", live: "new incidents", asof: "data as of",
    offline: "live updates interrupted, reconnecting…", from: "from", to: "to", step: "step", week: "week",
    month: "month", play: "Play", pause: "Pause", kinds: "Incident kinds", all: "all", none: "none",
    view: "In view", open: "open", hot: "hot spots", details: "Details", choose: "Click a grid or community for its figures",
    count: "incidents", rate: "per 1,000 households", change: "change", resolved: "resolved",
    median: "median hours to resolve", previous: "previous period", monthly: "by month", profile: "weekday × hour",
    households: "households", export_png: "Export PNG", export_geojson: "Export GeoJSON", export_csv: "Export CSV",
    turned_hot: "turned hot", not_significant: "not significant", no_data: "no incidents",
    hot3: "hot 99 %", hot2: "hot 95 %", hot1: "hot 90 %", cold1: "cold 90 %", cold2: "cold 95 %", cold3: "cold 99 %",
    mode_command: "Command centre", mode_planning: "City planning", gaps: "Walk to the life circles", isochrones: "Isochrones and sites",
    access_kind: "Resource", access_mode: "Distance", walk: "on foot", straight: "straight line", propose_sites: "Where to build next",
    sites_k: "sites", threshold: "within", propose: "Propose sites", click_resource: "Click a resource of this kind for its 300/500/1,000 m walk",
    worst_communities: "Communities with the most households beyond", proposal: "Proposal", covered_before: "households covered now",
    covered_after: "covered with the new sites", bound: "no choice covers more than", isochrone_of: "Walk from ", beyond_1000: "beyond 1,000 m",
    proposed_site: "proposed site",
    weekdays: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
  },
};

export const KIND_NAMES = {
  zh: {
    dispute: "纠纷", property_dispute: "物业纠纷", petition: "信访", police_call: "警情", criminal_case: "刑事案件",
    safety_hazard: "安全隐患", illegal_construction: "违章建筑", street_vending: "占道经营",
    school_surroundings: "校园周边", market_sanitation: "市场卫生", drainage: "排水",
    service_complex: "党群服务中心", police_station: "派出所", police_post: "警务室", school: "学校",
    market: "农贸市场", clinic: "卫生服务站", community_office: "社区居委会", party_household: "党员中心户",
    new_hot_spot: "新热点", consecutive_hot_spot: "连续热点", intensifying_hot_spot: "加强热点",
    persistent_hot_spot: "持续热点", diminishing_hot_spot: "减弱热点", sporadic_hot_spot: "零星热点",
    oscillating_hot_spot: "振荡热点", historical_hot_spot: "历史热点",
  },
  en: {},
};

export const INCIDENT_KINDS = [
  "dispute", "property_dispute", "petition", "police_call", "criminal_case", "safety_hazard",
  "illegal_construction", "street_vending", "school_surroundings", "market_sanitation", "drainage",
];

// ArcGIS Emerging Hot Spot Analysis colours (hot categories; cold ones mirror them in blues).
export const EMERGING_COLOURS = [
  ["new_hot_spot", "#ff0000"], ["consecutive_hot_spot", "#ff6a00"], ["intensifying_hot_spot", "#8b0000"],
  ["persistent_hot_spot", "#b22222"], ["diminishing_hot_spot", "#ffa07a"], ["sporadic_hot_spot", "#ffd700"],
  ["oscillating_hot_spot", "#ff8c69"], ["historical_hot_spot", "#d2b48c"],
  ["new_cold_spot", "#0000ff"], ["consecutive_cold_spot", "#1e90ff"], ["intensifying_cold_spot", "#00008b"],
  ["persistent_cold_spot", "#4169e1"], ["diminishing_cold_spot", "#87cefa"], ["sporadic_cold_spot", "#00ced1"],
  ["oscillating_cold_spot", "#6495ed"], ["historical_cold_spot", "#b0c4de"],
];
