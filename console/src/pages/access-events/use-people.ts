import { useEffect, useRef, useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';

/** What the page shows of a user named by an event: their name and email, or that they are gone. */
export type Known = { name?: string; email?: string } | 'gone';

/** Who may read users (src/admin-api/routes/users.routes.ts `access`): an auditor may not, and sees ids. */
const USER_READERS = ['tenant_admin', 'user_manager'];

/**
 * The people behind the user ids on the page, for a viewer who may read users: each id is read once (the
 * users API has no filter by ids), kept for as long as the page is open, at most a few at a time. For anyone
 * else nothing is read and the ids stay ids.
 */
export function usePeople(ids: readonly string[]): { mayRead: boolean; people: ReadonlyMap<string, Known> } {
  const { api, where, person } = useConsole();
  const mayRead = USER_READERS.some((role) => person.roles.includes(role));
  const cache = useRef(new Map<string, Known>());
  const asked = useRef(new Set<string>());
  const [, setVersion] = useState(0);
  const wanted = mayRead ? [...new Set(ids)].filter((id) => !asked.current.has(id)) : [];
  const key = wanted.join(',');

  useEffect(() => {
    if (!key) return;
    const queue = key.split(',');
    queue.forEach((id) => asked.current.add(id));
    const readOne = async (): Promise<void> => {
      const id = queue.shift();
      if (!id) return;
      try {
        const { data } = await unwrap(api.GET('/tenants/{tenant}/users/{userId}', { params: { path: { tenant: where.slug, userId: id } } }));
        cache.current.set(id, { name: data.name, email: data.email });
      } catch {
        // Erased, anonymized or never of this tenant: the id is all there is.
        cache.current.set(id, 'gone');
      }
      setVersion((v) => v + 1);
      return readOne();
    };
    void Promise.all([readOne(), readOne(), readOne(), readOne()]);
  }, [key, api, where.slug]);

  return { mayRead, people: cache.current };
}
