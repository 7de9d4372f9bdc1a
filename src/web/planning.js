// City planning: homes shaded by their walk to the nearest resource of a kind (the GB 50180
// life circles), the households beyond each circle per community, the isochrones of a
// clicked resource, and "propose k sites" with the households each gains, before and after.
// Every figure comes from the server's access endpoints; nothing is computed here.

/// Resource kinds a planner measures access to.
export const PLANNED_KINDS = ["service_complex", "clinic", "school", "market", "police_post", "community_office"];
/// GB 50180-2018's 5-, 10- and 15-minute life circles on foot, metres.
export const LIFE_CIRCLES = [300, 500, 1000];
/// The colours of `service-gaps` in the server's style, by band, for the legend.
export const BAND_COLOURS = [["300", "#1a9850"], ["500", "#91cf60"], ["1000", "#fee08b"], ["beyond", "#d73027"]];
/// The gap cells' colours by the share of households beyond the life circle.
const CELL_SHARES = [[0, "#1a9850"], [0.25, "#a6d96a"], [0.5, "#fee08b"], [0.75, "#fc8d59"], [1, "#d73027"]];
const ISOCHRONE_COLOURS = { 300: "#1a9850", 500: "#91cf60", 1000: "#fdae61" };

export class CityPlanning {
  constructor(app) {
    this.app = app;
    const q = app.params;
    this.kind = PLANNED_KINDS.includes(q.get("access_kind")) ? q.get("access_kind") : "service_complex";
    this.mode = q.get("access_mode") === "straight" ? "straight" : "walk";
    this.k = Math.min(20, Math.max(1, Number.parseInt(q.get("k") ?? "5", 10) || 5));
    this.threshold = LIFE_CIRCLES.includes(Number(q.get("threshold"))) ? Number(q.get("threshold")) : 500;
    this.gaps = null;
    this.cells = null;
    this.sites = null;
    this.isochrone = null;
  }

  /// The `service_gaps` tile parameters.
  query() {
    return new URLSearchParams({ access_kind: this.kind, mode: this.mode }).toString();
  }

  keepInUrl(q) {
    q.set("access_kind", this.kind);
    q.set("access_mode", this.mode);
    q.set("k", String(this.k));
    q.set("threshold", String(this.threshold));
  }

  addLayers(map) {
    const empty = { type: "FeatureCollection", features: [] };
    // The gaps at city scale: H3 res-8 cells shaded by the share of their households beyond
    // the chosen life circle (the server's own per-cell sums); the homes take over from z13.
    map.addSource("gap-cells", { type: "geojson", data: this.cells ?? empty });
    map.addLayer({
      id: "gap-cells", type: "fill", source: "gap-cells", maxzoom: 14,
      paint: {
        "fill-color": this.cellColour(),
        "fill-opacity": ["interpolate", ["linear"], ["zoom"], 12.5, 0.55, 14, 0.1],
        "fill-outline-color": "#ffffff",
      },
    }, map.getLayer("service-gaps") ? "service-gaps" : undefined);
    map.addSource("isochrones", { type: "geojson", data: empty });
    map.addSource("sites", { type: "geojson", data: empty });
    map.addLayer({
      id: "isochrones", type: "fill", source: "isochrones",
      paint: {
        "fill-color": ["match", ["get", "distance_m"], 300, ISOCHRONE_COLOURS[300], 500, ISOCHRONE_COLOURS[500], ISOCHRONE_COLOURS[1000]],
        "fill-opacity": 0.25, "fill-outline-color": "#2b5d34",
      },
    });
    map.addLayer({
      id: "sites", type: "circle", source: "sites",
      paint: { "circle-color": "#6a3d9a", "circle-radius": 9, "circle-stroke-color": "#ffffff", "circle-stroke-width": 2.5 },
    });
    map.addLayer({
      id: "site-labels", type: "symbol", source: "sites",
      layout: {
        "text-field": ["concat", "#", ["to-string", ["get", "rank"]], " +", ["to-string", ["get", "households_gained"]]],
        "text-size": 13, "text-offset": [0, 1.4], "text-anchor": "top", "text-allow-overlap": true,
      },
      paint: { "text-color": "#3f1d63", "text-halo-color": "#ffffff", "text-halo-width": 1.6 },
    });
  }

  /// The cells' colour by the share of their households beyond the chosen life circle, green
  /// (all within) through yellow to red (all beyond).
  cellColour() {
    const share = ["/", ["coalesce", ["get", `beyond_${this.threshold}`], 0], ["max", 1, ["get", "households"]]];
    return ["interpolate", ["linear"], share, ...CELL_SHARES.flatMap(([at, colour]) => [at, colour])];
  }

  /// Everything that depends on the kind and mode: the tiles, the per-community figures; the
  /// proposal and isochrone of another kind or mode are cleared.
  apply() {
    const { map } = this.app;
    this.app.busy();
    this.app.retile(map, "service_gaps", "service_gaps", this.query());
    this.sites = null;
    map.getSource("sites")?.setData({ type: "FeatureCollection", features: [] });
    this.app.keepInUrl();
    this.summary().then(() => this.app.idleThenReady());
  }

  render(container) {
    const t = this.app.t;
    const box = document.createElement("div");
    box.className = "filters";
    const select = (id, label, options, value, onChange) => {
      const el = document.createElement("select");
      el.id = id;
      for (const [v, text] of options) el.append(new Option(text, v, false, String(v) === String(value)));
      el.addEventListener("change", () => onChange(el.value));
      const wrap = document.createElement("label");
      wrap.append(label, el);
      return wrap;
    };
    const kind = select("access-kind", t("access_kind"), PLANNED_KINDS.map((k) => [k, this.app.kindName(k)]), this.kind, (v) => {
      this.kind = v;
      this.apply();
    });
    const mode = select("access-mode", t("access_mode"), [["walk", t("walk")], ["straight", t("straight")]], this.mode, (v) => {
      this.mode = v;
      this.apply();
    });
    const propose = document.createElement("fieldset");
    const legend = document.createElement("legend");
    legend.textContent = t("propose_sites");
    const k = document.createElement("input");
    k.type = "number";
    k.id = "sites-k";
    k.min = "1";
    k.max = "20";
    k.value = String(this.k);
    k.addEventListener("change", () => {
      this.k = Math.min(20, Math.max(1, Number.parseInt(k.value, 10) || 1));
      k.value = String(this.k);
      this.app.keepInUrl();
    });
    const kLabel = document.createElement("label");
    kLabel.append(t("sites_k"), k);
    const threshold = select("sites-threshold", t("threshold"), LIFE_CIRCLES.map((m) => [m, `${m} m`]), this.threshold, (v) => {
      this.threshold = Number(v);
      if (this.app.map.getLayer("gap-cells")) this.app.map.setPaintProperty("gap-cells", "fill-color", this.cellColour());
      this.app.keepInUrl();
    });
    const go = document.createElement("button");
    go.type = "button";
    go.id = "propose";
    go.textContent = t("propose");
    go.addEventListener("click", () => this.propose());
    const exportButton = document.createElement("button");
    exportButton.type = "button";
    exportButton.id = "export-sites";
    exportButton.textContent = t("export_geojson");
    exportButton.addEventListener("click", () => this.exportSites());
    propose.append(legend, kLabel, threshold, go, exportButton);
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = t("click_resource");
    box.append(kind, mode, propose, hint);
    container.replaceChildren(box);
  }

  /// Households beyond each life circle, city-wide and for the communities with the most
  /// households beyond 1 km.
  async summary() {
    const q = new URLSearchParams({ kind: this.kind, mode: this.mode, features: "cells", h3_res: "8" });
    try {
      const answer = await this.app.json(`api/v1/access/gaps?${q}`);
      this.gaps = answer.summary;
      this.cells = { type: "FeatureCollection", features: answer.features };
      this.app.map.getSource("gap-cells")?.setData(this.cells);
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
      return;
    }
    this.renderDetails();
  }

  renderDetails() {
    const t = this.app.t;
    const panel = document.getElementById("details");
    const fmt = (n) => n.toLocaleString(this.app.lang() === "zh" ? "zh-CN" : "en-GB");
    const parts = [];
    if (this.gaps) {
      const g = this.gaps;
      const share = (n) => (g.households_total ? `${((100 * n) / g.households_total).toFixed(1)} %` : "–");
      parts.push(`<h3>${this.app.kindName(this.kind)} · ${t(this.mode)}</h3>
        <table id="gaps-total"><tr><th></th><th>${t("households")}</th><th></th></tr>
        ${g.beyond.map((b) => `<tr><td>&gt; ${b.threshold_m} m</td><td class="n">${fmt(b.households_beyond)}</td><td class="n">${share(b.households_beyond)}</td></tr>`).join("")}
        <tr><td>${t("all")}</td><td class="n">${fmt(g.households_total)}</td><td></td></tr></table>`);
      const worst = [...g.per_community].sort((a, b) => b.households_beyond.at(-1) - a.households_beyond.at(-1)).slice(0, 10)
        .filter((c) => c.households_beyond.at(-1) > 0);
      if (worst.length) {
        parts.push(`<h4>${t("worst_communities")}</h4><table id="gaps-communities">
          <tr><th></th>${g.thresholds_m.map((m) => `<th>&gt; ${m} m</th>`).join("")}</tr>
          ${worst.map((c) => `<tr><td>${c.name ?? c.community_id}</td>${c.households_beyond.map((n) => `<td class="n">${fmt(n)}</td>`).join("")}</tr>`).join("")}
        </table>`);
      }
    }
    if (this.sites) {
      const s = this.sites.summary;
      parts.push(`<h4>${t("proposal")}</h4><table id="sites-summary">
        <tr><td>${t("covered_before")}</td><td class="n">${fmt(s.households_covered_before)}</td></tr>
        <tr><td>${t("covered_after")}</td><td class="n" id="sites-after">${fmt(s.households_covered_after)}</td></tr>
        <tr><td>${t("bound")}</td><td class="n">${fmt(Math.floor(s.optimality_bound))}</td></tr></table>
        <ol id="sites-list">${this.sites.features.map((f) => `<li data-rank="${f.properties.rank}"><a href="#">+${fmt(f.properties.households_gained)} ${t("households")}</a></li>`).join("")}</ol>`);
    }
    if (this.isochrone) parts.push(`<p class="hint">${t("isochrone_of")} ${this.isochrone.name}</p>`);
    panel.innerHTML = parts.join("");
    for (const li of panel.querySelectorAll("#sites-list li")) {
      li.querySelector("a").addEventListener("click", (e) => {
        e.preventDefault();
        const site = this.sites.features.find((f) => String(f.properties.rank) === li.dataset.rank);
        if (site) this.app.map.flyTo({ center: site.geometry.coordinates, zoom: 15 });
      });
    }
  }

  /// Chooses `k` new sites (maximal covering at the chosen life circle) and draws them.
  async propose() {
    const button = document.getElementById("propose");
    button.disabled = true;
    this.app.busy();
    try {
      const response = await fetch("api/v1/access/sites", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind: this.kind, k: this.k, threshold_m: this.threshold, mode: this.mode }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(`api/v1/access/sites (${response.status}) ${body.detail ?? ""}`);
      this.sites = body;
      this.app.map.getSource("sites")?.setData(body);
      this.renderDetails();
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
    } finally {
      button.disabled = false;
      this.app.idleThenReady();
    }
  }

  /// A click: on a resource of the chosen kind, its isochrones at the life circles.
  async click(features) {
    const resource = features.find((f) => f.layer.id.startsWith("resources-") && f.properties.kind === this.kind);
    if (!resource) return false;
    this.app.busy();
    try {
      const q = new URLSearchParams({ resource: String(resource.id), distances_m: LIFE_CIRCLES.join(",") });
      const answer = await this.app.json(`api/v1/isochrones?${q}`);
      // Largest first, so the smaller circles draw on top.
      answer.features.sort((a, b) => b.properties.distance_m - a.properties.distance_m);
      this.app.map.getSource("isochrones")?.setData(answer);
      this.isochrone = { id: resource.id, name: resource.properties.name ?? resource.id };
      this.renderDetails();
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
    } finally {
      this.app.idleThenReady();
    }
    return true;
  }

  exportSites() {
    const data = this.sites ?? { type: "FeatureCollection", features: [] };
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([JSON.stringify(data)], { type: "application/geo+json" }));
    link.download = `sites-${this.kind}-${this.k}.geojson`;
    link.click();
    URL.revokeObjectURL(link.href);
  }

  /// Legend rows: the bands (when the homes are shown), isochrones and proposed sites.
  legend(row, title, withGaps) {
    const t = this.app.t;
    const rows = [];
    if (withGaps) {
      rows.push(title(`${t("gap_cells")(this.threshold)} · ${this.app.kindName(this.kind)}`));
      for (const [at, colour] of CELL_SHARES) rows.push(row(colour, `${Math.round(100 * at)} %`));
      rows.push(title(`${t("gaps")} · ${this.app.kindName(this.kind)}`));
      for (const [band, colour] of BAND_COLOURS) rows.push(row(colour, band === "beyond" ? t("beyond_1000") : `≤ ${band} m`));
    }
    if (this.isochrone) rows.push(title(t("isochrones")), ...LIFE_CIRCLES.map((m) => row(ISOCHRONE_COLOURS[m], `${m} m`)));
    if (this.sites) rows.push(row("#6a3d9a", t("proposed_site"), true));
    return rows;
  }
}
