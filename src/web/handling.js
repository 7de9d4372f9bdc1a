// The command centre's handling board: the queue of amber and red incidents (working time
// left, department; click to fly there and read its history), the departments' board
// (on-time closing share, return rate, overdue now, 红黄绿 grade) and, on request, the grids
// shaded by their grade. Read at the end of the chosen period, or now if that is earlier;
// alerts from the clock arrive on the event stream and go to the top of the queue.

const GRADE_COLOURS = { green: "#4caf50", amber: "#f0a020", red: "#d7301f" };

export class HandlingBoard {
  constructor(app, command) {
    this.app = app;
    this.command = command;
    this.shade = app.params.get("grades") === "1";
    this.alerts = [];
  }

  /// The instant the clock is read at: the end of the period's last day, or now.
  at() {
    const end = Date.parse(`${this.command.to}T23:59:59+08:00`);
    const t = Math.min(end, Date.now());
    return new Date(t + 8 * 3600_000).toISOString().slice(0, 19) + "+08:00";
  }

  render() {
    const { t } = this.app;
    const section = document.getElementById("handling");
    if (!section) return;
    section.innerHTML = `
      <p class="hint" id="handling-at"></p>
      <label><input type="checkbox" id="grade-shade"${this.shade ? " checked" : ""}> ${t("shade_grades")}</label>
      <h4>${t("queue")} <span id="queue-counts"></span></h4>
      <ol id="queue"></ol>
      <h4>${t("board")}</h4>
      <table class="figures" id="board"></table>
      <p class="hint" id="board-rule"></p>`;
    document.getElementById("grade-shade").addEventListener("change", (e) => {
      this.shade = e.target.checked;
      this.app.keepInUrl();
      this.shadeGrids();
    });
  }

  keepInUrl(q) {
    if (this.shade) q.set("grades", "1"); else q.delete("grades");
  }

  /// Loads the queue and the board for the command centre's filters.
  async load() {
    const { t } = this.app;
    if (!document.getElementById("queue")) this.render();
    const at = this.at();
    const filters = this.command.query({ at });
    const token = (this.token = Symbol("handling"));
    try {
      const [queue, board] = await Promise.all([
        this.app.json(`api/v1/handling/queue?${filters}&alert=amber,red&limit=30`),
        this.app.json(`api/v1/handling/kpis?${filters}&by=department`),
      ]);
      if (token !== this.token) return;
      document.getElementById("handling-at").textContent = `${t("as_at")} ${at.replace("T", " ").slice(0, 16)}`;
      document.getElementById("queue-counts").textContent =
        `${t("amber")} ${queue.amber} · ${t("red")} ${queue.red}`;
      this.queue = queue.incidents;
      this.drawQueue();
      document.getElementById("board").innerHTML =
        `<tr><td>${t("department")}</td><td class="n">${t("on_time")}</td><td class="n">${t("returns")}</td><td class="n">${t("overdue")}</td></tr>` +
        board.rows.map((r) => `<tr class="board-row" data-name="${escape(r.name)}">
          <td><span class="swatch" style="background:${GRADE_COLOURS[r.grade] ?? "#bbb"}"></span>${escape(r.name)}</td>
          <td class="n">${pct(r.on_time_share)}</td><td class="n">${pct(r.return_rate)}</td><td class="n">${r.overdue_now}</td></tr>`).join("");
      const g = board.grade_thresholds;
      document.getElementById("board-rule").textContent = t("grade_rule")(100 * g.green, 100 * g.amber, g.min_closed);
      if (this.shade) await this.shadeGrids();
    } catch (e) {
      this.app.report(`${t("failed")}${e.message}`);
    }
  }

  drawQueue() {
    const { t } = this.app;
    const list = document.getElementById("queue");
    if (!list) return;
    const rows = [...this.alerts, ...(this.queue ?? []).filter((q) => !this.alerts.some((a) => a.id === q.id))];
    list.replaceChildren(...rows.slice(0, 40).map((q) => {
      const li = document.createElement("li");
      li.className = `queued ${q.alert}${q.live ? " live" : ""}`;
      li.dataset.id = q.id;
      const left = q.time_left_h === undefined ? t("just_now") : `${q.time_left_h.toFixed(1)} h`;
      li.innerHTML = `<span class="swatch" style="background:${GRADE_COLOURS[q.alert]}"></span>
        <b>#${q.id}</b> ${this.app.kindName(q.kind)} · ${escape(q.department ?? "–")} · <span class="left">${left}</span>`;
      li.addEventListener("click", () => this.open(q));
      return li;
    }));
  }

  /// Alerts raised by the clock (the `alert` event): to the top of the queue, and a notice.
  onAlerts(alerts) {
    const { t } = this.app;
    for (const a of alerts) {
      this.alerts = [{ ...a, live: true }, ...this.alerts.filter((x) => x.id !== a.id)].slice(0, 20);
      this.app.notice(`${t(a.alert)} · #${a.id} ${this.app.kindName(a.kind)} · ${a.department ?? ""}`);
    }
    this.drawQueue();
  }

  /// Flies to an incident and shows its handling history in the details panel.
  async open(q) {
    const { t, map } = this.app;
    map.flyTo({ center: [q.lon, q.lat], zoom: Math.max(map.getZoom(), 15) });
    const panel = document.getElementById("details");
    try {
      const h = await this.app.json(`api/v1/incidents/${q.id}/history`);
      const p = h.incident;
      panel.innerHTML = `
        <h3 id="history-title">#${h.id} ${this.app.kindName(p.kind)}</h3>
        <table class="figures">
          <tr><td>${t("state")}</td><td class="n" id="history-state">${t(`state_${p.state}`)}</td></tr>
          <tr><td>${t("department")}</td><td class="n">${escape(p.department ?? "–")}</td></tr>
          <tr><td>${t("due")}</td><td class="n">${(p.due_at ?? "–").replace("T", " ").slice(0, 16)}</td></tr>
          <tr><td>${t("limit")}</td><td class="n">${p.time_limit_h ?? "–"} h</td></tr>
          <tr><td>${t("returns")}</td><td class="n">${p.returns}</td></tr>
        </table>
        <ol id="history">${h.moves.map((m) => `<li>${m.at.replace("T", " ").slice(0, 16)} ${t(`state_${m.from}`)} → <b>${t(`state_${m.to}`)}</b>${m.department ? ` · ${escape(m.department)}` : ""}${m.note ? ` · ${escape(m.note)}` : ""}</li>`).join("")}</ol>`;
    } catch (e) {
      this.app.report(`${t("failed")}${e.message}`);
    }
  }

  /// Grids shaded by their grade (on-time closing share) over the period, through feature
  /// state on the grid tiles.
  async shadeGrids() {
    const { map } = this.app;
    const grids = map.getLayer("grids");
    if (!grids) return;
    const target = { source: grids.source, sourceLayer: grids.sourceLayer };
    if (!this.shade) {
      if (map.getLayer("grids-grade")) map.setLayoutProperty("grids-grade", "visibility", "none");
      return;
    }
    if (!map.getLayer("grids-grade")) {
      map.addLayer({
        id: "grids-grade", type: "fill", source: grids.source, "source-layer": grids.sourceLayer,
        paint: {
          "fill-color": ["match", ["coalesce", ["feature-state", "grade"], ""], "green", GRADE_COLOURS.green,
            "amber", GRADE_COLOURS.amber, "red", GRADE_COLOURS.red, "rgba(0,0,0,0)"],
          "fill-opacity": 0.35,
        },
      }, "grids");
    }
    map.setLayoutProperty("grids-grade", "visibility", "visible");
    const board = await this.app.json(`api/v1/handling/kpis?${this.command.query({ at: this.at() })}&by=grid`);
    map.removeFeatureState(target);
    for (const r of board.rows) if (r.grade) map.setFeatureState({ ...target, id: r.id }, { grade: r.grade });
    this.graded = board.rows.filter((r) => r.grade).length;
  }
}

function pct(v) {
  return v === null || v === undefined ? "–" : `${(100 * v).toFixed(1)} %`;
}

/// Text made safe for innerHTML (names and notes come from operators).
export function escape(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
