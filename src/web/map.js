// The gridwatch web map: the server's own style and tiles in MapLibre GL JS, layer toggles,
// a legend for what is shown, Chinese or English, the view and layers kept in the URL, and
// a readiness signal with collected errors for the browser tests (window.gridwatch).
import * as maplibregl from "/web/vendor/maplibre-gl-6.20.0/maplibre-gl.mjs";

const state = (window.gridwatch = { ready: false, errors: [], map: null, live: [], version: null });
window.addEventListener("error", (e) => report(e.message || String(e)));
window.addEventListener("unhandledrejection", (e) => report(String(e.reason)));

const params = new URLSearchParams(location.search);
let lang = params.get("lang") === "en" ? "en" : "zh";
const kiosk = params.get("kiosk") === "1";
if (kiosk) document.body.classList.add("kiosk");

const TEXT = {
  zh: { title: "荆门网格治理地图", layers: "图层", legend: "图例", switch: "English",
        base: "行政区与社区", grids: "网格", buildings: "建筑", heat: "事件热力（六边形）",
        hotspots: "热点（Gi*）", incidents: "事件", routes: "巡逻路线", resources: "服务设施",
        labels: "名称", few: "少", many: "多", unmanaged: "无物业小区", building: "建筑",
        counts: "事件数（汇总）", failed: "请求失败：", nowebgl: "此浏览器无法使用 WebGL，地图无法显示。",
        live: "新事件", asof: "数据更新于", offline: "实时连接中断，正在重连…" },
  en: { title: "Jingmen grid governance map", layers: "Layers", legend: "Legend", switch: "中文",
        base: "Districts and communities", grids: "Grids", buildings: "Buildings",
        heat: "Incident heat (hexbins)", hotspots: "Hot spots (Gi*)", incidents: "Incidents",
        routes: "Patrol routes", resources: "Resources", labels: "Names", few: "few", many: "many",
        unmanaged: "compound without management", building: "building",
        counts: "incidents (counted)", failed: "Request failed: ", nowebgl: "This browser has no WebGL: the map cannot be drawn.",
        live: "new incidents", asof: "data as of", offline: "live updates interrupted, reconnecting…" },
};
const t = (key) => TEXT[lang][key] ?? key;

// Toggle groups: the style layers each switches.
const GROUPS = [
  ["base", ["communities-fill", "communities-line", "districts"], true],
  ["grids", ["grids"], true],
  ["buildings", ["buildings"], true],
  ["heat", ["hexbins"], true],
  ["hotspots", ["hotspots"], false],
  ["incidents", ["incidents", "incident-counts", "live-incidents"], true],
  ["routes", ["patrol_routes"], true],
  ["resources", ["resources-major", "resources-local", "resources-fine"], true],
  ["labels", ["district-labels", "community-labels", "resource-labels"], true],
];
const KIND_NAMES = {
  zh: { dispute: "纠纷", property_dispute: "物业纠纷", petition: "信访", police_call: "警情", criminal_case: "刑事案件",
        safety_hazard: "安全隐患", illegal_construction: "违章建筑", street_vending: "占道经营",
        school_surroundings: "校园周边", market_sanitation: "市场卫生", drainage: "排水",
        service_complex: "党群服务中心", police_station: "派出所", police_post: "警务室", school: "学校",
        market: "农贸市场", clinic: "卫生服务站", community_office: "社区居委会", party_household: "党员中心户" },
  en: {},
};
const kindName = (k) => KIND_NAMES[lang][k] ?? k.replaceAll("_", " ");

const shown = new Set((params.get("layers") ?? GROUPS.filter((g) => g[2]).map((g) => g[0]).join(",")).split(",").filter(Boolean));

function report(message) {
  state.errors.push(message);
  const banner = document.getElementById("banner");
  banner.textContent = message;
  banner.hidden = false;
}

function keepInUrl() {
  const q = new URLSearchParams(location.search);
  q.set("layers", [...shown].join(","));
  if (lang === "en") q.set("lang", "en"); else q.delete("lang");
  history.replaceState(null, "", `${location.pathname}?${q}${location.hash}`);
}

function applyVisibility(map) {
  for (const [group, layers] of GROUPS) {
    for (const id of layers) {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", shown.has(group) ? "visible" : "none");
    }
  }
}

function paintColours(style, id) {
  const layer = style.layers.find((l) => l.id === id);
  const colour = layer?.paint?.["circle-color"];
  if (!Array.isArray(colour) || colour[0] !== "match") return [];
  const pairs = [];
  for (let i = 2; i + 1 < colour.length; i += 2) pairs.push([colour[i], colour[i + 1]]);
  return pairs;
}

function renderPanel(map, style) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  document.getElementById("lang").textContent = t("switch");
  const toggles = document.getElementById("toggles");
  toggles.replaceChildren(...GROUPS.map(([group]) => {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = shown.has(group);
    box.dataset.group = group;
    box.addEventListener("change", () => {
      if (box.checked) shown.add(group); else shown.delete(group);
      applyVisibility(map);
      keepInUrl();
      renderPanel(map, style);
    });
    label.append(box, t(group));
    li.append(label);
    return li;
  }));
  // The legend lists only what is switched on, with the colours the style uses.
  const legend = document.getElementById("legend");
  const rows = [];
  const row = (colour, text, dot) => {
    const div = document.createElement("div");
    div.className = "legend-row";
    const sw = document.createElement("span");
    sw.className = dot ? "swatch dot" : "swatch";
    sw.style.background = colour;
    div.append(sw, text);
    return div;
  };
  if (shown.has("heat")) {
    const title = document.createElement("div");
    title.textContent = t("heat");
    const ramp = document.createElement("div");
    ramp.className = "ramp";
    const labels = document.createElement("div");
    labels.className = "ramp-labels";
    labels.innerHTML = `<span>${t("few")}</span><span>${t("many")}</span>`;
    rows.push(title, ramp, labels);
  }
  if (shown.has("buildings")) rows.push(row("#c8c1b4", t("building")), row("#d9a07a", t("unmanaged")));
  if (shown.has("incidents")) {
    rows.push(row("#ffd400", t("live"), true));
    rows.push(row("#c0392b", t("counts"), true));
    for (const [kind, colour] of paintColours(style, "incidents")) rows.push(row(colour, kindName(kind), true));
  }
  if (shown.has("resources")) {
    for (const [kind, colour] of paintColours(style, "resources-major")) rows.push(row(colour, kindName(kind), true));
  }
  legend.replaceChildren(...rows);
}

async function start() {
  const probe = document.createElement("canvas");
  if (!probe.getContext("webgl2")) {
    report(t("nowebgl"));
    return;
  }
  const response = await fetch("/tiles/style.json");
  if (!response.ok) {
    report(`${t("failed")}/tiles/style.json (${response.status})`);
    return;
  }
  const style = await response.json();
  const map = new maplibregl.Map({
    container: "map",
    style,
    center: [112.205, 31.02],
    zoom: 12,
    hash: "view",
    localIdeographFontFamily: "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
  state.map = map;
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("error", (e) => report(`${t("failed")}${e.error?.message ?? e.error ?? "map error"}`));
  map.on("load", () => {
    map.addSource("live", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "live-incidents", type: "circle", source: "live",
      paint: { "circle-color": "#ffd400", "circle-radius": 7, "circle-stroke-color": "#b2182b", "circle-stroke-width": 2.5 },
    });
    follow(map);
    applyVisibility(map);
    renderPanel(map, style);
    map.once("idle", () => { state.ready = true; });
  });
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    keepInUrl();
    renderPanel(map, style);
  });
}

// Live: each committed write arrives as a `change` event; its incidents are drawn at once in
// their own layer and the incident tiles are fetched anew (the server keys them by version).
function follow(map) {
  const events = new EventSource("/api/v1/events");
  const status = document.getElementById("status");
  const asOf = () => {
    status.textContent = `${t("asof")} ${new Date().toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB")}` +
      (state.live.length ? ` · ${t("live")} ${state.live.length}` : "");
  };
  asOf();
  events.addEventListener("change", (e) => {
    const change = JSON.parse(e.data);
    state.version = change.version;
    for (const i of change.incidents) {
      const known = state.live.findIndex((f) => f.id === i.id);
      const feature = { type: "Feature", id: i.id, properties: i, geometry: { type: "Point", coordinates: [i.lon, i.lat] } };
      if (known >= 0) state.live[known] = feature; else state.live.push(feature);
    }
    map.getSource("live")?.setData({ type: "FeatureCollection", features: state.live });
    map.getSource("gridwatch")?.reload?.();
    asOf();
  });
  events.addEventListener("reset", () => {
    state.live = [];
    map.getSource("live")?.setData({ type: "FeatureCollection", features: [] });
    map.getSource("gridwatch")?.reload?.();
  });
  events.addEventListener("open", asOf);
  events.addEventListener("error", () => { status.textContent = t("offline"); });
}

start().catch((e) => report(String(e)));
