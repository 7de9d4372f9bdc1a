// Opens the web map in the system Chromium (headless, software WebGL) and saves a PNG per
// view once the page reports it is ready (window.gridwatch.ready: the map idle after its
// last data load). Fails on any page error the page collected.
//
// Usage: node scripts/browser/screenshot.mjs BASE_URL OUT_DIR name=QUERY#HASH ...
//   e.g. node scripts/browser/screenshot.mjs http://127.0.0.1:8080 docs/screenshots \
//        z13='?layers=base#view=13/31.02/112.205'
import { launch } from "./chromium.mjs";
import { mkdirSync } from "node:fs";

const [base, outDir, ...views] = process.argv.slice(2);
if (!base || !outDir || views.length === 0) {
  console.error("usage: screenshot.mjs BASE_URL OUT_DIR name=PATH_SUFFIX ...");
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const browser = await launch();
let failed = false;
try {
  // SHOT_HEIGHT=1400 shows the whole side panel.
  const page = await browser.newPage({ viewport: { width: 1366, height: Number(process.env.SHOT_HEIGHT ?? 768) } });
  const consoleErrors = [];
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
  page.on("pageerror", (e) => consoleErrors.push(String(e)));
  for (const view of views) {
    const at = view.indexOf("=");
    const name = view.slice(0, at);
    const suffix = view.slice(at + 1);
    const started = Date.now();
    await page.goto("about:blank");
    await page.goto(`${base}/${suffix}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.gridwatch?.ready === true || (window.gridwatch?.errors.length ?? 0) > 0, null, { timeout: 60_000 });
    const errors = await page.evaluate(() => window.gridwatch.errors);
    const ms = Date.now() - started;
    await page.screenshot({ path: `${outDir}/${name}.png` });
    console.log(`${name}: ready after ${ms} ms${errors.length ? `, errors: ${errors.join("; ")}` : ""}`);
    if (errors.length) failed = true;
  }
  if (consoleErrors.length) {
    console.log(`console errors: ${consoleErrors.join("\n")}`);
    failed = true;
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
