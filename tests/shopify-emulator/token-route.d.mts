/** Routes the Shopify library's token calls to the emulator at `emulatorUrl`; returns what undoes it. */
export function routeTokenCallsTo(emulatorUrl: string): () => void;
