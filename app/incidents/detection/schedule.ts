// Time-based rules fire on no webhook: a parcel goes quiet, a deadline passes. Rather than
// re-reading every order on a timer, each order stores the next instant one of its rules could
// fire (an indexed dueAt), and the sweep reads only orders whose instant has come.
import type { DetectionSettings, IncidentFinding, OrderState } from "../model";
import {
  detectLateDelivery,
  detectLateFulfilment,
  detectPossiblyLost,
  lateDeliveryDueAt,
  lateFulfilmentDueAt,
  possiblyLostDueAt,
} from "./rules";
import { worstPerParcel } from "./parcel";

/** Every instant at which a time-based rule starts to hold for the order, past or future. */
export function timeRuleThresholds(order: OrderState, settings: DetectionSettings): Date[] {
  const thresholds = [lateFulfilmentDueAt(order, settings)];
  for (const fulfillment of order.fulfillments) {
    thresholds.push(
      lateDeliveryDueAt(fulfillment, settings),
      possiblyLostDueAt(fulfillment, settings),
    );
  }
  return thresholds.filter((at): at is Date => at !== null);
}

/**
 * The earliest instant after `now` at which a time-based rule could newly fire, or null when
 * none can (cancelled, fulfilled and delivered, ...). Thresholds already passed are left out:
 * they fired when evaluateTimeRules ran at `now`, and keeping them would make the sweep pick the
 * same order up forever. Any change to the order (a new event, a fulfilment) recomputes this.
 */
export function nextCheckAt(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): Date | null {
  let next: Date | null = null;
  for (const at of timeRuleThresholds(order, settings)) {
    if (at.getTime() > now.getTime() && (!next || at.getTime() < next.getTime())) next = at;
  }
  return next;
}

/** The time-based rules: late fulfilment, late delivery, possibly lost (the worse of the two
 * per parcel: one parcel is one problem). */
export function evaluateTimeRules(
  order: OrderState,
  settings: DetectionSettings,
  now: Date,
): IncidentFinding[] {
  return worstPerParcel([
    ...detectLateFulfilment(order, settings, now),
    ...detectLateDelivery(order, settings, now),
    ...detectPossiblyLost(order, settings, now),
  ]);
}
