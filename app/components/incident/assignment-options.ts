// The incident page's choices for its owner and its responsible party: the shop's staff and
// the shop's own parties. What the incident already has stays choosable even when it is off the
// list (an owner typed before owners came from the staff list, a party since removed), so
// saving the other fields never changes or refuses it.
import type { PartyChoice } from "../../incidents/inbox";
import { partyLabel } from "../../incidents/inbox";

type Option = { label: string; value: string };

export function ownerOptions(staff: readonly string[], current: string | null): Option[] {
  const options = [{ label: "Nobody yet", value: "" }, ...staff.map((name) => ({ label: name, value: name }))];
  if (current && !staff.includes(current)) options.push({ label: `${current} (not on your staff list)`, value: current });
  return options;
}

export function partyOptions(parties: readonly PartyChoice[], current: string): Option[] {
  const options = [...parties.map((party) => ({ label: party.name, value: party.key })), { label: partyLabel(parties, "unknown"), value: "unknown" }];
  if (!options.some((option) => option.value === current)) options.push({ label: partyLabel(parties, current), value: current });
  return options;
}
