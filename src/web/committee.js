// The committee (社区大党委) and its quarterly meeting: for a quarter, the proposed match of the
// units' offers to the residents' open needs (POST /api/v1/lists/match) drawn as lines from
// unit to need, the needs left unmet, the quarter's joint inspections (/api/v1/inspections);
// the lists' figures and projects (/api/v1/lists/summary); the units themselves (the `units`
// tile layer); and, for a chosen community, "print the brief" (/api/v1/communities/{id}/brief).
// Every figure comes from the server; nothing is computed here.

import { escape } from "./handling.js";

const QUARTER = /^\d{4}Q[1-4]$/;

export class Committee {
  constructor(app) {
    this.app = app;
    const q = app.params;
    this.quarter = QUARTER.test(q.get("quarter") ?? "") ? q.get("quarter") : null;
    const community = Number.parseInt(q.get("committee") ?? "", 10);
    this.community = Number.isFinite(community) ? community : null;
    this.summary = null;
    this.match = null;
    this.inspections = null;
    this.latest = null; // the data's last quarter (the server's default)
  }

  keepInUrl(q) {
    if (this.quarter) q.set("quarter", this.quarter); else q.delete("quarter");
    if (this.community !== null) q.set("committee", String(this.community)); else q.delete("committee");
  }

  addLayers(map) {
    const empty = { type: "FeatureCollection", features: [] };
    for (const id of ["committee-match", "committee-unmet", "committee-inspections"]) map.addSource(id, { type: "geojson", data: empty });
    map.addLayer({
      id: "committee-match", type: "line", source: "committee-match",
      layout: { "line-cap": "round" },
      paint: { "line-color": "#b45309", "line-width": ["interpolate", ["linear"], ["get", "households"], 1, 1.5, 50, 5], "line-opacity": 0.8 },
    });
    map.addLayer({
      id: "committee-unmet", type: "circle", source: "committee-unmet",
      paint: { "circle-color": "#dc2626", "circle-radius": 6, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 },
    });
    map.addLayer({
      id: "committee-inspections", type: "circle", source: "committee-inspections",
      paint: { "circle-color": "#7c3aed", "circle-radius": 5, "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 },
    });
    this.draw();
  }

  /// The quarters from the data's first year to its last, newest first.
  quarters() {
    const last = this.latest ?? this.quarter ?? "2021Q4";
    const [year, q] = last.split("Q").map(Number);
    const out = [];
    for (let y = year, n = q; y >= 2019; n -= 1) {
      if (n === 0) { y -= 1; n = 4; if (y < 2019) break; }
      out.push(`${y}Q${n}`);
    }
    return out;
  }

  render(container) {
    const t = this.app.t;
    const box = document.createElement("div");
    box.className = "filters";
    const label = document.createElement("label");
    label.textContent = `${t("quarter")} `;
    const select = document.createElement("select");
    select.id = "committee-quarter";
    for (const q of this.quarters()) select.append(new Option(q, q, false, q === (this.quarter ?? this.latest)));
    select.addEventListener("change", () => this.choose(this.community, select.value));
    label.append(select);
    const scope = document.createElement("p");
    scope.className = "hint";
    scope.textContent = this.community === null ? t("committee_city") : t("committee_one");
    const ranking = document.createElement("a");
    ranking.id = "committee-ranking";
    ranking.target = "_blank";
    ranking.href = this.app.here(`api/v1/communities/ranking?quarter=${this.quarter ?? this.latest ?? ""}&lang=${this.app.lang()}`);
    ranking.textContent = t("city_ranking");
    box.append(label, scope, ranking);
    if (this.community !== null) {
      const all = document.createElement("button");
      all.type = "button";
      all.textContent = t("whole_city");
      all.addEventListener("click", () => this.choose(null, this.quarter));
      box.append(" ", all);
    }
    container.replaceChildren(box);
  }

  /// The quarter's figures for the city or the chosen community.
  async load() {
    const scope = this.community === null ? "" : `&community=${this.community}`;
    const quarter = this.quarter ? `quarter=${this.quarter}` : "";
    try {
      this.summary = await this.app.json(`api/v1/lists/summary?${quarter}${scope}`);
      this.latest ??= this.summary.quarter;
      const q = `quarter=${this.summary.quarter}${scope}`;
      const [match, inspections] = await Promise.all([
        fetch(this.app.here(`api/v1/lists/match?${q}`), { method: "POST" }).then(async (r) => {
          if (!r.ok) throw new Error(`api/v1/lists/match (${r.status}) ${(await r.json()).detail ?? ""}`);
          return r.json();
        }),
        this.app.json(`api/v1/inspections?${q}`),
      ]);
      this.match = match;
      this.inspections = inspections;
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
      return;
    }
    this.render(document.getElementById("filters"));
    this.draw();
    this.renderDetails();
  }

  async choose(community, quarter) {
    this.community = community;
    this.quarter = quarter;
    this.app.keepInUrl();
    this.app.busy();
    this.render(document.getElementById("filters"));
    await this.load();
    this.app.idleThenReady();
  }

  /// A community clicked on the map becomes the committee shown.
  click(features) {
    const community = features.find((f) => f.layer.id === "communities-fill");
    if (community?.id !== undefined) this.choose(Number(community.id), this.quarter);
  }

  draw() {
    const { map } = this.app;
    if (!map || !this.match) return;
    map.getSource("committee-match")?.setData(this.match);
    const unmet = this.match.summary.unmet.map((u) => ({
      type: "Feature", id: u.demand_id, properties: u, geometry: { type: "Point", coordinates: [u.lon, u.lat] },
    }));
    map.getSource("committee-unmet")?.setData({ type: "FeatureCollection", features: unmet });
    map.getSource("committee-inspections")?.setData(this.inspections ?? { type: "FeatureCollection", features: [] });
  }

  renderDetails() {
    const t = this.app.t;
    const panel = document.getElementById("details");
    const s = this.summary;
    if (!s || !this.match) {
      panel.innerHTML = `<p class="hint">${t("choose_committee")}</p>`;
      return;
    }
    const m = this.match.summary;
    const i = this.inspections.summary;
    const int = (n) => Number(n).toLocaleString(this.app.lang() === "zh" ? "zh-CN" : "en-GB");
    const status = (p) => t(`project_${p.status}`);
    const brief = this.community === null ? "" :
      `<p><a id="committee-brief" class="button" target="_blank" href="${this.app.here(`api/v1/communities/${this.community}/brief?quarter=${s.quarter}&lang=${this.app.lang()}`)}">${t("print_brief")}</a></p>`;
    panel.innerHTML = `<h3 id="committee-title">${this.community === null ? t("whole_city") : escape(this.communityName())} · ${escape(s.quarter)}</h3>
      ${brief}
      <table id="committee-figures">
        <tr><td>${t("units")}</td><td class="n" id="committee-units">${int(s.units)}</td></tr>
        <tr><td>${t("offers")}</td><td class="n">${int(s.resource_items)} · ${int(s.capacity)} ${t("households_short")}</td></tr>
        <tr><td>${t("open_needs")}</td><td class="n" id="committee-open">${int(s.open_demands)} · ${int(s.households_open)} ${t("households_short")}</td></tr>
        <tr><td>${t("match_served")}</td><td class="n" id="committee-served">${int(m.households_served)} / ${int(m.households_open)}</td></tr>
        <tr><td>${t("match_unmet")}</td><td class="n">${m.unmet.length}</td></tr>
        <tr><td>${t("match_idle")}</td><td class="n">${m.idle.length}</td></tr>
        <tr><td>${t("projects_done")}</td><td class="n">${int(s.projects_done_in_quarter)} · ${int(s.households_helped_in_quarter)} ${t("households_short")}</td></tr>
        <tr><td>${t("joint_inspections")}</td><td class="n" id="committee-inspections">${int(i.inspections)} · ${t("solved")} ${int(i.problems_solved)}</td></tr>
      </table>
      <p class="hint">${t("match_about")}</p>
      ${s.projects.length ? `<h4>${t("projects")}</h4><table id="committee-projects">${s.projects.map((p) =>
        `<tr><td>${escape(p.name)}</td><td>${status(p)}</td><td class="n">${p.households}</td></tr>`).join("")}</table>` : ""}`;
  }

  communityName() {
    const f = this.app.map?.querySourceFeatures("gridwatch", { sourceLayer: "communities", filter: ["==", ["id"], this.community] })?.[0];
    return f?.properties?.name ?? `#${this.community}`;
  }

  legend(row, title) {
    const t = this.app.t;
    return [
      title(t("lists")),
      row("#b45309", t("units"), true),
      row("#b45309", t("match_line")),
      row("#dc2626", t("match_unmet"), true),
      row("#7c3aed", t("joint_inspections"), true),
    ];
  }
}
