// Audits pages in the project's headless Chromium: axe-core's violations, horizontal overflow at each
// width, and a full-page screenshot per width. Used by tests/test_site_web.py (and nothing else).
//   node tests/browser/audit.mjs spec.json  ->  JSON on stdout: [{name, url, violations, overflow}]
// spec.json: {"chromium": path, "axe": path to axe.min.js, "out": folder for screenshots,
//             "pages": [{"name", "url", "widths": [1280, 390]}]}
import fs from "node:fs";
import path from "node:path";
import puppeteer from "puppeteer-core";

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const axeSource = fs.readFileSync(spec.axe, "utf8");
const browser = await puppeteer.launch({
  executablePath: spec.chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"],
});
const results = [];
try {
  for (const item of spec.pages) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const response = await page.goto(item.url, { waitUntil: "load" });
    await page.evaluate(axeSource);
    const violations = await page.evaluate(async () => {
      const run = await window.axe.run(document, { resultTypes: ["violations"] });
      return run.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
    });
    await page.close();
    const overflow = {};
    for (const width of item.widths || []) {  // loaded at each width: a resized page keeps its scroll origin
      const sized = await browser.newPage();
      await sized.setViewport({ width, height: 900 });
      await sized.goto(item.url, { waitUntil: "load" });
      overflow[width] = await sized.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      // The whole page, as a viewport as tall as the page (fullPage mis-places right-to-left pages).
      const height = await sized.evaluate(() => document.documentElement.scrollHeight);
      await sized.setViewport({ width, height });
      await sized.screenshot({ path: path.join(spec.out, `${item.name}-${width}.png`) });
      await sized.close();
    }
    results.push({ name: item.name, url: item.url, status: response ? response.status() : 0, violations, overflow });
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(results));
