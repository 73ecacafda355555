import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { useIdsLookup } from './use-ids-lookup';

/** What the page shows of a user named by an event: their name and email, or that they are gone. */
export type Known = { name?: string; email?: string } | 'gone';

/** Who may read users (src/admin-api/routes/users.routes.ts `access`): an auditor may not, and sees ids. */
const USER_READERS = ['tenant_admin', 'user_manager'];
export const mayReadUsers = (roles: readonly string[]) => USER_READERS.some((role) => roles.includes(role));

/**
 * The people behind the user ids on the page, for a viewer who may read users (`GET /users?ids=…`). An id the
 * answer leaves out was erased, anonymized away or never of this tenant: 'gone'. For anyone else nothing is
 * read and the ids stay ids.
 */
export function usePeople(ids: readonly string[]): { mayRead: boolean; people: ReadonlyMap<string, Known> } {
  const { api, where, person } = useConsole();
  const mayRead = mayReadUsers(person.roles);
  const people = useIdsLookup<Known>(
    ids,
    mayRead,
    async (chunk) => {
      const query = { ids: chunk.join(','), limit: chunk.length };
      const { data } = await unwrap(api.GET('/tenants/{tenant}/users', { params: { path: { tenant: where.slug }, query } }));
      return data.items.map((user) => [user.id, { name: user.name, email: user.email }] as const);
    },
    'gone',
  );
  return { mayRead, people };
}
