// The web map in the system Chromium against a running server with the bundled data (run by
// tests/web.rs, which starts the server): no page or console errors; the map's layers render
// (queryRenderedFeatures finds them); an incident POSTed here appears on the open page within
// 2 s; a URL with state reopens the same view. Screenshots go to ARTIFACTS.
//
// Usage: node scripts/browser/map-test.mjs BASE_URL OPERATOR_TOKEN ARTIFACTS
// Prints one line per check and `time to first full map: N ms`; exits 1 on any failure.
import { launch } from "./chromium.mjs";
import { mkdirSync } from "node:fs";

const [base, token, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures.push(what);
};

const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  const ready = () => page.waitForFunction(
    () => window.gridwatch?.ready === true || (window.gridwatch?.errors.length ?? 0) > 0,
    null, { timeout: 60_000 });

  // 1. The default view: ready, no errors, layers drawn; what the first load transferred.
  const transfers = [];
  // The event stream never ends, so it has no size to wait for.
  const onResponse = (r) => r.url().includes("/api/v1/events") || transfers.push(r.request().sizes().then((s) => [r.url(), s.responseBodySize + s.responseHeadersSize]).catch(() => [r.url(), 0]));
  page.on("response", onResponse);
  const started = Date.now();
  await page.goto(`${base}/#view=13/31.02/112.205`, { waitUntil: "load" });
  await ready();
  console.log(`time to first full map: ${Date.now() - started} ms`);
  page.off("response", onResponse);
  const sizes = await Promise.all(transfers);
  const sum = (test) => sizes.filter(([url]) => test(url)).reduce((n, [, b]) => n + b, 0);
  console.log(`bytes on first load: ${sum(() => true)} in ${sizes.length} responses; ` +
    `MapLibre ${sum((u) => u.includes("/vendor/"))}, the page's own code ${sum((u) => /\/(web\/(?!vendor)|$)/.test(new URL(u).pathname) || new URL(u).pathname === "/")}, ` +
    `tiles ${sum((u) => u.includes(".mvt"))}, the rest (style, TileJSON, analytics) ${sum((u) => !u.includes("/vendor/") && !u.includes(".mvt") && !new URL(u).pathname.startsWith("/web/") && new URL(u).pathname !== "/")}`);
  const errors = await page.evaluate(() => window.gridwatch.errors);
  check(errors.length === 0, `no page errors (${errors.join("; ")})`);
  const rendered = await page.evaluate(() => {
    const map = window.gridwatch.map;
    const count = (id) => map.queryRenderedFeatures({ layers: [id] }).length;
    return { communities: count("communities-fill"), hexbins: count("hexbins"), grids: count("grids"),
             resources: count("resources-major") };
  });
  for (const [layer, n] of Object.entries(rendered)) check(n > 0, `${layer} rendered at z13 (${n} features)`);
  await page.screenshot({ path: `${artifacts}/command-centre-z13.png` });

  // 2. The command centre: changing the period changes the hot-spot layer; clicking a grid
  // shows the figures /api/v1/stats/grids gives for it.
  await page.goto("about:blank");
  await page.goto(`${base}/?layers=base,grids,hotspots,labels&from=2021-01-01&to=2021-12-31#view=13/31.02/112.205`, { waitUntil: "load" });
  await ready();
  const hotSpots = () => page.evaluate(() => window.gridwatch.map.queryRenderedFeatures({ layers: ["hotspots"] })
    .map((f) => `${f.properties.h3}:${f.properties.class}`).sort().join(","));
  const before = await hotSpots();
  check(before.length > 0, "hot spots rendered for 2021");
  await page.fill("#period-from", "2019-01-01");
  await page.dispatchEvent("#period-from", "change");
  await page.fill("#period-to", "2019-06-30");
  await page.dispatchEvent("#period-to", "change");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("to") === "2019-06-30");
  await ready();
  const after = await hotSpots();
  check(after.length > 0 && after !== before, "a new period redraws the hot spots with other classes");
  await page.screenshot({ path: `${artifacts}/command-centre-hotspots.png` });
  const target = await page.evaluate(() => {
    const map = window.gridwatch.map;
    const { width, height } = map.getCanvas().getBoundingClientRect();
    const f = map.queryRenderedFeatures([width / 2, height / 2], { layers: ["grids-hit"] })[0];
    const box = map.getCanvas().getBoundingClientRect();
    return f ? { id: f.id, x: box.left + width / 2, y: box.top + height / 2 } : null;
  });
  check(target !== null, "a grid under the centre of the map");
  if (target) {
    await page.mouse.click(target.x, target.y);
    await page.waitForSelector("#details-count", { timeout: 10_000 });
    const shownCount = Number(await page.textContent("#details-count"));
    const stats = await (await fetch(`${base}/api/v1/stats/grids?grid=${target.id}&from=2019-01-01&to=2019-06-30`)).json();
    const truth = stats.features[0].properties;
    const shownRate = Number(await page.textContent("#details-rate"));
    check(shownCount === truth.count, `grid ${target.id}: the panel shows ${shownCount} incidents, the API ${truth.count}`);
    check(Math.abs(shownRate - truth.rate_per_1000_households) < 0.05, `grid ${target.id}: rate ${shownRate} = ${truth.rate_per_1000_households}`);
    await page.screenshot({ path: `${artifacts}/command-centre-grid.png` });
  }

  // 3. Live: an incident POSTed now is drawn within 2 s, without a reload.
  await page.goto("about:blank");
  await page.goto(`${base}/#view=13/31.02/112.205`, { waitUntil: "load" });
  await ready();
  const posted = Date.now();
  const reply = await fetch(`${base}/api/v1/incidents`, {
    method: "POST",
    headers: { "content-type": "application/geo+json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ type: "Feature", geometry: { type: "Point", coordinates: [112.205, 31.02] },
      properties: { kind: "dispute", reported_at: "2021-12-31T20:00:00+08:00", source: "hotline" } }),
  });
  check(reply.status === 201, `the incident was accepted (${reply.status})`);
  const id = reply.status === 201 ? (await reply.json()).ids?.[0] : -1;
  const seen = await page.waitForFunction((id) => {
    const map = window.gridwatch.map;
    return map.querySourceFeatures("live").some((f) => f.properties.id === id);
  }, id, { timeout: 2_000 }).then(() => true, () => false);
  check(seen, `incident ${id} appeared on the open page ${seen ? `after ${Date.now() - posted} ms` : "within 2 s"}`);
  await page.screenshot({ path: `${artifacts}/live-incident.png` });

  // 4. State in the URL: layers and view come back as they were.
  await page.goto(`${base}/?layers=base,heat#view=14.5/31.03/112.21`, { waitUntil: "load" });
  await ready();
  const restored = await page.evaluate(() => {
    const map = window.gridwatch.map;
    return { zoom: map.getZoom(), lat: map.getCenter().lat, grids: map.getLayoutProperty("grids", "visibility"),
             hexbins: map.getLayoutProperty("hexbins", "visibility"),
             boxes: [...document.querySelectorAll("#toggles input")].filter((b) => b.checked).map((b) => b.dataset.group) };
  });
  check(Math.abs(restored.zoom - 14.5) < 1e-6 && Math.abs(restored.lat - 31.03) < 1e-4, `view restored (${restored.zoom}, ${restored.lat})`);
  check(restored.grids === "none" && restored.hexbins === "visible", "layers restored");
  check(restored.boxes.join(",") === "base,heat", `toggles restored (${restored.boxes})`);
  // 5. The language switch, and the wall screen without panels.
  await page.click("#lang");
  check(await page.evaluate(() => document.documentElement.lang === "en" && new URLSearchParams(location.search).get("lang") === "en"),
    "the language button switches to English and keeps it in the URL");
  await page.goto("about:blank");
  await page.goto(`${base}/?kiosk=1#view=13/31.02/112.205`, { waitUntil: "load" });
  await ready();
  check(await page.isHidden("#panel") && await page.isHidden("#lang"), "kiosk mode hides the panel and the buttons");
  await page.screenshot({ path: `${artifacts}/kiosk.png` });
  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join("; ")})`);
} finally {
  await browser.close();
}
process.exit(failures.length ? 1 : 0);
