// Patrol planning: the teams ranked worst first (/api/v1/patrol/teams); for a chosen team its
// routes' 50 m coverage and the hot spots they miss (/api/v1/patrol/coverage), the minutes its
// tracks spend at each hot spot in Koper's bands (/api/v1/patrol/dosage), and when it walks
// against when its community's incidents happen, with the best start hour (/timing); and a
// suggested extension of its route to the hot spots it misses (/api/v1/patrol/suggest).

export class PatrolPlanning {
  constructor(app) {
    this.app = app;
    const team = Number.parseInt(app.params.get("team") ?? "", 10);
    this.team = Number.isFinite(team) ? team : null;
    this.teams = null;
    this.view = null; // { coverage, dosage, timing } of the chosen team
    this.suggestion = null; // the chosen team's suggested route
  }

  keepInUrl(q) {
    if (this.team !== null) q.set("team", String(this.team)); else q.delete("team");
  }

  addLayers(map) {
    const empty = { type: "FeatureCollection", features: [] };
    for (const id of ["patrol-buffer", "patrol-missed", "patrol-dosage", "patrol-suggested"]) map.addSource(id, { type: "geojson", data: empty });
    map.addLayer({ id: "patrol-buffer", type: "fill", source: "patrol-buffer", paint: { "fill-color": "#2b8cbe", "fill-opacity": 0.25 } });
    map.addLayer({
      id: "patrol-dosage", type: "fill", source: "patrol-dosage",
      paint: {
        // No minutes: red; some minutes but under a Koper stay a week: orange; otherwise green.
        "fill-color": ["case", ["==", ["get", "minutes"], 0], "#d73027", ["<", ["get", "minutes_per_week"], 10], "#fdae61", "#1a9850"],
        "fill-opacity": 0.55, "fill-outline-color": "#333333",
      },
    });
    map.addLayer({ id: "patrol-missed", type: "line", source: "patrol-missed", paint: { "line-color": "#b2182b", "line-width": 3, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "patrol-suggested", type: "line", source: "patrol-suggested", layout: { "line-join": "round", "line-cap": "round" }, paint: { "line-color": "#7b3294", "line-width": 4, "line-opacity": 0.85 } });
    this.draw();
  }

  render(container) {
    const t = this.app.t;
    const box = document.createElement("div");
    box.className = "filters";
    const title = document.createElement("h3");
    title.textContent = t("teams_worst_first");
    const list = document.createElement("ol");
    list.id = "teams";
    list.className = "teams";
    for (const f of (this.teams?.features ?? []).slice(0, 15)) {
      const p = f.properties;
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = "#";
      a.dataset.community = String(p.community_id);
      const pct = (v) => (v === null || v === undefined ? "–" : `${Math.round(100 * v)} %`);
      a.textContent = `${p.community}${p.hotspot_source === "community_top" ? " *" : ""}`;
      const measures = document.createElement("span");
      measures.className = "measures";
      measures.textContent = `${t("reached")} ${pct(p.hotspots_reached_share)} · ${t("walked")} ${pct(p.route_walked_share)} · ${p.minutes_per_week_at_hotspots} ${t("min_per_week")} · ${t("timing")} ${pct(p.timing_vs_best)}`;
      a.append(measures);
      a.addEventListener("click", (e) => {
        e.preventDefault();
        this.choose(p.community_id, f.geometry?.coordinates);
      });
      if (p.community_id === this.team) li.className = "chosen";
      li.append(a);
      list.append(li);
    }
    const how = document.createElement("p");
    how.className = "note";
    how.id = "rank-made-of";
    const s = this.teams?.summary;
    how.textContent = s ? t("rank_made_of")(s.judged_on_own_busiest_cells, s.unranked, s.period) : "";
    box.append(title, how, list);
    container.replaceChildren(box);
  }

  /// The ranking (once), then the chosen team's figures.
  async load() {
    try {
      this.teams ??= await this.app.json("api/v1/patrol/teams");
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
      return;
    }
    this.render(document.getElementById("filters"));
    if (this.team !== null) await this.show();
    else this.renderDetails();
  }

  async choose(community, at) {
    this.team = community;
    this.suggestion = null;
    this.app.keepInUrl();
    this.app.busy();
    if (at) this.app.map.flyTo({ center: at, zoom: 14 });
    this.render(document.getElementById("filters"));
    await this.show();
    this.app.idleThenReady();
  }

  async show() {
    const q = `community=${this.team}`;
    try {
      const [coverage, dosage, timing] = await Promise.all([
        this.app.json(`api/v1/patrol/coverage?${q}`),
        this.app.json(`api/v1/patrol/dosage?${q}`),
        this.app.json(`api/v1/patrol/timing?${q}`),
      ]);
      this.view = { coverage, dosage, timing };
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
      return;
    }
    this.draw();
    this.renderDetails();
  }

  /// Draws the chosen team's figures (again when the map's sources arrive after them, as for
  /// a team restored from the URL).
  draw() {
    const { map } = this.app;
    if (!this.view || !map) return;
    const kind = (k) => this.view.coverage.features.filter((f) => f.properties.feature === k);
    map.getSource("patrol-buffer")?.setData({ type: "FeatureCollection", features: kind("buffer") });
    map.getSource("patrol-missed")?.setData({ type: "FeatureCollection", features: kind("missed_hotspot") });
    map.getSource("patrol-dosage")?.setData(this.view.dosage);
    const route = this.suggestion?.features.filter((f) => f.properties.feature === "suggested_route") ?? [];
    map.getSource("patrol-suggested")?.setData({ type: "FeatureCollection", features: route });
  }

  /// Asks for the chosen team's route extended to the hot spots it misses.
  async suggest() {
    const team = this.teams?.features.find((f) => f.properties.community_id === this.team)?.properties;
    const route = team?.route_ids?.[0];
    if (route === undefined) return;
    const extra = Number.parseFloat(document.getElementById("suggest-extra").value);
    this.app.busy();
    try {
      this.suggestion = await this.app.json(`api/v1/patrol/suggest?route=${route}&extra_m=${extra}`);
    } catch (e) {
      this.app.report(`${this.app.t("failed")}${e.message}`);
      this.app.idleThenReady();
      return;
    }
    this.draw();
    this.renderDetails();
    this.app.idleThenReady();
  }

  /// The suggestion's figures: what it adds and what it reaches before and after.
  suggestionTable() {
    const t = this.app.t;
    const s = this.suggestion?.summary;
    if (!s) return "";
    const pct = (x) => `${Math.round(100 * x)} %`;
    const gaps = this.suggestion.features.filter((f) => f.properties.feature === "uncovered_hotspot").map((f) => f.properties);
    return `<table id="suggestion">
        <tr><td>${t("added_m")}</td><td class="n" id="suggest-added">${Math.round(s.added_m)} m</td></tr>
        <tr><td>${t("hotspots_reached")}</td><td class="n" id="suggest-reached">${s.before.hotspots_reached} → ${s.after.hotspots_reached}</td></tr>
        <tr><td>${t("incidents_reached")}</td><td class="n">${pct(s.before.incident_share)} → ${pct(s.after.incident_share)}</td></tr>
        <tr><td>${t("households_covered")}</td><td class="n">${pct(s.before.households_covered_share)} → ${pct(s.after.households_covered_share)}</td></tr>
      </table>
      <table><tr><th>#</th><th>H3</th><th>${t("incidents")}</th><th>${t("reached")}</th></tr>
      ${gaps.map((g) => `<tr><td>${g.rank}</td><td>${g.h3}</td><td class="n">${g.incidents}</td><td>${g.reached_after ? "✓" : "–"}</td></tr>`).join("")}</table>
      <p class="hint">${s.exact ? t("suggest_exact") : t("suggest_greedy")}</p>`;
  }

  renderDetails() {
    const t = this.app.t;
    const panel = document.getElementById("details");
    if (!this.view) {
      panel.innerHTML = `<p class="hint">${t("choose_team")}</p>`;
      return;
    }
    const { coverage, dosage, timing } = this.view;
    const grids = coverage.features.filter((f) => f.properties.feature === "grid").map((f) => f.properties);
    const households = grids.reduce((n, g) => n + g.households, 0);
    const covered = grids.reduce((n, g) => n + g.households * g.households_covered_share, 0);
    const s = coverage.summary;
    const pct = (x) => `${Math.round(100 * x)} %`;
    const team = this.teams?.features.find((f) => f.properties.community_id === this.team)?.properties;
    const weekday = (d) => t("weekdays")[d - 1];
    const rows = dosage.features.map((f) => f.properties).sort((a, b) => a.minutes_per_week - b.minutes_per_week);
    panel.innerHTML = `<h3 id="team-name">${team?.team ?? team?.community ?? this.team}</h3>
      <table id="team-coverage">
        <tr><td>${t("households_covered")}</td><td class="n">${households ? pct(covered / households) : "–"}</td></tr>
        <tr><td>${t("hotspots_reached")}</td><td class="n" id="team-reached">${s.hotspots_reached.length} / ${s.hotspots_reached.length + s.hotspots_missed.length}</td></tr>
        <tr><td>${t("incidents_reached")}</td><td class="n">${pct(s.incident_share)}</td></tr>
        <tr><td>${t("timing")}</td><td class="n" id="team-timing">${pct(timing.summary.timing_score)}</td></tr>
        <tr><td>${t("best_slot")}</td><td class="n">${weekday(timing.summary.best_slot.weekday)} ${timing.summary.best_slot.hour}:00 · ${pct(timing.summary.best_score)}</td></tr>
      </table>
      <h4>${t("dosage")}</h4>
      <table id="team-dosage"><tr><th>H3</th><th>${t("min_per_week")}</th><th>Koper</th><th>${t("visits")}</th></tr>
      ${rows.map((d) => `<tr><td>${d.h3}</td><td class="n">${d.minutes_per_week}</td><td class="n">${pct(d.koper_share)}</td><td class="n">${d.visits.length}</td></tr>`).join("")}</table>
      <h4>${t("profile")}</h4>${this.week(timing.summary)}
      <h4>${t("suggest")}</h4>
      <p><label>${t("extra_m")} <input id="suggest-extra" type="number" min="100" max="10000" step="100" value="${this.suggestion?.summary.extra_m ?? 1000}"></label>
      <button type="button" id="suggest-go">${t("suggest_go")}</button></p>
      ${this.suggestionTable()}`;
    document.getElementById("suggest-go").addEventListener("click", () => this.suggest());
  }

  /// The week as a 7 × 24 heat chart of incidents, patrolled hours outlined in blue and the
  /// best slot of the same length in green.
  week(summary) {
    const max = Math.max(1, ...summary.profile);
    const patrolled = new Set(summary.patrolled_hours.map((h) => (h.weekday - 1) * 24 + h.hour));
    const start = (summary.best_slot.weekday - 1) * 24 + summary.best_slot.hour;
    const best = new Set(Array.from({ length: summary.patrol_length_h }, (_, i) => (start + i) % 168));
    const cells = summary.profile.map((n, h) => {
      const x = (h % 24) * 10;
      const y = Math.floor(h / 24) * 10;
      const shade = Math.round(255 - 200 * (n / max));
      const stroke = patrolled.has(h) ? ' stroke="#2b8cbe" stroke-width="1.5"'
        : best.has(h) ? ' stroke="#1a9850" stroke-width="1.5"' : "";
      return `<rect x="${x}" y="${y}" width="9" height="9" fill="rgb(255,${shade},${shade})"${stroke}/>`;
    });
    return `<svg id="team-week" viewBox="0 0 240 70" width="240" height="70">${cells.join("")}</svg>`;
  }

  legend(row, title) {
    const t = this.app.t;
    return [
      title(t("patrol")),
      row("rgba(43,140,190,.35)", t("coverage_50m")),
      row("#b2182b", t("missed_hotspot")),
      row("#d73027", t("dosage_none")),
      row("#fdae61", t("dosage_short")),
      row("#1a9850", t("dosage_koper")),
      row("#7b3294", t("suggested_route")),
    ];
  }

  /// A click on a community chooses its team.
  click(features) {
    const community = features.find((f) => f.layer.id === "communities-fill");
    if (!community) return false;
    const team = this.teams?.features.find((f) => f.properties.community_id === community.id);
    this.choose(community.id, team?.geometry?.coordinates);
    return true;
  }
}
