// Deterministic demo data: a believable small apparel shop with three weeks of orders in every
// state Amends cares about (unfulfilled, in transit, late, delivered, cancelled, refunded).
import type { CustomerRecord, EmulatorStore, OrderRecord, ShopInput, VariantRecord } from "./store";
import { rng } from "./util";

export interface SeedDemoOptions {
  shop?: string | ShopInput;
  /** "Now" for the data (default: the store's clock). */
  now?: number | Date;
  seed?: number;
  products?: number;
  customers?: number;
  orders?: number;
  days?: number;
}

export interface SeededShop {
  shop: string;
  variants: VariantRecord[];
  customers: CustomerRecord[];
  orders: OrderRecord[];
  /** Orders by situation, for demos and assertions. */
  byState: {
    unfulfilled: OrderRecord[];
    inTransit: OrderRecord[];
    late: OrderRecord[];
    delivered: OrderRecord[];
    cancelled: OrderRecord[];
    refunded: OrderRecord[];
  };
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

const PRODUCTS: [string, string, number][] = [
  ["Merino Wool Beanie", "Accessories", 32],
  ["Organic Cotton Tee", "Tops", 28],
  ["Heavyweight Hoodie", "Tops", 78],
  ["Canvas Tote Bag", "Accessories", 24],
  ["Trail Running Socks", "Accessories", 16],
  ["Waxed Field Jacket", "Outerwear", 189],
  ["Linen Button-Down", "Tops", 68],
  ["Selvedge Denim", "Bottoms", 145],
  ["Chino Shorts", "Bottoms", 58],
  ["Leather Card Wallet", "Accessories", 45],
  ["Quilted Vest", "Outerwear", 98],
  ["Ribbed Crew Sweater", "Tops", 110],
  ["Packable Rain Shell", "Outerwear", 129],
  ["Corduroy Cap", "Accessories", 34],
  ["Flannel Overshirt", "Tops", 84],
];
const SIZES = ["S", "M", "L"];
const FIRST = [
  "Ava",
  "Liam",
  "Maya",
  "Noah",
  "Zoe",
  "Ethan",
  "Chloe",
  "Lucas",
  "Isla",
  "Omar",
  "Priya",
  "Mateo",
  "Hana",
  "Felix",
  "Nora",
  "Kai",
  "Leah",
  "Theo",
  "Ines",
  "Sam",
];
const LAST = [
  "Martin",
  "Nguyen",
  "Okafor",
  "Schmidt",
  "Rossi",
  "Kowalski",
  "Tanaka",
  "Silva",
  "Dubois",
  "Haddad",
  "Patel",
  "Larsen",
  "Moreau",
  "Cohen",
  "Byrne",
];
const CITIES: [string, string, string, string][] = [
  ["Portland", "Oregon", "OR", "97205"],
  ["Austin", "Texas", "TX", "78701"],
  ["Brooklyn", "New York", "NY", "11201"],
  ["Denver", "Colorado", "CO", "80202"],
  ["Chicago", "Illinois", "IL", "60607"],
  ["Seattle", "Washington", "WA", "98101"],
  ["Atlanta", "Georgia", "GA", "30303"],
];
const CARRIERS: { company: string; number: (r: () => number) => string }[] = [
  {
    company: "UPS",
    number: (r) =>
      `1Z${Math.floor(r() * 1e8)
        .toString(36)
        .toUpperCase()
        .padStart(6, "0")}${Math.floor(r() * 1e10)}`,
  },
  { company: "DHL Express", number: (r) => String(Math.floor(1e9 + r() * 9e9)) },
  { company: "USPS", number: (r) => `9400${String(Math.floor(r() * 1e15)).padStart(15, "0")}` },
  { company: "FedEx", number: (r) => String(Math.floor(1e11 + r() * 9e11)) },
];

export function seedDemoShop(store: EmulatorStore, options: SeedDemoOptions = {}): SeededShop {
  const r = rng(options.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => {
    const v = list[Math.floor(r() * list.length)];
    if (v === undefined) throw new Error("pick from empty list");
    return v;
  };
  const now =
    options.now === undefined
      ? store.now()
      : typeof options.now === "number"
        ? options.now
        : options.now.getTime();
  const shopInput: ShopInput =
    typeof options.shop === "object"
      ? options.shop
      : { domain: options.shop ?? "demo-shop.myshopify.com", name: "Northwind Outfitters" };
  const domain = shopInput.domain;
  if (!store.hasShop(domain))
    store.createShop({
      name: "Northwind Outfitters",
      email: "hello@northwind.example",
      ...shopInput,
    });
  if (store.shop(domain).locations.length < 2) store.addLocation(domain, "East Coast DC");
  const silent = { silent: true };

  // Catalogue: ~30 variants.
  const variants: VariantRecord[] = [];
  const productCount = Math.min(options.products ?? 10, PRODUCTS.length);
  for (let i = 0; variants.length < (options.products ?? 30) && i < PRODUCTS.length; i++) {
    const [title, type, price] = PRODUCTS[i] ?? PRODUCTS[0] ?? ["Item", "Misc", 10];
    const sized = type !== "Accessories" || i < productCount;
    const product = store.addProduct(domain, {
      title,
      productType: type,
      vendor: "Northwind",
      variants: (sized && type !== "Accessories" ? SIZES : ["Default Title"]).map((size) => ({
        title: size,
        sku: `NW-${title
          .split(" ")
          .map((w) => w[0])
          .join("")}-${size === "Default Title" ? "OS" : size}`,
        price: price.toFixed(2),
        available: {
          "Main Warehouse": Math.floor(r() * 40),
          "East Coast DC": Math.floor(r() * 15),
        },
      })),
    });
    for (const id of product.variantIds) variants.push(store.variant(domain, id));
  }
  // A couple of items run out, so inventory stories exist.
  for (const v of variants.slice(0, 2)) {
    const level = v.levels[0];
    if (level) level.available = 0;
  }

  const customers: CustomerRecord[] = [];
  for (let i = 0; i < (options.customers ?? 20); i++) {
    const firstName = FIRST[i % FIRST.length] ?? "Alex";
    const lastName = pick(LAST);
    const [city, province, provinceCode, zip] = pick(CITIES);
    customers.push(
      store.addCustomer(domain, {
        firstName,
        lastName,
        email: `${firstName}.${lastName}${i}@example.com`.toLowerCase(),
        phone: `+1555${String(1000000 + Math.floor(r() * 8999999))}`,
        createdAt: now - (30 + Math.floor(r() * 300)) * DAY,
        address: {
          firstName,
          lastName,
          address1: `${100 + Math.floor(r() * 900)} ${pick(["Oak", "Maple", "Cedar", "Pine", "Elm"])} St`,
          city,
          province,
          provinceCode,
          country: "United States",
          countryCode: "US",
          zip,
        },
      }),
    );
  }

  const byState: SeededShop["byState"] = {
    unfulfilled: [],
    inTransit: [],
    late: [],
    delivered: [],
    cancelled: [],
    refunded: [],
  };
  const orders: OrderRecord[] = [];
  const days = options.days ?? 21;
  const count = options.orders ?? 60;
  // Oldest first, so order numbers increase with time.
  const times = Array.from({ length: count }, () => now - Math.floor(r() * days * DAY) - HOUR).sort(
    (a, b) => a - b,
  );
  times.forEach((createdAt, idx) => {
    const customer = pick(customers);
    const lines = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({
      variantId: pick(variants).id,
      quantity: r() < 0.8 ? 1 : 2,
    }));
    const unique = lines.filter(
      (l, i) => lines.findIndex((x) => x.variantId === l.variantId) === i,
    );
    const order = store.addOrder(
      domain,
      {
        customerId: customer.id,
        lineItems: unique,
        createdAt,
        shippingLine:
          r() < 0.6
            ? { title: "Standard Shipping", price: "6.95" }
            : { title: "Free Shipping", price: "0.00" },
        tags: r() < 0.15 ? ["vip"] : [],
        keepInventory: true,
      },
      silent,
    );
    orders.push(order);
    const ageDays = (now - createdAt) / DAY;

    if (idx % 23 === 5) {
      // A cancelled order (customer changed their mind), fully refunded.
      const job = store.cancelOrder(
        domain,
        { orderId: order.id, reason: "CUSTOMER", restock: true, refund: true },
        silent,
      );
      if ("job" in job) store.completeJob(domain, job.job.id);
      byState.cancelled.push(order);
      return;
    }
    if (ageDays < 2 || r() < 0.12) {
      byState.unfulfilled.push(order);
      return;
    }
    const carrier = pick(CARRIERS);
    const shippedAt = createdAt + (6 + Math.floor(r() * 40)) * HOUR;
    const transitDays = 3 + Math.floor(r() * 4);
    const eta = shippedAt + transitDays * DAY;
    const f = store.addFulfillment(
      domain,
      order.id,
      {
        trackingCompany: carrier.company,
        trackingNumber: carrier.number(r),
        createdAt: shippedAt,
        estimatedDeliveryAt: eta,
      },
      silent,
    );
    const addr = order.shippingAddress;
    store.addFulfillmentEvent(
      domain,
      f.id,
      { status: "LABEL_PRINTED", happenedAt: shippedAt - 2 * HOUR },
      silent,
    );
    store.addFulfillmentEvent(
      domain,
      f.id,
      {
        status: "IN_TRANSIT",
        happenedAt: shippedAt + 8 * HOUR,
        estimatedDeliveryAt: eta,
        message: "Departed facility",
        country: "US",
      },
      silent,
    );
    const late = r() < 0.25;
    if (eta < now && !late) {
      store.addFulfillmentEvent(
        domain,
        f.id,
        { status: "OUT_FOR_DELIVERY", happenedAt: eta - 6 * HOUR, city: addr?.city ?? null },
        silent,
      );
      store.addFulfillmentEvent(
        domain,
        f.id,
        {
          status: "DELIVERED",
          happenedAt: eta - 2 * HOUR,
          message: "Delivered, front door",
          city: addr?.city ?? null,
          zip: addr?.zip ?? null,
        },
        silent,
      );
      byState.delivered.push(order);
      if (r() < 0.1) {
        // A partial refund for a damaged item.
        const li = order.lineItems[0];
        const sale = order.transactions[0];
        if (li && sale) {
          store.createRefund(
            domain,
            {
              orderId: order.id,
              note: "Damaged in transit",
              refundLineItems: [{ lineItemId: li.id, quantity: 1, restockType: "NO_RESTOCK" }],
              transactions: [
                {
                  amount: (li.priceCents / 100).toFixed(2),
                  gateway: sale.gateway,
                  kind: "REFUND",
                  orderId: order.id,
                  parentId: sale.id,
                },
              ],
            },
            silent,
          );
          byState.refunded.push(order);
        }
      }
    } else if (eta < now) {
      // Late: the promised date passed without delivery; sometimes the carrier says so.
      if (r() < 0.5) {
        store.addFulfillmentEvent(
          domain,
          f.id,
          {
            status: "DELAYED",
            happenedAt: eta - 4 * HOUR,
            message: "Weather delay",
            estimatedDeliveryAt: eta,
          },
          silent,
        );
      }
      byState.late.push(order);
    } else {
      byState.inTransit.push(order);
    }
  });

  return { shop: domain, variants, customers, orders, byState };
}
