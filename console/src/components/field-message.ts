import type { ApiProblem } from '../api/api-result';

/**
 * The API's messages about one field, for showing at that field: its own (`body.redirect_uris`), an item's
 * (`body.redirect_uris.1`) or a nested member's (`body.branding.primary_color` for 'primary_color').
 */
export function fieldMessage(problem: ApiProblem | undefined, name: string): string | undefined {
  const found = problem?.fields.filter((f) => f.field?.split('.').includes(name));
  return found?.length ? found.map((f) => f.message).join('; ') : undefined;
}
