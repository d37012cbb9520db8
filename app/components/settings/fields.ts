// Controlled Polaris inputs that still post their value under `name`, like plain inputs, so a
// settings page is an ordinary <Form>; `dirty` drives the save bar and the leave guard.
import { useState } from "react";

import type { FieldErrors, FormValues } from "../../remediation/policy/form";
import { CHECKED } from "../../remediation/policy/form";

export function useFields(initial: FormValues, errors: FieldErrors) {
  const [values, setValues] = useState(initial);
  const set = (name: string) => (value: string) => setValues((v) => ({ ...v, [name]: value }));
  const choice = (name: string) => ({
    name,
    value: values[name] ?? "",
    onChange: set(name),
    error: errors[name],
  });
  const text = (name: string) => ({ ...choice(name), autoComplete: "off" });
  // Text, not type="number": the browser would block decimals and say why in its own words.
  const number = (name: string) => ({ ...text(name), inputMode: "decimal" as const });
  const tick = (name: string) => ({
    name,
    value: CHECKED,
    checked: values[name] === CHECKED,
    onChange: (on: boolean) => set(name)(on ? CHECKED : ""),
  });
  const dirty = Object.keys({ ...initial, ...values }).some((name) => (initial[name] ?? "") !== (values[name] ?? ""));
  const reset = () => setValues(initial);
  return { values, errors, set, choice, text, number, tick, dirty, reset };
}
export type Fields = ReturnType<typeof useFields>;
