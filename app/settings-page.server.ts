// What every policy settings page does on the server: show the stored settings as form values,
// and save the fields it owns, checked together with everything else (saveSettingsPage).
import { requireAdmin } from "./admin-auth.server";
import { db } from "./db.server";
import { loadSettings, saveSettingsPage, settingsFormValues } from "./models/settings.server";
import type { FieldErrors } from "./remediation/policy/form";

export async function settingsPageData(request: Request) {
  const { shop } = await requireAdmin(request);
  const settings = await loadSettings(db(), shop);
  return { shop, settings, values: settingsFormValues(settings) };
}

export type SettingsActionResult = { errors: FieldErrors; saved: boolean };

/** 422 with the errors by field, or saved. */
export async function settingsPageAction(request: Request, owns: (field: string) => boolean) {
  const { shop } = await requireAdmin(request);
  const result = await saveSettingsPage(db(), shop, await request.formData(), owns);
  if (!result.ok) return Response.json({ errors: result.errors, saved: false } satisfies SettingsActionResult, { status: 422 });
  return { errors: {}, saved: true } satisfies SettingsActionResult;
}
