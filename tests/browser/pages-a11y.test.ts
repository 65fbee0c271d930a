// Every page signs in, renders at phone and desk width (screenshots for review), and
// passes an automated accessibility check with no serious or critical violations.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { Api, ADMIN, launch, makePerson, phoneContext, screenshots, seriousViolations, signIn, startServer, type Server } from "./harness.js";

let server: Server;
let browser: Browser;
let admin: Api;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launch()]);
  admin = await Api.login(server.url, ADMIN.email, ADMIN.password);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe("pages", () => {
  it("the sign-in page and my duty page are accessible, and the service worker registers", async () => {
    const amhp = await makePerson(admin, ["amhp"]);
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await screenshots(page, "login");
    expect(await seriousViolations(page)).toEqual([]);

    await signIn(page, server.url, amhp);
    await page.getByRole("heading", { name: "My duty" }).waitFor();
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${server.url}/`);
    await screenshots(page, "my-duty");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it("a page that needs a person sends a stranger to sign in", async () => {
    const context = await phoneContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/board`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/board");
    await context.close();
  });
});
