// Reads a webhook body under a size limit and a deadline, for both servers (the lean one in
// app/server/app-server.ts, from the Node request; the Remix route, from a web stream). The
// limit is checked as each chunk arrives, so a body over it is refused when it passes the limit,
// never buffered whole; a body that trickles in is refused at the deadline instead of holding the connection for minutes.
import type { Readable } from "node:stream";

/** Shopify's webhook bodies are far smaller; anything bigger is refused unread. */
export const MAX_WEBHOOK_BODY = 5 * 1024 * 1024;
/** Shopify gives an app 5 seconds to answer; a body still arriving after this is not Shopify's. */
export const WEBHOOK_BODY_DEADLINE_MS = 10_000;

export class BodyTooLarge extends Error {
  override name = "BodyTooLarge";
  readonly status = 413;
  constructor(limit: number) {
    super(`The body is over ${limit} bytes`);
  }
}

export class BodyTooSlow extends Error {
  override name = "BodyTooSlow";
  readonly status = 408;
  constructor(deadlineMs: number) {
    super(`The body did not arrive within ${deadlineMs} ms`);
  }
}

/** One chunk at a time: a Node request's async iterator or a web stream's reader. */
export type ChunkSource = () => Promise<{ done?: boolean; value?: Uint8Array }>;

export interface BodyLimits {
  limit?: number;
  deadlineMs?: number;
  /** A Content-Length the sender declared: over the limit, refused before reading anything. */
  declaredLength?: string | null;
}

/**
 * The whole body, or BodyTooLarge / BodyTooSlow. On either error the source is left unread:
 * the caller answers (413 / 408) and closes the connection.
 */
export async function readBodyWithin(next: ChunkSource, limits: BodyLimits = {}): Promise<Buffer> {
  const limit = limits.limit ?? MAX_WEBHOOK_BODY;
  const deadlineMs = limits.deadlineMs ?? WEBHOOK_BODY_DEADLINE_MS;
  if (limits.declaredLength && Number(limits.declaredLength) > limit) throw new BodyTooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BodyTooSlow(deadlineMs)), deadlineMs);
  });
  late.catch(() => {});
  try {
    for (;;) {
      const chunk = next();
      // Abandoned at the deadline, it fails when the connection is closed: that is expected.
      chunk.catch(() => {});
      const { done, value } = await Promise.race([chunk, late]);
      if (done) break;
      if (!value) continue;
      size += value.byteLength;
      if (size > limit) throw new BodyTooLarge(limit);
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks, size);
}

/** The next chunk of a web request's body (the Remix route's Request). */
export function webStreamChunks(body: ReadableStream<Uint8Array> | null): ChunkSource {
  if (!body) return () => Promise.resolve({ done: true });
  const reader = body.getReader();
  return () => reader.read();
}

/**
 * readBodyWithin for a Node request (the production server's hot path), on the stream's own
 * events: its async iterator and a race per chunk cost the intake ~8 µs a delivery. Same
 * answers: BodyTooLarge, BodyTooSlow, or the stream's error when the client goes away; on any
 * of them the request is left paused and unread.
 */
export function readRequestBody(request: Readable, limits: BodyLimits = {}): Promise<Buffer> {
  const limit = limits.limit ?? MAX_WEBHOOK_BODY;
  const deadlineMs = limits.deadlineMs ?? WEBHOOK_BODY_DEADLINE_MS;
  if (limits.declaredLength && Number(limits.declaredLength) > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: Error | null) => {
      clearTimeout(timer);
      request.off("data", onData).off("end", onEnd).off("error", finish).off("close", onClose);
      if (!error) return resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      request.pause();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) return finish(new BodyTooLarge(limit));
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    // Closed before the end: the client went away mid-body.
    const onClose = () => finish(new Error("The connection closed before the body arrived"));
    const timer = setTimeout(() => finish(new BodyTooSlow(deadlineMs)), deadlineMs);
    request.on("data", onData).on("end", onEnd).on("error", finish).on("close", onClose);
  });
}
