import { useEffect, useRef, useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';

/** What the page shows of a user named by an event: their name and email, or that they are gone. */
export type Known = { name?: string; email?: string } | 'gone';

/** Who may read users (src/admin-api/routes/users.routes.ts `access`): an auditor may not, and sees ids. */
const USER_READERS = ['tenant_admin', 'user_manager'];
export const mayReadUsers = (roles: readonly string[]) => USER_READERS.some((role) => roles.includes(role));
/** The most ids the users list takes in one request. */
const IDS_PER_REQUEST = 100;

/**
 * The people behind the user ids on the page, for a viewer who may read users: the ids not known yet are
 * read together (`GET /users?ids=…`, one request per hundred), and kept for as long as the page is open.
 * For anyone else nothing is read and the ids stay ids.
 */
export function usePeople(ids: readonly string[]): { mayRead: boolean; people: ReadonlyMap<string, Known> } {
  const { api, where, person } = useConsole();
  const mayRead = mayReadUsers(person.roles);
  const known = useRef(new Map<string, Known>());
  const asked = useRef(new Set<string>());
  const [, setVersion] = useState(0);
  const key = (mayRead ? [...new Set(ids)].filter((id) => !asked.current.has(id)) : []).join(',');

  useEffect(() => {
    if (!key) return;
    const wanted = key.split(',');
    wanted.forEach((id) => asked.current.add(id));
    const chunks = Array.from({ length: Math.ceil(wanted.length / IDS_PER_REQUEST) }, (_, i) => wanted.slice(i * IDS_PER_REQUEST, (i + 1) * IDS_PER_REQUEST));
    void Promise.all(
      chunks.map(async (chunk) => {
        try {
          const query = { ids: chunk.join(','), limit: chunk.length };
          const { data } = await unwrap(api.GET('/tenants/{tenant}/users', { params: { path: { tenant: where.slug }, query } }));
          for (const user of data.items) known.current.set(user.id, { name: user.name, email: user.email });
          // Erased, anonymized away or never of this tenant: the id is all there is.
          for (const id of chunk) if (!known.current.has(id)) known.current.set(id, 'gone');
        } catch {
          // Not read (the network, a role just taken away): these ids are shown as ids, not asked again.
        }
      }),
    ).then(() => setVersion((v) => v + 1));
  }, [key, api, where.slug]);

  return { mayRead, people: known.current };
}
