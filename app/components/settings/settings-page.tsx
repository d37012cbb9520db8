// The shell every settings page shares: its loader's data and the last save's answer, handed
// to the page's own form. A page states only what is its own: `export default
// settingsPage<typeof loader>(ItsForm)`.
import type { SerializeFrom } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import type { ComponentType } from "react";

import type { SettingsActionResult } from "../../settings-page.server";

export type SettingsPageProps<Loader> = SerializeFrom<Loader> & SettingsActionResult;

export function settingsPage<Loader>(Body: ComponentType<SettingsPageProps<Loader>>) {
  return function SettingsPage() {
    const data = useLoaderData<Loader>();
    const result = useActionData<SettingsActionResult>();
    // A new key after a save shows the values as stored, not as typed ("20.0" comes back "20").
    return (
      <Body
        key={JSON.stringify(data)}
        {...data}
        errors={result?.errors ?? {}}
        saved={result?.saved ?? false}
      />
    );
  };
}
