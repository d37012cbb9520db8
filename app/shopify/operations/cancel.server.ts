// Cancelling an order Amends cannot fill (stock-out): restocked, refunded to the original
// payment methods — all the customer paid, shipping included, as Shopify's orderCancel does.
// orderCancel answers with a job; the order is cancelled once it is done.
import type { AdminClient } from "../admin.server";
import { ShopifyError } from "../admin.server";
import { graphql } from "../documents";
import { throwOnUserErrors } from "./user-errors.server";

export const CANCEL_FOR_STOCK_OUT = graphql`
  mutation CancelForStockOut($orderId: ID!, $staffNote: String) {
    orderCancel(
      orderId: $orderId
      reason: INVENTORY
      restock: true
      refundMethod: { originalPaymentMethodsRefund: true }
      notifyCustomer: true
      staffNote: $staffNote
    ) {
      job {
        id
        done
      }
      orderCancelUserErrors {
        field
        message
        code
      }
    }
  }
`;

export const CANCEL_JOB = graphql`
  query CancelJob($id: ID!) {
    job(id: $id) {
      id
      done
    }
  }
`;

export interface Job {
  id: string;
  done: boolean;
}

/** Starts the cancellation; returns the job to wait for. */
export async function cancelForStockOut(client: AdminClient, orderId: string, staffNote: string): Promise<Job> {
  const data = await client.request<{
    orderCancel: {
      job: Job | null;
      orderCancelUserErrors: { field: string[] | null; message: string; code: string | null }[];
    } | null;
  }>("CancelForStockOut", CANCEL_FOR_STOCK_OUT, { orderId, staffNote });
  throwOnUserErrors("CancelForStockOut", data.orderCancel?.orderCancelUserErrors);
  const job = data.orderCancel?.job;
  if (!job) throw new Error("CancelForStockOut: Shopify returned no job and no error");
  return job;
}

export interface WaitOptions {
  sleep?: (ms: number) => Promise<void>;
  intervalMs?: number;
  /** The clock the wait is measured on (default Date.now). */
  now?: () => number;
  /** How long to wait for the job before giving up for now (default 2 minutes). */
  timeoutMs?: number;
}

/**
 * Polls job(id) until Shopify reports it done. A cancellation runs asynchronously and can take
 * seconds, so the wait is by time, not by a count of polls; a job still running at the end is
 * a retryable failure (JOB_PENDING): the job is Shopify's and goes on, a later run polls it again.
 */
export async function waitForJob(client: AdminClient, job: Job, options: WaitOptions = {}): Promise<Job> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 120_000);
  let current = job;
  for (let poll = 0; !current.done; poll++) {
    if (poll > 0) {
      if (now() >= deadline) {
        throw new ShopifyError(`job ${job.id} is still running; Amends checks it again later`, "CancelJob", true, "JOB_PENDING");
      }
      await sleep(options.intervalMs ?? 1000);
    }
    const data = await client.request<{ job: Job | null }>("CancelJob", CANCEL_JOB, { id: job.id });
    if (!data.job) throw new ShopifyError(`job ${job.id} not found`, "CancelJob", false, "JOB_NOT_FOUND");
    current = data.job;
  }
  return current;
}

export const ORDER_REFUNDS = graphql`
  query OrderRefunds($id: ID!) {
    order(id: $id) {
      refunds(first: 50) {
        id
        totalRefundedSet {
          shopMoney {
            amount
            currencyCode
          }
        }
      }
    }
  }
`;

export interface RefundTotal {
  id: string;
  amount: string;
  currencyCode: string;
}

/** The order's refunds with their totals: what a cancellation refunded is the ones it added. */
export async function orderRefunds(client: AdminClient, orderId: string): Promise<RefundTotal[]> {
  const data = await client.request<{
    order: { refunds: { id: string; totalRefundedSet: { shopMoney: { amount: string; currencyCode: string } } }[] } | null;
  }>("OrderRefunds", ORDER_REFUNDS, { id: orderId });
  return (data.order?.refunds ?? []).map((refund) => ({ id: refund.id, ...refund.totalRefundedSet.shopMoney }));
}
