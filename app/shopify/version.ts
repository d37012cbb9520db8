// The Admin API version Amends is built and tested against, everywhere (2026-10).
import { ApiVersion } from "@shopify/shopify-api";

export const API_VERSION = ApiVersion.October26;
