// The buyer's H5 pages in headless Chromium at a phone's viewport: a share link to a paid
// order, checkouts submitted twice that order once, and script in user text that stays text.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { api, INJECTED, login, PASSWORD, seed } from "./seed.mjs";

const base = process.env.BASE_URL;
const WIDTH = 390;
const shots = new URL("./screenshots/", import.meta.url).pathname;
const BUYER = "buyer@e2e.cn";

function step(name) {
  console.log(`e2e: ${name}`);
}

/** The page fits the phone's width: nothing scrolls sideways. */
async function fitsTheScreen(page, name) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= WIDTH, `${name}: scrollWidth ${width} > ${WIDTH}`);
}

async function screenshot(page, name) {
  await fitsTheScreen(page, name);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function orderCount() {
  const token = await login(BUYER);
  return (await api("GET", "/api/v1/orders", undefined, token)).total;
}

async function fillAddress(page) {
  await page.fill('#checkout input[name="name"]', "王小明");
  await page.fill('#checkout input[name="phone"]', "13812345678");
  await page.fill('#checkout input[name="region"]', "浙江省 杭州市 西湖区");
  await page.fill('#checkout input[name="detail"]', "文三路 100 号");
}

/** From an item page: buy its first SKU and arrive at the (signed-in) checkout. */
async function openCheckout(page, itemUrl) {
  await page.goto(itemUrl);
  await Promise.all([page.waitForURL(/\/checkout\?.*key=/), page.click("#buy")]);
  await page.waitForSelector("#checkout");
  return page.url();
}

async function main() {
  const { friendly, hostile, friendlyItems } = await seed();
  await mkdir(shots, { recursive: true });
  const userDataDir = await mkdtemp(join(tmpdir(), "xiaopu-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
    viewport: { width: WIDTH, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: "zh-CN",
  });
  const dialogs = [];
  const policyViolations = [];
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) policyViolations.push(message.text());
    });

    step("a share link opens the item inside its shop");
    const shared = await page.goto(`${base}/s/${friendly.code}?from=singlemessage`);
    assert.equal(shared.status(), 200);
    assert.match(await page.textContent("h1"), /芒果干/);
    assert.match(await page.textContent(".shop-name"), /阿明的零食铺/);
    await screenshot(page, "1-share-link");

    step("the shop, with its items and their recommendations");
    await Promise.all([page.waitForURL(`**/shop/${friendly.shopNo}`), page.click(".shop-link")]);
    assert.equal(await page.locator("#items > li").count(), 20);
    assert.match(await page.textContent("#items"), /回购了三次/);
    await page.screenshot({ path: join(shots, "2-shop.png") });
    await fitsTheScreen(page, "shop");

    step("scrolling to the end loads the next page of items");
    await page.locator("#more").scrollIntoViewIfNeeded();
    await page.waitForFunction(
      (count) => document.querySelectorAll("#items > li").length === count,
      friendlyItems,
    );
    assert.equal(await page.locator("#more").count(), 0, "no more after the last page");
    await page.fill('input[name="q"]', "nuts");
    await Promise.all([page.waitForURL(/q=nuts/), page.click('.filter button[type="submit"]')]);
    assert.equal(await page.locator("#items > li").count(), 1);

    step("the item: choose a SKU, buy");
    await page.goto(`${base}/shop/${friendly.shopNo}`);
    await Promise.all([
      page.waitForURL(`**/item/${friendly.itemId}`),
      page.click(`#items a[href$="/item/${friendly.itemId}"]`),
    ]);
    await page.locator("label.sku", { hasText: "1kg" }).click();
    await screenshot(page, "3-item");
    await Promise.all([page.waitForURL(/\/checkout\?.*key=/), page.click("#buy")]);

    step("checkout: register inline, then the address");
    assert.ok(await page.isVisible("#register"));
    await page.fill('#register input[name="email"]', BUYER);
    await page.fill('#register input[name="display_name"]', "小明");
    await page.fill('#register input[name="password"]', PASSWORD);
    await Promise.all([page.waitForSelector("#checkout"), page.click('#register button[type="submit"]')]);
    assert.match(await page.textContent(".line"), /1kg/);
    await fillAddress(page);
    await screenshot(page, "4-checkout");

    step("place the order, pay in the sandbox, see it paid");
    await Promise.all([page.waitForURL(/\/my\/orders\/\d+$/), page.click("#place-order")]);
    assert.equal(await page.getAttribute("#order-status", "data-status"), "pending_payment");
    assert.match(await page.textContent("main"), /¥49\.90/);
    await Promise.all([page.waitForSelector("#confirm-payment"), page.click("#pay")]);
    await fitsTheScreen(page, "cashier");
    await Promise.all([page.waitForURL(/\/my\/orders\/\d+$/), page.click("#confirm-payment")]);
    assert.equal(await page.getAttribute("#order-status", "data-status"), "paid");
    await screenshot(page, "5-order-paid");
    assert.equal(await orderCount(), 1);

    step("a double tap on 'place order' places one order");
    const itemUrl = `${base}/shop/${friendly.shopNo}/item/${friendly.itemId}`;
    const checkoutUrl = await openCheckout(page, itemUrl);
    await fillAddress(page);
    await Promise.all([page.waitForURL(/\/my\/orders\/\d+$/), page.dblclick("#place-order")]);
    const secondOrder = page.url();
    assert.equal(await orderCount(), 2);

    step("the same checkout opened again (reload, back button) leads to its order");
    await page.goto(checkoutUrl);
    assert.equal(page.url(), secondOrder);
    assert.equal(await orderCount(), 2);

    step("two simultaneous posts of one checkout form (no script guard) place one order");
    await openCheckout(page, itemUrl);
    await fillAddress(page);
    const landed = await page.evaluate(async () => {
      const form = document.getElementById("checkout");
      const send = () =>
        fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)) });
      const [a, b] = await Promise.all([send(), send()]);
      return [a.url, b.url, a.status, b.status];
    });
    assert.equal(landed[0], landed[1]);
    assert.match(landed[0], /\/my\/orders\/\d+$/);
    assert.deepEqual(landed.slice(2), [200, 200]);
    assert.equal(await orderCount(), 3);

    step("my orders");
    await page.goto(`${base}/my/orders`);
    assert.equal(await page.locator(".orders > li").count(), 3);
    await screenshot(page, "6-my-orders");

    step("script in a shop name and a recommendation stays text");
    for (const path of [
      `/s/${hostile.code}`,
      `/shop/${hostile.shopNo}`,
      `/shop/${hostile.shopNo}/item/${hostile.itemId}`,
    ]) {
      const response = await page.goto(base + path);
      assert.equal(response.status(), 200, path);
      await page.waitForLoadState("load");
      assert.equal(await page.evaluate(() => window.__pwned), undefined, path);
      assert.match(await page.textContent(".shop-name"), /<script>__pwned=3<\/script>/, path);
      assert.ok((await page.textContent(".reco")).includes(INJECTED.slice(0, 40)), path);
      await fitsTheScreen(page, path);
    }
    await screenshot(page, "7-injected-text");
    assert.deepEqual(dialogs, []);

    step("an unknown share link is a clear 404 page");
    const missing = await page.goto(`${base}/s/ABCDEFGH`);
    assert.equal(missing.status(), 404);
    assert.match(await page.textContent("main"), /分享链接已失效/);
    await fitsTheScreen(page, "404");

    assert.deepEqual(policyViolations, [], "the pages break their own Content-Security-Policy");
    step(`passed; screenshots in ${shots}`);
  } finally {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
