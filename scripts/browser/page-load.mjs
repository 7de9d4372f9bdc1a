// Page opened to first full map, measured alone: N fresh browser contexts (nothing cached)
// open the default view and wait for the page's `ready` signal. Prints each run's time to
// ready with when the load event fired, when MapLibre's worker started, and when the last
// tile arrived, then the median. Used for BENCHMARKS.md (the web map).
//
// With `--cold`, each run starts a new browser (no compiled code or shaders kept from an
// earlier run); otherwise one browser serves every run, as a user's running browser would.
//
// Usage: node scripts/browser/page-load.mjs BASE_URL [RUNS] [--cold]
import { launch } from "./chromium.mjs";

const args = process.argv.slice(2);
const cold = args.includes("--cold");
const [base, runsArg] = args.filter((a) => a !== "--cold");
const runs = Number(runsArg ?? 5);
let browser = await launch();
const times = [];
try {
  for (let run = 0; run < runs; run++) {
    if (cold && run > 0) {
      await browser.close();
      browser = await launch();
    }
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const started = Date.now();
    await page.goto(`${base}/#view=13/31.02/112.205`, { waitUntil: "load" });
    await page.waitForFunction(
      () => window.gridwatch?.ready === true || (window.gridwatch?.errors.length ?? 0) > 0,
      null, { timeout: 60_000 });
    const total = Date.now() - started;
    const marks = await page.evaluate(() => {
      const entries = performance.getEntriesByType("resource");
      const start = (test) => Math.min(...entries.filter((e) => test(e.name)).map((e) => e.startTime));
      return {
        load: performance.getEntriesByType("navigation")[0]?.loadEventStart ?? 0,
        worker: start((n) => n.includes("worker")),
        errors: window.gridwatch.errors,
      };
    });
    times.push(total);
    const ms = (x) => `${Math.round(x)} ms`;
    console.log(`run ${run + 1}: ready ${total} ms; load ${ms(marks.load)}, worker fetch ${ms(marks.worker)}` +
      `${marks.errors.length ? `; errors: ${marks.errors.join("; ")}` : ""}`);
    await context.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)]} ms over ${runs} runs (${times.join(", ")})`);
