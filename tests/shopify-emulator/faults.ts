// Fault injection for the Admin API endpoint: the failure modes an app must survive.
//   http5xx        answer a 5xx (default 503) without executing
//   hang           accept the request and never answer (until the client gives up or close())
//   throttle       answer Shopify's THROTTLED error without executing
//   dropAfterApply execute the request (effects kept) then destroy the socket: response lost
//   refuse         answer a mutation with a userError (`message`) without executing: Shopify's
//                  "no", which sending the same request again does not change

export type FaultKind = "http5xx" | "hang" | "throttle" | "dropAfterApply" | "refuse";

export interface FaultSpec {
  kind: FaultKind;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Only requests whose GraphQL operation name equals this. */
  operationName?: string;
  /** Only requests for this shop domain. */
  shop?: string;
  /** For http5xx (default 503). */
  status?: number;
  /** For refuse: the userError's message. */
  message?: string;
}

interface ActiveFault extends Required<Pick<FaultSpec, "kind">> {
  remaining: number;
  operationName?: string;
  shop?: string;
  status: number;
  message: string;
}

export interface FaultHit {
  kind: FaultKind;
  status: number;
  message: string;
  operationName: string | null;
  shop: string;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  readonly hits: FaultHit[] = [];

  inject(spec: FaultSpec): this {
    this.faults.push({
      kind: spec.kind,
      remaining: spec.times ?? 1,
      operationName: spec.operationName,
      shop: spec.shop,
      status: spec.status ?? 503,
      message: spec.message ?? "Refused",
    });
    return this;
  }

  /** Shorthands. */
  failNext(times = 1, operationName?: string, status = 503): this {
    return this.inject({ kind: "http5xx", times, operationName, status });
  }
  hangNext(times = 1, operationName?: string): this {
    return this.inject({ kind: "hang", times, operationName });
  }
  throttleNext(times = 1, operationName?: string): this {
    return this.inject({ kind: "throttle", times, operationName });
  }
  dropAfterApplyNext(times = 1, operationName?: string): this {
    return this.inject({ kind: "dropAfterApply", times, operationName });
  }

  clear(): void {
    this.faults = [];
    this.hits.length = 0;
  }

  pending(): number {
    return this.faults.reduce((s, f) => s + f.remaining, 0);
  }

  /** Like take(), but only faults injected for exactly this name (the token endpoint: a fault
   * meant for "the next Admin API call" must not land on a token refresh instead). */
  takeNamed(shop: string, name: string): FaultHit | null {
    return this.consume(shop, name, (f) => f.operationName === name);
  }

  /** Consumes and returns the first fault matching this request, if any. */
  take(shop: string, operationName: string | null): FaultHit | null {
    return this.consume(shop, operationName, (f) => !f.operationName || f.operationName === operationName);
  }

  private consume(shop: string, operationName: string | null, matches: (f: ActiveFault) => boolean): FaultHit | null {
    const fault = this.faults.find((f) => f.remaining > 0 && matches(f) && (!f.shop || f.shop === shop));
    if (!fault) return null;
    fault.remaining -= 1;
    this.faults = this.faults.filter((f) => f.remaining > 0);
    const hit = { kind: fault.kind, status: fault.status, message: fault.message, operationName, shop };
    this.hits.push(hit);
    return hit;
  }
}
