// Deterministic demo data: a believable small Spanish apparel shop (EUR, Europe/Madrid, Spanish
// customers and carriers) with three weeks of orders in every
// state Amends cares about (unfulfilled, in transit, late, delivered, cancelled, refunded).
import type { CustomerRecord, EmulatorStore, OrderRecord, ShopInput, VariantRecord } from "./store";
import { formatCents, rng } from "./util";

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

// A Spanish apparel shop (EUR, Europe/Madrid, Spanish customers): the stores Amends is for.
const ACCESSORIES = "Accesorios";
const PRODUCTS: [string, string, number][] = [
  ["Gorro de lana merino", ACCESSORIES, 29],
  ["Camiseta de algodón orgánico", "Camisetas", 25],
  ["Sudadera de felpa gruesa", "Camisetas", 69],
  ["Bolsa de lona", ACCESSORIES, 22],
  ["Calcetines de trail", ACCESSORIES, 14.95],
  ["Chaqueta encerada de campo", "Abrigos", 169],
  ["Camisa de lino", "Camisetas", 59],
  ["Vaqueros selvedge", "Pantalones", 129],
  ["Bermudas chinas", "Pantalones", 49.9],
  ["Cartera de piel", ACCESSORIES, 39],
  ["Chaleco acolchado", "Abrigos", 89],
  ["Jersey de canalé", "Camisetas", 99],
  ["Chubasquero plegable", "Abrigos", 115],
  ["Gorra de pana", ACCESSORIES, 29.5],
  ["Sobrecamisa de franela", "Camisetas", 75],
];
const SIZES = ["S", "M", "L"];
const FIRST = [
  "Lucía",
  "Hugo",
  "Martina",
  "Mateo",
  "Sofía",
  "Leo",
  "Julia",
  "Daniel",
  "Paula",
  "Pablo",
  "Valeria",
  "Álvaro",
  "Carmen",
  "Javier",
  "Elena",
  "Marc",
  "Laia",
  "Iker",
  "Noa",
  "Adrián",
];
const LAST = [
  "García",
  "Fernández",
  "González",
  "Rodríguez",
  "López",
  "Martínez",
  "Sánchez",
  "Pérez",
  "Gómez",
  "Martín",
  "Jiménez",
  "Ruiz",
  "Hernández",
  "Díaz",
  "Moreno",
];
/** City, province, Shopify's province code, postcode. */
const CITIES: [string, string, string, string][] = [
  ["Madrid", "Madrid", "M", "28013"],
  ["Barcelona", "Barcelona", "B", "08002"],
  ["Valencia", "Valencia", "V", "46002"],
  ["Sevilla", "Sevilla", "SE", "41004"],
  ["Bilbao", "Vizcaya", "BI", "48001"],
  ["Zaragoza", "Zaragoza", "Z", "50001"],
  ["Málaga", "Málaga", "MA", "29015"],
];
const STREETS = ["Calle Mayor", "Calle del Sol", "Calle de la Paz", "Calle Real", "Calle de Alcalá"];

/** "Álvaro" → "alvaro", for e-mail addresses. */
function plain(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();
}

const CARRIERS: { company: string; number: (r: () => number) => string }[] = [
  {
    company: "Correos",
    number: (r) => `PQ${Math.floor(r() * 1e8)
      .toString(36)
      .toUpperCase()
      .padStart(6, "0")}${String(Math.floor(r() * 1e12)).padStart(12, "0")}X`,
  },
  { company: "SEUR", number: (r) => String(Math.floor(1e13 + r() * 9e13)) },
  { company: "MRW", number: (r) => String(Math.floor(1e11 + r() * 9e11)) },
  { company: "DHL Express", number: (r) => String(Math.floor(1e9 + r() * 9e9)) },
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
      : { domain: options.shop ?? "demo-shop.myshopify.com" };
  const domain = shopInput.domain;
  if (!store.hasShop(domain))
    store.createShop({
      name: "Lana y Lino",
      email: "hola@lanaylino.example",
      currencyCode: "EUR",
      ianaTimezone: "Europe/Madrid",
      countryCode: "ES",
      primaryLocale: "es",
      ...shopInput,
    });
  const currency = store.shop(domain).currencyCode;
  if (store.shop(domain).locations.length < 2) store.addLocation(domain, "Almacén Valencia");
  const silent = { silent: true };

  // Catalogue: ~30 variants.
  const variants: VariantRecord[] = [];
  const productCount = Math.min(options.products ?? 10, PRODUCTS.length);
  for (let i = 0; variants.length < (options.products ?? 30) && i < PRODUCTS.length; i++) {
    const [title, type, price] = PRODUCTS[i] ?? PRODUCTS[0] ?? ["Item", "Misc", 10];
    const sized = type !== ACCESSORIES || i < productCount;
    const product = store.addProduct(domain, {
      title,
      productType: type,
      vendor: "Lana y Lino",
      variants: (sized && type !== ACCESSORIES ? SIZES : ["Default Title"]).map((size) => ({
        title: size,
        sku: `LL-${title
          .split(" ")
          .map((w) => w[0])
          .join("")}-${size === "Default Title" ? "OS" : size}`,
        // Prices are euros: a shop seeded in another currency gets the same numbers.
        price: price.toFixed(2),
        available: {
          "Main Warehouse": Math.floor(r() * 40),
          "Almacén Valencia": Math.floor(r() * 15),
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
        email: `${plain(firstName)}.${plain(lastName)}${i}@example.com`,
        phone: `+346${String(10000000 + Math.floor(r() * 89999999))}`,
        createdAt: now - (30 + Math.floor(r() * 300)) * DAY,
        address: {
          firstName,
          lastName,
          address1: `${pick(STREETS)}, ${1 + Math.floor(r() * 120)}`,
          city,
          province,
          provinceCode,
          country: "Spain",
          countryCode: "ES",
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
            ? { title: "Envío estándar", price: "4.95" }
            : { title: "Envío gratuito", price: "0.00" },
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
        message: "En tránsito",
        country: "ES",
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
          message: "Entregado",
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
              note: "Dañado en el transporte",
              refundLineItems: [{ lineItemId: li.id, quantity: 1, restockType: "NO_RESTOCK" }],
              transactions: [
                {
                  amount: formatCents(li.priceCents, currency),
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
            message: "Retraso por meteorología",
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
