import { useEffect, useRef, useState } from 'react';

/** The most ids the list routes take in one request (`ids=`). */
const IDS_PER_REQUEST = 100;

/**
 * What a page knows of the ids it shows (people, phones): the ids not asked yet are read together, one request
 * per hundred, and kept for as long as the page is open. An id the answer leaves out gets `missing`, if given.
 * A read that fails (the network, a role just taken away) leaves its ids unknown and they are not asked again.
 * While `enabled` is false nothing is read.
 */
export function useIdsLookup<T>(
  ids: readonly string[],
  enabled: boolean,
  read: (chunk: string[]) => Promise<Iterable<readonly [string, T]>>,
  missing?: T,
): ReadonlyMap<string, T> {
  const known = useRef(new Map<string, T>());
  const asked = useRef(new Set<string>());
  const reader = useRef(read);
  reader.current = read;
  const [, setVersion] = useState(0);
  const key = (enabled ? [...new Set(ids)].filter((id) => !asked.current.has(id)) : []).join(',');

  useEffect(() => {
    if (!key) return;
    const wanted = key.split(',');
    wanted.forEach((id) => asked.current.add(id));
    const chunks = Array.from({ length: Math.ceil(wanted.length / IDS_PER_REQUEST) }, (_, i) => wanted.slice(i * IDS_PER_REQUEST, (i + 1) * IDS_PER_REQUEST));
    void Promise.all(
      chunks.map(async (chunk) => {
        try {
          for (const [id, value] of await reader.current(chunk)) known.current.set(id, value);
          if (missing !== undefined) for (const id of chunk) if (!known.current.has(id)) known.current.set(id, missing);
        } catch {
          // Unknown, shown as ids.
        }
      }),
    ).then(() => setVersion((v) => v + 1));
  }, [key, missing]);

  return known.current;
}
