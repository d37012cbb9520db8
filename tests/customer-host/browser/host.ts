// The stand-in for Shopify's customer-account extension host, in the page: it provides the
// `shopify` global of one target, defines the `s-*` elements, then loads the extension's own
// bundle, which registers its targets with shopify.extend(); the host runs the page's target.
// Each API follows its documented contract (shopify.dev, customer-account-ui-extensions "Target
// APIs"; the types of @shopify/ui-extensions 2026.7); only what the extension uses is provided,
// and anything else the bundle touches is undefined, as a missing API would be.
import { defineComponents } from "./elements";
import { createI18n, type LocaleFiles } from "./i18n";

export interface HostConfig {
  target:
    | "customer-account.order.action.menu-item.render"
    | "customer-account.order.action.render"
    | "customer-account.order-status.block.render";
  apiVersion: string;
  order: { id: string; name: string };
  /** The buyer's locale, e.g. "es-ES". */
  locale: string;
  currency: string;
  timezone: string;
  countryCode: string;
  locales: LocaleFiles;
  /** Where the host server mints session tokens for the signed-in demo customer. */
  sessionTokenUrl: string;
  bundleUrl: string;
}

interface SignalClass {
  new <T>(value: T): { value: T; subscribe(fn: (value: T) => void): () => void };
}

declare global {
  interface Window {
    __AMENDS_HOST__: HostConfig;
    /** What went wrong in the host or the extension, for the test to assert on. */
    hostErrors: string[];
    /** Set when the extension called close() on its action. */
    hostClosed: boolean;
    hostToasts: string[];
  }
}

const config = window.__AMENDS_HOST__;
window.hostErrors = [];
window.hostClosed = false;
window.hostToasts = [];
const hostError = (message: string) => {
  window.hostErrors.push(message);
  console.error(`[customer host] ${message}`);
};

defineComponents(hostError);

/** Read-only signal-likes (value + subscribe); made real Preact signals once the extension
 * hands its Signal class over with setSignals, as Shopify's host does, so reading .value
 * in a component subscribes it. */
const signals: Record<string, { value: unknown }> = {};
function signal<T>(name: string, value: T): { readonly value: T; subscribe(fn: (value: T) => void): () => void } {
  const plain = {
    value,
    subscribe(fn: (value: T) => void) {
      fn(value);
      return () => {};
    },
  };
  signals[name] = plain;
  return plain;
}

/** sessionToken.get(): a token that has not expired, cached until shortly before it does. */
let cached: { token: string; expiresAt: number } | null = null;
async function sessionToken(): Promise<string> {
  if (cached && cached.expiresAt - Date.now() > 30_000) return cached.token;
  const response = await fetch(config.sessionTokenUrl);
  if (!response.ok) throw new Error(`session token: ${response.status}`);
  const token = await response.text();
  const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { exp: number };
  cached = { token, expiresAt: payload.exp * 1000 };
  return token;
}

const { i18n, language } = createI18n(config.locale, config.currency, config.locales, hostError);
const localization = {
  language: signal("language", { isoCode: config.locale }),
  extensionLanguage: signal("extensionLanguage", { isoCode: language }),
  country: signal("country", { isoCode: config.countryCode }),
};

const standard = {
  extensionPoint: config.target,
  extension: { apiVersion: config.apiVersion, target: config.target },
  version: config.apiVersion,
  i18n,
  localization,
  sessionToken: { get: sessionToken },
  toast: {
    async show(content: string) {
      window.hostToasts.push(content);
      return { hide() {} };
    },
  },
};

// Per target (extension-targets.d.ts): the order action targets get `orderId` (OrderApi) and the
// action also close() (ActionExtensionApi); the order status block gets `order` and a
// localization with currency and time zone (OrderStatusApi).
const targetApi =
  config.target === "customer-account.order-status.block.render"
    ? {
        order: signal("order", { id: config.order.id, name: config.order.name }),
        localization: {
          ...localization,
          currency: signal("currency", { isoCode: config.currency }),
          timezone: signal("timezone", config.timezone),
        },
      }
    : config.target === "customer-account.order.action.render"
      ? { orderId: config.order.id, close }
      : { orderId: config.order.id };

/** Tells the order page around this frame (server.ts, /order), if any. */
function toOrderPage(type: "open-action" | "close-action") {
  if (window.parent !== window) window.parent.postMessage({ source: "amends-customer-host", type }, "*");
}

/** ActionExtensionApi.close(): the modal closes. */
function close() {
  window.hostClosed = true;
  toOrderPage("close-action");
}

// The menu item's button opens the action target of the same extension (shopify.dev, "Order
// action menu": the action "renders as a result of the customer clicking the order action button").
if (config.target === "customer-account.order.action.menu-item.render") {
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("s-button")) toOrderPage("open-action");
  });
}

const registered = new Map<string, (...args: unknown[]) => unknown>();

Object.assign(globalThis, {
  shopify: {
    ...standard,
    ...targetApi,
    extend(target: string, render: (...args: unknown[]) => unknown) {
      registered.set(target, render);
    },
    setSignals(Signal: SignalClass) {
      for (const [name, plain] of Object.entries(signals)) {
        const real = new Signal(plain.value);
        // Swap the plain object's fields for the real signal's, wherever the API holds it.
        Object.assign(plain, { subscribe: real.subscribe.bind(real) });
        Object.defineProperty(plain, "value", { get: () => real.value, configurable: true });
        signals[name] = real;
      }
    },
  },
});

window.addEventListener("error", (event) => hostError(event.message));
window.addEventListener("unhandledrejection", (event) => hostError(String(event.reason)));

const script = document.createElement("script");
script.src = config.bundleUrl;
script.onload = () => {
  const render = registered.get(config.target);
  if (!render) return hostError(`the extension registered no ${config.target}`);
  void Promise.resolve(render()).then(() => document.documentElement.setAttribute("data-rendered", "true"));
};
script.onerror = () => hostError(`could not load ${config.bundleUrl}`);
document.head.append(script);
