// The API docs page in a real browser: Swagger UI renders the service's operations under
// the service's own CSP, with nothing refused and nothing fetched from elsewhere.
import { describe, expect, it } from "vitest";
import { browserSuite } from "./harness.js";

const suite = browserSuite();

describe("API docs page", { timeout: 60_000 }, () => {
  it("renders the operations with no CSP violation and no request to another origin", async () => {
    const context = await suite.browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    const foreign: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    page.on("pageerror", (e) => refused.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith(suite.server.url) && !r.url().startsWith("data:")) foreign.push(r.url());
    });
    // Violations the page itself reports (also those the console does not show).
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`Refused to load (CSP): ${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${suite.server.url}/docs`);
    await page.locator(".opblock").first().waitFor({ timeout: 20_000 });
    expect(await page.locator(".opblock").count()).toBeGreaterThan(20);
    await expect(page.locator(".opblock-summary-path").allTextContents()).resolves.toContain("/api/visits");
    // Opening an operation shows its parameters and responses (the UI is working, not just painted).
    await page.locator(".opblock-summary").first().click();
    await page.locator(".opblock-body").first().waitFor();
    expect(refused).toEqual([]);
    expect(foreign).toEqual([]);
    await context.close();
  });
});
