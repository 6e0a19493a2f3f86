// Seeds what the browser tests need through the JSON API, as real clients would: a supplier
// with listed goods, and shopkeepers with a shop, an item each and its share code.

const base = process.env.BASE_URL;
export const PASSWORD = "Passw0rd!e2e";

export async function api(method, path, body, token) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(base + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function login(email, password = PASSWORD) {
  return (await api("POST", "/api/v1/auth/login", { login: email, password })).access_token;
}

async function member(email) {
  await api("POST", "/api/v1/auth/register", { email, password: PASSWORD, display_name: "E2E" });
  return login(email);
}

/** A resident ID number with its GB 11643 check character. */
function idNumber(seq) {
  const body = `11010519900101${String(seq).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

async function supplierWithGoods(admin) {
  const token = await member("supplier@e2e.cn");
  const application = await api("POST", "/api/v1/supplier/applications", {
    company_name: "Fresh Farm Co",
    credit_code: "91350100M000100Y43",
    registered_capital_fen: 500_000_000,
    general_taxpayer: true,
    contact: { name: "Lin", phone: "+8613800138000" },
    categories: ["food-health.snacks"],
    brand_authorisations: [{
      brand: "FarmJoy",
      chain: ["FarmJoy Ltd", "East Distributor"],
      valid_from: "2026-01-01",
      valid_until: "2099-12-31",
    }],
    procurement_vouchers: ["PV-2026-001"],
  }, token);
  const supplier = await api("POST", `/api/v1/admin/supplier-applications/${application.id}/approve`, {}, admin);
  await api("POST", `/api/v1/admin/suppliers/${supplier.id}/deposit/payments`,
    { amount_fen: 1_500_000, reference: "BANK-E2E" }, admin);
  const goods = [];
  for (const [title, skus] of [
    ["FarmJoy 芒果干 dried mango", [
      { attributes: { size: "500g" }, price_fen: 2990, stock: 100, per_buyer_limit: 5 },
      { attributes: { size: "1kg" }, price_fen: 4990, stock: 50 },
    ]],
    ["FarmJoy 每日坚果 daily nuts", [{ attributes: { box: "30 bags" }, price_fen: 8900, stock: 20 }]],
    // Enough more for a second page of the shop (20 a page): the infinite scroll loads it.
    ...Array.from({ length: 23 }, (_, n) => [
      `FarmJoy 尝鲜装 sampler ${n + 1}`,
      [{ attributes: { pack: "mini" }, price_fen: 990 + n, stock: 10 }],
    ]),
  ]) {
    const created = await api("POST", "/api/v1/supplier/goods", {
      title,
      description: "Sun-dried, no sugar added. 无添加糖，阳光晒制。",
      category: "food-health.snacks",
      brand: "FarmJoy",
      // Nothing listens there: the pages must stay whole while images fail to load.
      image_urls: ["https://127.0.0.1:9/goods.jpg"],
      skus,
      reference_price_fen: 9900,
      market_commission_bps: 1500,
      commission_bps: 2000,
    }, token);
    await api("POST", `/api/v1/supplier/goods/${created.id}/list`, {}, token);
    goods.push(created.id);
  }
  return goods;
}

async function sharedShop(admin, seq, shopName, goods, recommendation) {
  const token = await member(`keeper${seq}@e2e.cn`);
  const me = await api("GET", "/api/v1/me", undefined, token);
  await fetch(`${base}/api/v1/admin/members/${me.id}/credit-score`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
    body: JSON.stringify({ score: 720 }),
  });
  const verification = await api("POST", "/api/v1/me/verification",
    { legal_name: "林小明", id_number: idNumber(seq) }, token);
  await api("POST", `/api/v1/admin/verifications/${verification.id}/approve`, {}, admin);
  const shop = await api("POST", "/api/v1/shops", { name: shopName }, token);
  const items = [];
  for (const goodsId of goods) {
    items.push(await api("POST", `/api/v1/me/shops/${shop.id}/items`,
      { goods_id: goodsId, recommendation }, token));
  }
  const share = await api("POST", `/api/v1/me/shops/${shop.id}/items/${items[0].id}/share`, {}, token);
  return { shopNo: shop.shop_no, itemId: items[0].id, code: share.code };
}

export const INJECTED =
  '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">' + "甜".repeat(3) + "A".repeat(200);

export async function seed() {
  const admin = await login(process.env.ADMIN_EMAIL, process.env.ADMIN_PASSWORD);
  const goods = await supplierWithGoods(admin);
  const friendly = await sharedShop(admin, 1, "阿明的零食铺", goods,
    "孩子每天都要吃的芒果干，酸甜刚好，独立小包装带去学校很方便。\n第二句：回购了三次。");
  const hostile = await sharedShop(admin, 2, "<script>__pwned=3</script>", goods.slice(0, 2), INJECTED);
  return { friendly, hostile, friendlyItems: goods.length };
}
