import { useEffect, useRef, useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { mayReadUsers } from './use-people';

/** The most device ids `GET /devices` takes in one request. */
const IDS_PER_REQUEST = 100;

/**
 * Whose phones the device pseudonyms on the page are, for a viewer who may read users: the ids not asked yet
 * are read together (`GET /devices?ids=…`, one request per hundred). A pseudonym of no device of the tenant
 * (never registered, or its person erased) maps to nothing and stays a pseudonym. For anyone else nothing is
 * read.
 */
export function useDeviceOwners(deviceIds: readonly string[]): ReadonlyMap<string, string> {
  const { api, where, person } = useConsole();
  const mayRead = mayReadUsers(person.roles);
  const owners = useRef(new Map<string, string>());
  const asked = useRef(new Set<string>());
  const [, setVersion] = useState(0);
  const key = (mayRead ? [...new Set(deviceIds)].filter((id) => !asked.current.has(id)) : []).join(',');

  useEffect(() => {
    if (!key) return;
    const wanted = key.split(',');
    wanted.forEach((id) => asked.current.add(id));
    const chunks = Array.from({ length: Math.ceil(wanted.length / IDS_PER_REQUEST) }, (_, i) => wanted.slice(i * IDS_PER_REQUEST, (i + 1) * IDS_PER_REQUEST));
    void Promise.all(
      chunks.map(async (chunk) => {
        try {
          const { data } = await unwrap(api.GET('/tenants/{tenant}/devices', { params: { path: { tenant: where.slug }, query: { ids: chunk.join(',') } } }));
          for (const device of data.items) owners.current.set(device.id, device.user_id);
        } catch {
          // Not read (the network, a role just taken away): these devices are shown by their pseudonyms.
        }
      }),
    ).then(() => setVersion((v) => v + 1));
  }, [key, api, where.slug]);

  return owners.current;
}
