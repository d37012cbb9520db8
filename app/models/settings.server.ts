// The merchant's settings: the remediation policy and the detection settings, read as the
// engine and the detection rules read them, and written only once their schemas accept them.
import type { Database } from "../db.server";
import type { DetectionSettings } from "../incidents/model";
import type {
  EditableDetectionSettings,
  FieldErrors,
  FormFields,
  FormResult,
  FormValues,
} from "../remediation/policy/form";
import {
  detectionFromForm,
  detectionToFormValues,
  fieldMessage,
  issuesToErrors,
  policyFromForm,
  policyToFormValues,
} from "../remediation/policy/form";
import { RESOLUTION_POLICY_FIELD, defaultResolutionPolicy, resolutionPolicySchema } from "../remediation/policy/resolution";
import type { RemediationPolicy } from "../remediation/policy/schema";
import { remediationPolicySchema } from "../remediation/policy/schema";
import { detectionSettings, detectionSettingsSchema, storedShopProfile, shopSettings, storedResolutionPolicy } from "./shop.server";

// The time zone is left out: it is the shop's (Shop.timeZone), and a copy stored here would
// override it after the merchant changes it in Shopify.
const editableDetectionSchema = detectionSettingsSchema.omit({ timeZone: true }).strict();

export interface Settings {
  /** The policy the engine uses: the stored one, or the default when none (or an invalid one)
   * is stored. */
  policy: RemediationPolicy;
  /** Why the stored policy was set aside, or why it needs the merchant, when it does. */
  policyProblem: string | null;
  detection: DetectionSettings;
  /** The shop's currency, which the page's amounts are in and saved in. */
  currencyCode: string;
  /** The shop's primary locale, which the page writes amounts in. */
  locale: string;
  /** What customers can expect, as the merchant wrote it; null when they have not. */
  resolutionPolicy: string | null;
  /** What customers read while resolutionPolicy is null: the default in the shop's language. */
  defaultResolutionPolicy: string;
}

export async function loadSettings(db: Database, shop: string): Promise<Settings> {
  // The engine's and the rules' own readers, so the page shows exactly what they act on.
  const [{ policy, policyProblem, currencyCode, locale }, detection, resolutionPolicy, profile] = await Promise.all([
    shopSettings(db, shop),
    detectionSettings(db, shop),
    storedResolutionPolicy(db, shop),
    storedShopProfile(db, shop),
  ]);
  return {
    policy,
    policyProblem,
    detection,
    currencyCode,
    locale,
    resolutionPolicy,
    defaultResolutionPolicy: defaultResolutionPolicy(profile?.primaryLocale),
  };
}

/** Field errors keyed "detection.<setting>", or the settings to store. */
export function validateDetectionSettings(posted: {
  input: unknown;
  errors: FieldErrors;
}): FormResult<EditableDetectionSettings> {
  const parsed = editableDetectionSchema.safeParse(posted.input, { error: fieldMessage });
  const errors = {
    // "holidays.2" is the holidays field: one list, one input.
    ...issuesToErrors(parsed.error?.issues ?? [], ([setting]) => `detection.${String(setting)}`),
    ...posted.errors,
  };
  if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: parsed.data };
}

/** The resolution policy field: its text (null when left empty), or its error. */
export function validateResolutionPolicy(posted: FormDataEntryValue | null): FormResult<string | null> {
  const parsed = resolutionPolicySchema.safeParse(typeof posted === "string" ? posted : "");
  if (!parsed.success) return { ok: false, errors: { [RESOLUTION_POLICY_FIELD]: parsed.error.issues[0]?.message ?? "Check this text" } };
  return { ok: true, value: parsed.data };
}

/**
 * Stores the policy and/or detection settings in one write, so a save is all or nothing.
 * Throws (and stores nothing) when either is invalid: callers validate first and show the
 * merchant why, so reaching here with bad data is a bug.
 */
export async function saveSettings(
  db: Database,
  shop: string,
  settings: { policy?: RemediationPolicy; detection?: EditableDetectionSettings; resolutionPolicy?: string | null },
): Promise<void> {
  const data = {
    ...(settings.resolutionPolicy === undefined ? {} : { resolutionPolicy: resolutionPolicySchema.parse(settings.resolutionPolicy ?? "") }),
    ...(settings.policy ? { policy: remediationPolicySchema.parse(settings.policy) } : {}),
    ...(settings.detection ? { detection: editableDetectionSchema.parse(settings.detection) } : {}),
  };
  await db.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, ...data },
    update: data,
  });
}

/** The settings as the form shows them: every field of every topic page. */
export function settingsFormValues(settings: Settings): FormValues {
  return {
    ...policyToFormValues(settings.policy),
    ...detectionToFormValues(settings.detection),
    [RESOLUTION_POLICY_FIELD]: settings.resolutionPolicy ?? "",
  };
}

/**
 * Saves one topic page: the fields it owns as posted (an unticked checkbox posts nothing, so an
 * owned field left out is empty), every other field as stored. The whole is then checked as one
 * policy, so a page can never store a combination the policy refuses. Nothing is stored unless
 * everything is valid.
 */
export async function saveSettingsPage(
  db: Database,
  shop: string,
  posted: FormFields,
  owns: (field: string) => boolean,
): Promise<FormResult<null>> {
  const current = await loadSettings(db, shop);
  const stored = settingsFormValues(current);
  const form = new URLSearchParams();
  for (const [field, value] of Object.entries(stored)) {
    const own = owns(field) ? posted.get(field) : value;
    if (typeof own === "string") form.set(field, own);
  }
  // Amounts are typed in the shop's currency, whatever the stored policy's was.
  const policy = policyFromForm(form, { ...current.policy, currencyCode: current.currencyCode });
  const detection = validateDetectionSettings(detectionFromForm(form));
  const resolutionPolicy = validateResolutionPolicy(form.get(RESOLUTION_POLICY_FIELD));
  if (!policy.ok || !detection.ok || !resolutionPolicy.ok) {
    return {
      ok: false,
      errors: {
        ...(policy.ok ? {} : policy.errors),
        ...(detection.ok ? {} : detection.errors),
        ...(resolutionPolicy.ok ? {} : resolutionPolicy.errors),
      },
    };
  }
  await saveSettings(db, shop, { policy: policy.value, detection: detection.value, resolutionPolicy: resolutionPolicy.value });
  return { ok: true, value: null };
}
