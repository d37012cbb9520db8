// Amends' detection rules: pure functions of order data and time, called by the webhook intake
// and the due-order sweep.
export * from "./calendar";
export * from "./parcel";
export * from "./rules";
export * from "./schedule";
