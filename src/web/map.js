// The gridwatch web map: the server's own style and tiles in MapLibre GL JS, layer toggles, a
// legend for what is shown, Chinese or English, the mode, view, layers and filters kept in the
// URL, live updates, four modes — the command centre's filters and figures (command.js),
// patrol planning (patrol.js), city planning's access analyses (planning.js) and the
// community committee's lists, match and briefs (committee.js) — and a
// readiness signal with collected errors for the browser tests (window.gridwatch).
import * as maplibregl from "./vendor/maplibre-gl-6.20.0/maplibre-gl.mjs";
import { TEXT, KIND_NAMES } from "./i18n.js";
import { CommandCentre } from "./command.js";
import { CityPlanning } from "./planning.js";
import { PatrolPlanning } from "./patrol.js";
import { Committee } from "./committee.js";

// MapLibre's worker (its module fetched and compiled) starts now, beside the style's fetch and
// the WebGL set-up, rather than when the map is made: the tiles wait for it.
maplibregl.prewarm();

const state = (window.gridwatch = { ready: false, errors: [], notices: [], map: null, live: [], version: null, mode: null });
window.addEventListener("error", (e) => report(e.message || String(e)));
window.addEventListener("unhandledrejection", (e) => report(String(e.reason)));

const params = new URLSearchParams(location.search);
let lang = params.get("lang") === "en" ? "en" : "zh";
const kiosk = params.get("kiosk") === "1";
if (kiosk) document.body.classList.add("kiosk");
const t = (key) => TEXT[lang][key] ?? key;
// Every address is the page's city's: relative to the base the server wrote (`/` for the
// first city, `/cities/{code}/` for the others, under a proxy's prefix if any).
const here = (path) => new URL(path, document.baseURI).href;
const city = { code: document.querySelector('meta[name="gridwatch-city"]')?.content, name: null, centre: null };
const kindName = (k) => KIND_NAMES[lang][k] ?? k.replaceAll("_", " ");

// Toggle groups: the style layers each switches, and the modes it is on by default in.
const GROUPS = [
  ["base", ["communities-fill", "communities-line", "districts"], ["command", "patrol", "planning", "committee"]],
  ["grids", ["grids", "grids-hit"], ["command", "patrol", "planning", "committee"]],
  ["buildings", ["buildings"], ["command", "patrol", "planning"]],
  ["heat", ["hexbins"], ["command"]],
  ["hotspots", ["hotspots"], []],
  ["kde", ["kde"], []],
  ["emerging", ["emerging"], []],
  ["incidents", ["incidents", "incident-counts", "live-incidents"], ["command"]],
  ["patrol", ["patrol-coverage", "patrol-buffer", "patrol-dosage", "patrol-missed"], ["patrol"]],
  ["gaps", ["gap-cells", "service-gaps"], ["planning"]],
  ["isochrones", ["isochrones", "sites", "site-labels"], ["planning"]],
  ["routes", ["patrol_routes"], ["command", "patrol"]],
  ["resources", ["resources-major", "resources-local", "resources-fine"], ["command", "patrol", "planning"]],
  ["lists", ["units", "committee-match", "committee-unmet", "committee-inspections"], ["committee"]],
  ["labels", ["district-labels", "community-labels", "resource-labels"], ["command", "patrol", "planning", "committee"]],
];
const MODES = ["command", "patrol", "planning", "committee"];
let mode = MODES.includes(params.get("mode")) ? params.get("mode") : "command";
state.mode = mode;
const defaults = (m) => GROUPS.filter((g) => g[2].includes(m)).map((g) => g[0]);
const shown = new Set((params.get("layers") ?? defaults(mode).join(",")).split(",").filter(Boolean));

function report(message) {
  state.errors.push(message);
  const banner = document.getElementById("banner");
  banner.textContent = message;
  banner.className = "error";
  banner.hidden = false;
}

function notice(message) {
  state.notices.push(message);
  const banner = document.getElementById("banner");
  if (banner.className === "error" && !banner.hidden) return;
  banner.textContent = message;
  banner.className = "notice";
  banner.hidden = false;
}

async function json(path) {
  const response = await fetch(path);
  if (!response.ok) {
    let detail = "";
    try { detail = (await response.json()).detail ?? ""; } catch { /* not problem+json */ }
    throw new Error(`${path.split("?")[0]} (${response.status}) ${detail}`);
  }
  return response.json();
}

/// Readiness for tests and scripts: false while data loads, true once the map has loaded every
/// tile after the last load. Polled rather than waiting for one `idle` event: an `idle` that
/// fires before the listener is attached left the map never ready. Each `busy` or new wait
/// retires the older waits, so a stale one cannot call a newer load ready.
function busy() {
  state.ready = false;
  state.readyToken = (state.readyToken ?? 0) + 1;
}
function idleThenReady() {
  const map = app.map;
  if (!map) return;
  const token = (state.readyToken = (state.readyToken ?? 0) + 1);
  const check = () => {
    if (token !== state.readyToken) return;
    if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) state.ready = true;
    else setTimeout(check, 100);
  };
  // After two frames, so a source just pointed at new tiles has started to load them.
  requestAnimationFrame(() => requestAnimationFrame(check));
}

/// Points a vector source at new query parameters by its tile URLs. Not `setUrl`: that fetches
/// the TileJSON again, and a second change while that fetch is under way aborts it, which can
/// leave MapLibre waiting for a source that never loads (and the map never idle).
/// (Before the source's first TileJSON has arrived, that TileJSON would overwrite the tiles, so
/// then it is `setUrl` after all.)
function retile(map, id, layers, query) {
  const source = map.getSource(id);
  if (!source) return;
  if (source.tiles) source.setTiles([`${here(`tiles/${layers}`)}/{z}/{x}/{y}.mvt?${query}`]);
  else source.setUrl(here(`tiles/${layers}.json?${query}`));
}

const app = { params, shown, t: (k) => t(k), kindName: (k) => kindName(k), lang: () => lang, report, notice, json, here, map: null, keepInUrl, busy, idleThenReady, retile };
const command = new CommandCentre(app);
const planning = new CityPlanning(app);
const patrol = new PatrolPlanning(app);
const committee = new Committee(app);

function keepInUrl() {
  const q = new URLSearchParams(location.search);
  q.set("layers", [...shown].join(","));
  if (lang === "en") q.set("lang", "en"); else q.delete("lang");
  q.set("mode", mode);
  command.keepInUrl(q);
  if (mode === "planning") planning.keepInUrl(q);
  if (mode === "patrol") patrol.keepInUrl(q);
  if (mode === "committee") committee.keepInUrl(q);
  history.replaceState(null, "", `${location.pathname}?${q}${location.hash}`);
}

/// Switches mode in place: that mode's layers, panel and figures.
function switchMode(map, style, next) {
  if (next === mode) return;
  mode = state.mode = next;
  shown.clear();
  for (const g of defaults(mode)) shown.add(g);
  document.body.dataset.mode = mode;
  applyVisibility(map);
  keepInUrl();
  renderPanel(map, style);
  busy();
  let figures;
  if (mode === "planning") {
    figures = planning.summary();
  } else if (mode === "patrol") {
    figures = patrol.load();
  } else if (mode === "committee") {
    figures = committee.load();
  } else if (command.selected) {
    figures = Promise.all([command.headline(), command.details(command.selected), command.handling.load()]);
  } else {
    document.getElementById("details").innerHTML = `<p class="hint">${t("choose")}</p>`;
    figures = Promise.all([command.headline(), command.handling.load()]);
  }
  figures.then(() => idleThenReady());
}

function applyVisibility(map) {
  for (const [group, layers] of GROUPS) {
    for (const id of layers) {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", shown.has(group) ? "visible" : "none");
    }
  }
}

function paintColours(style, id, property) {
  const layer = style.layers.find((l) => l.id === id);
  const colour = layer?.paint?.[property];
  if (!Array.isArray(colour) || colour[0] !== "match") return [];
  const pairs = [];
  for (let i = 2; i + 1 < colour.length; i += 2) pairs.push([colour[i], colour[i + 1]]);
  return pairs;
}

function renderPanel(map, style) {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  showCity();
  document.getElementById("lang").textContent = t("switch");
  for (const b of document.querySelectorAll("#modes button")) {
    b.textContent = t(`mode_${b.dataset.mode}`);
    b.setAttribute("aria-pressed", String(b.dataset.mode === mode));
  }
  if (mode === "planning") {
    planning.render(document.getElementById("filters"));
    planning.renderDetails();
  } else if (mode === "patrol") {
    patrol.render(document.getElementById("filters"));
    patrol.renderDetails();
  } else if (mode === "committee") {
    committee.render(document.getElementById("filters"));
    committee.renderDetails();
  } else {
    command.render(document.getElementById("filters"));
  }
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
      if (group === "emerging" && box.checked) command.loadEmerging();
      applyVisibility(map);
      keepInUrl();
      renderPanel(map, style);
    });
    label.append(box, t(group));
    li.append(label);
    return li;
  }));
  // The legend lists only what is switched on, with the colours the style uses.
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
  const title = (text) => {
    const div = document.createElement("div");
    div.className = "legend-title";
    div.textContent = text;
    return div;
  };
  if (shown.has("heat")) {
    const ramp = document.createElement("div");
    ramp.className = "ramp";
    const labels = document.createElement("div");
    labels.className = "ramp-labels";
    labels.innerHTML = `<span>${t("few")}</span><span>${t("many")}</span>`;
    rows.push(title(t("heat")), ramp, labels);
  }
  if (shown.has("hotspots")) {
    rows.push(title(t("hotspots")));
    for (const [cls, colour] of paintColours(style, "hotspots", "fill-color")) {
      rows.push(row(colour, t(cls > 0 ? `hot${cls}` : `cold${-cls}`)));
    }
    rows.push(row("rgba(189,189,189,.4)", t("not_significant")), row("transparent", t("no_data")));
  }
  if (shown.has("kde")) {
    // The ramp's stops, read from the style, so the legend cannot drift from the map.
    rows.push(title(t("kde")));
    const stops = map.getStyle().layers.find((l) => l.id === "kde")?.paint?.["fill-color"]?.slice(3) ?? [];
    for (let i = 0; i + 1 < stops.length; i += 2) {
      if (stops[i] > 0) rows.push(row(stops[i + 1], `≥ ${stops[i]} ${t("per_km2")}`));
    }
  }
  if (shown.has("emerging")) {
    rows.push(title(t("emerging")));
    for (const [category, colour] of paintColours(map.getStyle(), "emerging", "fill-color")) {
      if (category.endsWith("hot_spot")) rows.push(row(colour, kindName(category)));
    }
  }
  if (shown.has("gaps") || (mode === "planning" && shown.has("isochrones"))) rows.push(...planning.legend(row, title, shown.has("gaps")));
  if (shown.has("patrol")) rows.push(...patrol.legend(row, title));
  if (shown.has("lists")) rows.push(...committee.legend(row, title));
  if (shown.has("buildings")) rows.push(row("#c8c1b4", t("building")), row("#d9a07a", t("unmanaged")));
  if (shown.has("incidents")) {
    rows.push(title(t("incidents")), row("#ffd400", t("live"), true), row("#c0392b", t("counts"), true));
    for (const [kind, colour] of paintColours(style, "incidents", "circle-color")) rows.push(row(colour, kindName(kind), true));
  }
  if (shown.has("resources")) {
    rows.push(title(t("resources")));
    for (const [kind, colour] of paintColours(style, "resources-major", "circle-color")) rows.push(row(colour, kindName(kind), true));
  }
  document.getElementById("legend").replaceChildren(...rows);
}

// Live: each committed write arrives as a `change` event; its incidents are drawn at once in
// their own layer, the incident tiles are fetched anew (the server keys them by version), and
// the headline (with cells that turned hot) is refreshed.
function follow(map) {
  const events = new EventSource("api/v1/events");
  const status = document.getElementById("status");
  const asOf = () => {
    status.textContent = `${t("asof")} ${new Date().toLocaleTimeString(lang === "zh" ? "zh-CN" : "en-GB")}` +
      (state.live.length ? ` · ${t("live")} ${state.live.length}` : "");
  };
  asOf();
  let refresh = null;
  events.addEventListener("change", (e) => {
    const change = JSON.parse(e.data);
    state.version = change.version;
    for (const i of change.incidents) {
      const known = state.live.findIndex((f) => f.id === i.id);
      const feature = { type: "Feature", id: i.id, properties: i, geometry: { type: "Point", coordinates: [i.lon, i.lat] } };
      if (known >= 0) state.live[known] = feature; else state.live.push(feature);
    }
    map.getSource("live")?.setData({ type: "FeatureCollection", features: state.live });
    asOf();
    // Writes come in bursts: refetch tiles and figures once the burst is over.
    // The tiles that draw the written incidents are fetched anew (MapLibre's refreshTiles);
    // layers of statistics over neighbourhoods are reloaded whole.
    const tiles = change.tiles;
    if (tiles?.tiles?.length && map.getSource("incidents") && typeof map.refreshTiles === "function") {
      map.refreshTiles("incidents", tiles.tiles.map(([z, x, y]) => ({ z, x, y })));
      state.refreshedTiles = (state.refreshedTiles ?? 0) + tiles.tiles.length;
    } else {
      map.getSource("incidents")?.reload?.();
    }
    clearTimeout(refresh);
    refresh = setTimeout(() => {
      if (shown.has("hotspots")) map.getSource("hotspots")?.reload?.();
      if (shown.has("kde")) map.getSource("kde")?.reload?.();
      command.headline();
      if (mode === "command") command.handling.load();
    }, 500);
  });
  // The clock turned open incidents amber or red.
  events.addEventListener("alert", (e) => {
    const change = JSON.parse(e.data);
    state.alerts = (state.alerts ?? 0) + change.alerts.length;
    command.handling.onAlerts(change.alerts);
  });
  events.addEventListener("reset", () => {
    state.live = [];
    map.getSource("live")?.setData({ type: "FeatureCollection", features: [] });
    map.getSource("incidents")?.reload?.();
    command.headline();
  });
  events.addEventListener("open", asOf);
  events.addEventListener("error", () => { status.textContent = t("offline"); });
}

/// The cities this process serves, for the switcher, and this page's city's name and extent.
/// A proxy that routes only this city's paths answers no list: the switcher stays hidden.
async function loadCities() {
  const list = document.querySelector('meta[name="gridwatch-cities"]')?.content ?? "/cities";
  let answer;
  try {
    answer = await json(new URL(list, location.href).href);
  } catch {
    return;
  }
  const mine = answer.cities.find((c) => c.code === city.code) ?? answer.cities[0];
  Object.assign(city, { code: mine.code, name: mine.name, centre: mine.centre });
  const select = document.getElementById("city");
  select.replaceChildren(...answer.cities.map((c) => new Option(`${c.name} ${c.code}`, c.links[0].href, false, c.code === city.code)));
  select.hidden = answer.cities.length < 2;
  select.addEventListener("change", () => { location.href = select.value; });
  showCity();
}

/// The title names the page's city (Jingmen's own title, in both languages, for Jingmen).
function showCity() {
  const title = city.name && city.code !== "420800" ? `${city.name} ${t("gridmap")}` : t("title");
  document.querySelector('[data-i18n="title"]').textContent = title;
  document.title = `gridwatch · ${title}`;
}

/// The map over the server's style, its view kept in the URL's hash.
function makeMap(style) {
  return new maplibregl.Map({
    container: "map",
    style,
    center: city.centre ?? [112.205, 31.02],
    zoom: 12,
    hash: "view",
    localIdeographFontFamily: "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif",
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
  });
}

async function start() {
  // A browser without WebGL 2 gets the banner rather than a blank map (MapLibre 6 needs it;
  // asking for the interface, not a context, costs nothing).
  if (typeof WebGL2RenderingContext === "undefined") {
    report(t("nowebgl"));
    return;
  }
  await loadCities();
  const style = await json("tiles/style.json");
  // The time-based sources start at the filters in the URL.
  style.sources.incidents.url = here(`tiles/incidents,hexbins.json?${command.query()}`);
  style.sources.hotspots.url = here(`tiles/hotspots.json?${command.query()}`);
  style.sources.kde.url = here(`tiles/kde.json?${command.query()}`);
  style.sources.service_gaps.url = here(`tiles/service_gaps.json?${planning.query()}`);
  style.sources.patrol_coverage.url = here("tiles/patrol_coverage.json");
  style.sources.units.url = here("tiles/units.json");
  document.body.dataset.mode = mode;
  let map;
  try {
    map = makeMap(style);
  } catch (e) {
    // WebGL 2 exists but gave no context (a blocked GPU, no memory).
    report(`${t("nowebgl")} (${e.message ?? e})`);
    return;
  }
  state.map = app.map = map;
  // The headline's (or planning's) figures need only the view: ask for them while the map
  // loads.
  const figures = mode === "planning" ? planning.summary() : mode === "patrol" ? patrol.load()
    : mode === "committee" ? committee.load() : command.headline();
  map.addControl(new maplibregl.NavigationControl(), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("error", (e) => report(`${t("failed")}${e.error?.message ?? e.error ?? "map error"}`));
  map.on("load", async () => {
    command.addLayers(map);
    planning.addLayers(map);
    patrol.addLayers(map);
    committee.addLayers(map);
    map.addSource("live", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({
      id: "live-incidents", type: "circle", source: "live",
      paint: { "circle-color": "#ffd400", "circle-radius": 7, "circle-stroke-color": "#b2182b", "circle-stroke-width": 2.5 },
    });
    follow(map);
    applyVisibility(map);
    renderPanel(map, style);
    if (shown.has("emerging")) await command.loadEmerging();
    if (mode === "command") await command.handling.load();
    await figures;
    idleThenReady();
  });
  let moved = null;
  map.on("moveend", () => {
    clearTimeout(moved);
    if (mode === "command") moved = setTimeout(() => command.headline(), 400);
  });
  for (const b of document.querySelectorAll("#modes button")) b.addEventListener("click", () => switchMode(map, style, b.dataset.mode));
  map.on("click", async (e) => {
    if (mode === "planning") {
      const resources = ["resources-major", "resources-local", "resources-fine"].filter((l) => map.getLayer(l));
      await planning.click(map.queryRenderedFeatures(e.point, { layers: resources }));
      renderPanel(map, style);
      return;
    }
    if (mode === "patrol") {
      patrol.click(map.queryRenderedFeatures(e.point, { layers: ["communities-fill"].filter((l) => map.getLayer(l)) }));
      return;
    }
    if (mode === "committee") {
      committee.click(map.queryRenderedFeatures(e.point, { layers: ["communities-fill"].filter((l) => map.getLayer(l)) }));
      return;
    }
    const hit = map.queryRenderedFeatures(e.point, { layers: ["grids-hit", "communities-fill"].filter((l) => map.getLayer(l)) });
    const grid = shown.has("grids") && hit.find((f) => f.layer.id === "grids-hit");
    const community = hit.find((f) => f.layer.id === "communities-fill");
    const picked = grid ? { kind: "grids", id: grid.id } : community ? { kind: "communities", id: community.id } : null;
    if (picked?.id !== undefined) command.details(picked);
  });
  document.getElementById("lang").addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    keepInUrl();
    renderPanel(map, style);
    if (mode === "command") command.headline();
    if (mode === "committee") committee.load();
  });
  if (kiosk) setInterval(() => { map.getSource("incidents")?.reload?.(); command.headline(); }, 60_000);
}

start().catch((e) => report(String(e)));
