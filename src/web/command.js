// The command centre: incident kinds and a period for every time-based layer (with a play
// button stepping through weeks or months), the headline for the current view, emerging hot
// spots, the figures of a clicked grid or community, hot cells flagged as writes arrive, and
// exports of the view (PNG with its legend) and of the analysis (GeoJSON, CSV).
import { INCIDENT_KINDS, EMERGING_COLOURS } from "./i18n.js";
import { HandlingBoard } from "./handling.js";

const DAY = 86_400_000;
const iso = (ms) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10); // local (UTC+08) date
const parse = (date) => Date.parse(`${date}T00:00:00+08:00`);

export class CommandCentre {
  constructor(app) {
    this.app = app;
    const q = app.params;
    this.kinds = new Set((q.get("kind") ?? "").split(",").filter((k) => INCIDENT_KINDS.includes(k)));
    this.from = q.get("from") ?? "2021-01-01";
    this.to = q.get("to") ?? "2021-12-31";
    this.step = q.get("step") === "week" ? "week" : "month";
    this.playing = null;
    this.hotClasses = null; // h3 -> Gi* class in view, to flag cells that turn hot
    this.flagged = [];
    this.handling = new HandlingBoard(app, this);
  }

  /// The analytics filters as a query string (empty kinds: every kind).
  query(extra = {}) {
    const q = new URLSearchParams();
    if (this.kinds.size) q.set("kind", [...this.kinds].join(","));
    q.set("from", this.from);
    q.set("to", this.to);
    for (const [k, v] of Object.entries(extra)) q.set(k, v);
    return q.toString();
  }

  keepInUrl(q) {
    if (this.kinds.size) q.set("kind", [...this.kinds].join(",")); else q.delete("kind");
    q.set("from", this.from);
    q.set("to", this.to);
    q.set("step", this.step);
    this.handling.keepInUrl(q);
  }

  /// Points the time-based sources at the current filters and refreshes what depends on them.
  apply() {
    const { map } = this.app;
    // Not ready again until the map is idle with the new data (the tests wait on this).
    this.app.busy();
    this.app.retile(map, "incidents", "incidents,hexbins", this.query());
    this.app.retile(map, "hotspots", "hotspots", this.query());
    this.app.retile(map, "kde", "kde", this.query());
    if (this.app.shown.has("emerging")) this.loadEmerging();
    this.hotClasses = null;
    this.app.keepInUrl();
    const done = [this.headline(), this.handling.load()];
    if (this.selected) done.push(this.details(this.selected));
    Promise.all(done).then(() => this.app.idleThenReady());
  }

  render(container) {
    const t = this.app.t;
    const box = document.createElement("div");
    box.className = "filters";
    const kinds = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = t("kinds");
    kinds.append(legend);
    for (const kind of INCIDENT_KINDS) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "checkbox";
      input.dataset.kind = kind;
      input.checked = this.kinds.has(kind);
      input.addEventListener("change", () => {
        if (input.checked) this.kinds.add(kind); else this.kinds.delete(kind);
        this.apply();
      });
      label.append(input, this.app.kindName(kind));
      kinds.append(label);
    }
    const period = document.createElement("div");
    period.className = "period";
    const date = (name, value) => {
      const input = document.createElement("input");
      input.type = "date";
      input.id = `period-${name}`;
      input.value = value;
      input.min = "2019-01-01";
      input.max = "2021-12-31";
      input.addEventListener("change", () => {
        if (!input.value) return;
        this[name] = input.value;
        this.apply();
      });
      const label = document.createElement("label");
      label.append(t(name), input);
      return label;
    };
    const step = document.createElement("select");
    step.id = "period-step";
    for (const s of ["month", "week"]) {
      const option = new Option(t(s), s, false, s === this.step);
      step.append(option);
    }
    step.addEventListener("change", () => { this.step = step.value; this.app.keepInUrl(); });
    const play = document.createElement("button");
    play.type = "button";
    play.id = "play";
    play.textContent = this.playing ? t("pause") : t("play");
    play.addEventListener("click", () => this.togglePlay());
    period.append(date("from", this.from), date("to", this.to), step, play);
    const exports = document.createElement("div");
    exports.className = "exports";
    for (const [id, action] of [["export_png", () => this.exportPng()], ["export_geojson", () => this.exportAnalysis("geojson")], ["export_csv", () => this.exportAnalysis("csv")]]) {
      const b = document.createElement("button");
      b.type = "button";
      b.id = id.replace("_", "-");
      b.textContent = t(id);
      b.addEventListener("click", action);
      exports.append(b);
    }
    const forecast = document.createElement("div");
    forecast.className = "exports";
    const ask = document.createElement("button");
    ask.type = "button";
    ask.id = "backtest-go";
    ask.textContent = t("backtest");
    ask.addEventListener("click", () => this.backtest());
    const result = document.createElement("div");
    result.id = "backtest";
    forecast.append(ask, result);
    box.append(kinds, period, exports, forecast);
    container.replaceChildren(box);
    this.handling.render();
  }

  /// Which hot-spot map would have predicted each step of the period best
  /// (`/api/v1/forecast/backtest`): each method's mean hit rate, PAI and PEI, and its PAI step
  /// by step as a chart.
  async backtest() {
    const { t } = this.app;
    const box = document.getElementById("backtest");
    box.textContent = t("computing");
    try {
      const answer = await this.app.json(`api/v1/forecast/backtest?${this.query({ step: this.step })}`);
      const fmt = (v, digits) => (v === null ? "–" : Number(v).toFixed(digits));
      const rows = answer.methods.map((m) => `<tr${m.method === answer.best ? ' class="best"' : ""}>
        <td><span class="swatch" style="background:${METHOD_COLOURS[m.method]}"></span>${t(`method_${m.method}`)}</td>
        <td class="n">${fmt(100 * m.hit_rate, 1)} %</td><td class="n">${fmt(m.pai, 1)}</td><td class="n">${fmt(m.pei, 2)}</td></tr>`).join("");
      box.innerHTML = `
        <p class="hint">${t("backtest_about")(Math.round(100 * answer.area_share * 10) / 10, answer.steps.length)}</p>
        <table class="figures" id="backtest-table">
          <tr><td></td><td class="n">${t("hit_rate")}</td><td class="n">PAI</td><td class="n">PEI</td></tr>${rows}
        </table>
        ${paiChart(answer)}`;
    } catch (e) {
      box.textContent = "";
      this.app.report(`${t("failed")}${e.message}`);
    }
  }

  /// Plays the period: one window of a week or a month at a time, from `from` to `to`, every
  /// time-based layer following; press again to stop (the whole period comes back).
  togglePlay() {
    const t = this.app.t;
    const button = document.getElementById("play");
    if (this.playing) {
      clearTimeout(this.playing.timer);
      [this.from, this.to] = this.playing.whole;
      this.playing = null;
      button.textContent = t("play");
      this.apply();
      return;
    }
    const whole = [this.from, this.to];
    const end = parse(whole[1]) + DAY;
    let start = parse(whole[0]);
    this.playing = { whole };
    button.textContent = t("pause");
    const next = () => {
      if (!this.playing) return;
      if (start >= end) { this.togglePlay(); return; }
      const stop = this.step === "week"
        ? start + 7 * DAY
        : Date.parse(`${iso(start).slice(0, 7)}-01T00:00:00+08:00`) + 32 * DAY;
      const windowEnd = this.step === "week" ? stop : Date.parse(`${iso(stop).slice(0, 7)}-01T00:00:00+08:00`);
      this.from = iso(start);
      this.to = iso(Math.min(windowEnd, end) - DAY);
      document.getElementById("period-from").value = this.from;
      document.getElementById("period-to").value = this.to;
      this.apply();
      start = Math.min(windowEnd, end);
      this.app.map.once("idle", () => { if (this.playing) this.playing.timer = setTimeout(next, 1200); });
    };
    next();
  }

  /// The headline of the current view: incidents, open ones, hot spots (Gi* class ≥ +2 at
  /// res 9 over the view).
  async headline() {
    const { map, t } = this.app;
    const b = map.getBounds();
    const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
    const token = (this.headlineToken = Symbol("headline"));
    try {
      const [all, open, hot] = await Promise.all([
        this.app.json(`api/v1/hexbins?${this.query({ res: 9, bbox })}`),
        this.app.json(`api/v1/hexbins?${this.query({ res: 9, bbox, status: "open" })}`),
        this.app.json(`api/v1/hotspots?${this.query({ res: 9, bbox })}`),
      ]);
      if (token !== this.headlineToken) return;
      const classes = new Map(hot.features.map((f) => [f.properties.h3, f.properties.class]));
      this.flagTurnedHot(classes, hot.features);
      const hotCount = hot.features.filter((f) => f.properties.class >= 2).length;
      document.getElementById("headline").innerHTML =
        `<span>${t("view")}</span> <b id="headline-total">${all.summary.total}</b> ${t("incidents")}` +
        ` · <b id="headline-open">${open.summary.total}</b> ${t("open")}` +
        ` · <b id="headline-hot">${hotCount}</b> ${t("hot")}`;
    } catch (e) {
      this.app.report(`${t("failed")}${e.message}`);
    }
  }

  /// Cells of the view that were below +2 and are now ≥ +2 get a flag (after a live write).
  flagTurnedHot(classes, features) {
    const before = this.hotClasses;
    this.hotClasses = classes;
    if (!before) return;
    for (const f of features) {
      const was = before.get(f.properties.h3);
      if (f.properties.class >= 2 && was !== undefined && was < 2) {
        this.flagged.push(f);
        this.app.notice(`${this.app.t("turned_hot")}: ${f.properties.h3}`);
      }
    }
    this.app.map.getSource("flagged")?.setData({ type: "FeatureCollection", features: this.flagged });
  }

  async loadEmerging() {
    try {
      const answer = await this.app.json(`api/v1/hotspots/emerging?${this.query({ res: 8, step: "month" })}`);
      this.app.map.getSource("emerging")?.setData(answer);
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
    }
  }

  /// The figures of a grid or community (`{ kind: "grids" | "communities", id }`).
  async details(selected) {
    const { t } = this.app;
    this.selected = selected;
    const key = selected.kind === "grids" ? "grid" : "community";
    const { map } = this.app;
    map.setFilter("selected", ["==", ["id"], selected.kind === "grids" ? selected.id : -1]);
    map.setFilter("selected-community", ["==", ["id"], selected.kind === "communities" ? selected.id : -1]);
    const panel = document.getElementById("details");
    try {
      const stats = await this.app.json(`api/v1/stats/${selected.kind}?${this.query({ [key]: selected.id })}`);
      const feature = stats.features[0];
      if (!feature) return;
      const p = feature.properties;
      const items = await this.app.json(
        `ogc/collections/incidents/items?${key}_id=${selected.id}&datetime=${this.from}/${this.to}&limit=10000` +
        (this.kinds.size ? `&kind=${[...this.kinds].join(",")}` : ""));
      const months = new Map();
      for (const f of items.features) {
        const m = f.properties.reported_at.slice(0, 7);
        months.set(m, (months.get(m) ?? 0) + 1);
      }
      const fmt = (v, digits = 1) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
      const kinds = Object.entries(p.counts ?? {}).sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `<tr><td>${this.app.kindName(k)}</td><td class="n">${n}</td></tr>`).join("");
      panel.innerHTML = `
        <h3 id="details-name">${p.name ?? selected.id}</h3>
        <table class="figures">
          <tr><td>${t("count")}</td><td class="n" id="details-count">${p.count}</td></tr>
          <tr><td>${t("rate")}</td><td class="n" id="details-rate">${fmt(p.rate_per_1000_households)}</td></tr>
          <tr><td>${t("previous")}</td><td class="n">${p.previous_count}</td></tr>
          <tr><td>${t("change")}</td><td class="n" id="details-change">${change(p.change_pct, p.change_p, t)}</td></tr>
          <tr><td>${t("year_ago")}</td><td class="n">${p.year_ago_count ?? "–"}</td></tr>
          <tr><td>${t("year_on_year")}</td><td class="n" id="details-yoy">${change(p.year_on_year_pct, p.year_on_year_p, t)}</td></tr>
          <tr><td>${t("resolved")}</td><td class="n">${fmt(100 * (p.resolved_share ?? 0))} %</td></tr>
          <tr><td>${t("median")}</td><td class="n">${fmt(p.median_hours_to_resolve)}</td></tr>
          <tr><td>${t("households")}</td><td class="n">${p.households ?? "–"}</td></tr>
        </table>
        <table class="figures">${kinds}</table>
        <p class="hint">${t("significance")}</p>
        <h4>${t("monthly")}</h4>${sparkline(months, this.from, this.to)}
        <h4>${t("profile")}</h4>${heatChart(stats.summary.profile.counts, t("weekdays"))}`;
    } catch (e) {
      this.app.report(`${t("failed")}${e.message}`);
    }
  }

  /// The view as a PNG with its legend drawn beside it.
  exportPng() {
    const canvas = this.app.map.getCanvas();
    const rows = [...document.querySelectorAll("#legend .legend-row")];
    const out = document.createElement("canvas");
    const ratio = window.devicePixelRatio || 1;
    out.width = canvas.width + 260 * ratio;
    out.height = Math.max(canvas.height, (40 + rows.length * 20) * ratio);
    const g = out.getContext("2d");
    g.fillStyle = "#fbfaf6";
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(canvas, 0, 0);
    g.scale(ratio, ratio);
    g.font = "13px sans-serif";
    let y = 24;
    const x = canvas.width / ratio + 16;
    g.fillStyle = "#2b2b2b";
    g.fillText(`${document.title.replace("gridwatch · ", "")} · ${this.from} – ${this.to}`, x, y);
    for (const row of rows) {
      y += 20;
      g.fillStyle = row.querySelector(".swatch")?.style.background || "#999";
      g.fillRect(x, y - 11, 12, 12);
      g.fillStyle = "#2b2b2b";
      g.fillText(row.textContent, x + 18, y);
    }
    download(out.toDataURL("image/png"), `gridwatch-${this.from}-${this.to}.png`);
  }

  /// The hexbins of the current filters at the view's resolution, as GeoJSON or CSV.
  async exportAnalysis(format) {
    const res = Math.max(6, Math.min(11, Math.round(this.app.map.getZoom()) - 4));
    const answer = await this.app.json(`api/v1/hexbins?${this.query({ res })}`);
    if (format === "geojson") {
      const blob = new Blob([JSON.stringify(answer)], { type: "application/geo+json" });
      download(URL.createObjectURL(blob), `hexbins-res${res}-${this.from}-${this.to}.geojson`);
      return;
    }
    const lines = ["h3,count," + INCIDENT_KINDS.join(",")];
    for (const f of answer.features) {
      const p = f.properties;
      lines.push([p.h3, p.count, ...INCIDENT_KINDS.map((k) => p.counts?.[k] ?? 0)].join(","));
    }
    const blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv" });
    download(URL.createObjectURL(blob), `hexbins-res${res}-${this.from}-${this.to}.csv`);
  }

  /// Style layers for what this mode adds: emerging hot spots and flagged cells.
  addLayers(map) {
    map.addSource("emerging", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    const colour = ["match", ["get", "category"]];
    for (const [category, c] of EMERGING_COLOURS) colour.push(category, c);
    colour.push("rgba(0,0,0,0)");
    map.addLayer({ id: "emerging", type: "fill", source: "emerging",
      paint: { "fill-color": colour, "fill-opacity": ["case", ["==", ["get", "category"], "no_pattern"], 0, 0.6], "fill-outline-color": "#ffffff" } },
      "patrol_routes");
    // Grids are drawn as lines; an invisible fill makes a click inside one find it.
    map.addLayer({ id: "grids-hit", type: "fill", source: "gridwatch", "source-layer": "grids", minzoom: 11,
      paint: { "fill-color": "#000000", "fill-opacity": 0 } }, "grids");
    map.addLayer({ id: "selected", type: "line", source: "gridwatch", "source-layer": "grids", minzoom: 11,
      filter: ["==", ["id"], -1], paint: { "line-color": "#2f3e46", "line-width": 3 } });
    map.addLayer({ id: "selected-community", type: "line", source: "gridwatch", "source-layer": "communities",
      filter: ["==", ["id"], -1], paint: { "line-color": "#2f3e46", "line-width": 3 } });
    map.addSource("flagged", { type: "geojson", data: { type: "FeatureCollection", features: [] } });
    map.addLayer({ id: "flagged", type: "line", source: "flagged", paint: { "line-color": "#b2182b", "line-width": 4 } });
  }
}

/// The colour of each forecast method in the backtest's table and chart.
const METHOD_COLOURS = { gistar: "#b2182b", kde: "#d95f0e", near_repeat: "#2166ac", last_period: "#7a7a7a" };

/// A change in percent with its significance: * for p < 0.05, ** for p < 0.01 (the exact test
/// of two Poisson counts the statistics answer gives).
function change(pct, p, t) {
  if (pct === null || pct === undefined) return "–";
  const stars = p === null || p === undefined ? "" : p < 0.01 ? " **" : p < 0.05 ? " *" : "";
  const title = p === null || p === undefined ? "" : ` title="p = ${Number(p).toPrecision(2)}"`;
  return `<span${title}${stars ? ' class="significant"' : ""}>${pct > 0 ? "+" : ""}${Number(pct).toFixed(1)} %${stars}</span>`;
}

/// Each method's PAI step by step, as a small line chart.
function paiChart(answer) {
  const w = 270, h = 110, pad = 22;
  const steps = answer.steps;
  const max = Math.max(1, ...steps.flatMap((s) => s.scores.map((c) => c.pai ?? 0)));
  const x = (i) => pad + (i * (w - pad - 4)) / Math.max(1, steps.length - 1);
  const y = (v) => h - 14 - ((h - 24) * v) / max;
  let svg = `<svg id="backtest-chart" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">`;
  svg += `<text x="${pad + 2}" y="7" font-size="8">PAI</text><text x="0" y="${y(max) + 3}" font-size="8">${max.toFixed(0)}</text><text x="0" y="${y(0) + 3}" font-size="8">0</text>`;
  svg += `<line x1="${pad}" x2="${w}" y1="${y(1)}" y2="${y(1)}" stroke="#bbb" stroke-dasharray="2 2"/>`;
  answer.methods.forEach((m, k) => {
    const points = steps.map((s, i) => [x(i), s.scores[k].pai]).filter(([, v]) => v !== null)
      .map(([px, v]) => `${px.toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    svg += `<polyline fill="none" stroke="${METHOD_COLOURS[m.method]}" stroke-width="1.5" points="${points}"><title>${m.method}</title></polyline>`;
  });
  svg += `<text x="${pad}" y="${h - 2}" font-size="8">${steps[0]?.from.slice(0, 7) ?? ""}</text>`;
  svg += `<text x="${w - 40}" y="${h - 2}" font-size="8">${steps.at(-1)?.from.slice(0, 7) ?? ""}</text>`;
  return `${svg}</svg>`;
}

function download(href, name) {
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}

/// Counts per month of the period as a small SVG bar line.
function sparkline(months, from, to) {
  const keys = [];
  for (let d = new Date(`${from.slice(0, 7)}-01T00:00:00Z`); d <= new Date(`${to.slice(0, 7)}-01T00:00:00Z`); d.setUTCMonth(d.getUTCMonth() + 1)) {
    keys.push(d.toISOString().slice(0, 7));
  }
  const values = keys.map((k) => months.get(k) ?? 0);
  const max = Math.max(1, ...values);
  const w = 200, h = 36, bw = w / Math.max(1, values.length);
  const bars = values.map((v, i) =>
    `<rect x="${(i * bw).toFixed(1)}" y="${(h - (h * v) / max).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${((h * v) / max).toFixed(1)}"><title>${keys[i]}: ${v}</title></rect>`).join("");
  return `<svg class="sparkline" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">${bars}</svg>`;
}

/// The weekday × hour counts as a small heat chart.
function heatChart(counts, weekdays) {
  const max = Math.max(1, ...counts.flat());
  const cell = 8;
  let svg = `<svg class="heat" viewBox="0 0 ${24 * cell + 30} ${7 * cell}" width="${24 * cell + 30}" height="${7 * cell}">`;
  counts.forEach((row, d) => {
    svg += `<text x="0" y="${d * cell + 7}" font-size="7">${weekdays[d]}</text>`;
    row.forEach((n, hour) => {
      const a = n / max;
      svg += `<rect x="${30 + hour * cell}" y="${d * cell}" width="${cell - 1}" height="${cell - 1}" fill="rgba(217,95,14,${(0.08 + 0.92 * a).toFixed(2)})"><title>${weekdays[d]} ${hour}:00 — ${n}</title></rect>`;
    });
  });
  return `${svg}</svg>`;
}
