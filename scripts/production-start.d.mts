/** Prepares `env` for the production start (NODE_ENV defaults to production); returns why the
 * start is refused (AMENDS_DEMO is set without `--demo` in `args`), or null. */
export function prepareProductionStart(env: Record<string, string | undefined>, args?: string[]): string | null;
