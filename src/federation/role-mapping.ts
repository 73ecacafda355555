/** One rule: a person whose upstream claim holds `value` (or is it) has `role` here. */
export interface RoleMapping {
  claim: string;
  value: string;
  role: string;
}

/** A claim's values as strings: a string is one value, an array its string members, anything else none. */
function valuesOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim];
  if (typeof claim === 'number' || typeof claim === 'boolean') return [String(claim)];
  return Array.isArray(claim) ? claim.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * The user's roles after a sign-in through a provider with these rules. The roles the rules name are the
 * provider's to give and take away, on every sign-in; every other role stays as the tenant's admins set it.
 */
export function mappedRoles(current: readonly string[], rules: readonly RoleMapping[], claims: Readonly<Record<string, unknown>>): string[] {
  const managed = new Set(rules.map((rule) => rule.role));
  const granted = rules.filter((rule) => valuesOf(claims[rule.claim]).includes(rule.value)).map((rule) => rule.role);
  return [...new Set([...current.filter((role) => !managed.has(role)), ...granted])];
}

/** Whether two role lists hold the same roles, in any order. */
export function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}
