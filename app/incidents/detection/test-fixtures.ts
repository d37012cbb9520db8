// Builders for the detection tests (not a test file itself): a realistic order with overridable parts.
import type {
  DetectionSettings,
  Fulfillment,
  FulfillmentEvent,
  OrderLine,
  OrderState,
} from "../model";
import { DEFAULT_DETECTION_SETTINGS } from "../model";

export const SETTINGS: DetectionSettings = {
  ...DEFAULT_DETECTION_SETTINGS,
  timeZone: "America/New_York",
  fulfilmentSlaBusinessDays: 2,
  deliveryGraceDays: 2,
  trackingSilenceDays: 7,
  responseHours: 48,
};

export function line(n: number, overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    id: `gid://shopify/LineItem/${n}`,
    variantId: `gid://shopify/ProductVariant/${n}`,
    title: `Item ${n}`,
    sku: `SKU-${n}`,
    quantity: 1,
    unfulfilledQuantity: 1,
    unitPrice: { amount: "10.00", currencyCode: "USD" },
    ...overrides,
  };
}

export function order(overrides: Partial<OrderState> = {}): OrderState {
  return {
    id: "gid://shopify/Order/1001",
    name: "#1001",
    createdAt: "2024-03-08T20:00:00Z",
    paidAt: "2024-03-08T20:00:00Z",
    cancelledAt: null,
    cancelReason: null,
    customer: {
      id: "gid://shopify/Customer/7",
      email: "ada@example.com",
      firstName: "Ada",
      lastName: "L",
    },
    lines: [line(1, { quantity: 2, unfulfilledQuantity: 2 }), line(2)],
    fulfillments: [],
    totalPrice: { amount: "30.00", currencyCode: "USD" },
    ...overrides,
  };
}

export function event(overrides: Partial<FulfillmentEvent> = {}): FulfillmentEvent {
  return {
    id: "gid://shopify/FulfillmentEvent/1",
    status: "IN_TRANSIT",
    happenedAt: "2024-03-12T15:00:00Z",
    message: null,
    estimatedDeliveryAt: null,
    ...overrides,
  };
}

export function fulfillment(overrides: Partial<Fulfillment> = {}): Fulfillment {
  return {
    id: "gid://shopify/Fulfillment/55",
    status: "SUCCESS",
    createdAt: "2024-03-11T15:00:00Z",
    trackingCompany: "UPS",
    trackingNumbers: ["1Z999"],
    shipmentStatus: "IN_TRANSIT",
    estimatedDeliveryAt: "2024-03-14T16:00:00Z",
    deliveredAt: null,
    events: [],
    lines: [{ lineItemId: "gid://shopify/LineItem/1", quantity: 2 }],
    ...overrides,
  };
}

/** An order shipped in full with one parcel. */
export function shippedOrder(parcel: Partial<Fulfillment> = {}): OrderState {
  return order({
    lines: [line(1, { quantity: 2, unfulfilledQuantity: 0 })],
    fulfillments: [fulfillment(parcel)],
  });
}
