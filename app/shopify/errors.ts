// What a call to Shopify can end in, besides data: typed, with Shopify's own messages.

export class ShopifyError extends Error {
  override name = "ShopifyError";
  constructor(
    message: string,
    readonly operation: string,
    readonly retryable: boolean,
    readonly code?: string,
  ) {
    super(`${operation}: ${message}`);
  }
}

/** Shopify answered, and refused: userErrors with its own messages. */
export class ShopifyUserError extends Error {
  override name = "ShopifyUserError";
  constructor(
    readonly operation: string,
    readonly userErrors: { field?: string[] | null; message: string; code?: string | null }[],
  ) {
    super(`${operation}: ${userErrors.map((e) => e.message).join("; ")}`);
  }
}
