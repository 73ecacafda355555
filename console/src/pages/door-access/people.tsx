import { useEffect, useState } from 'react';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/api-result';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { useI18n } from '../../i18n/i18n';

/** A user as the API shows one. */
export type Person = paths['/tenants/{tenant}/users/{userId}']['get']['responses'][200]['content']['application/json'];

/**
 * The people behind user ids of a grant or an access answer, read from the API once per id and all at once:
 * ids whose user cannot be read (deleted, or the API refused) map to undefined and are shown by id.
 */
export function usePeople(ids: readonly string[]): ReadonlyMap<string, Person | undefined> {
  const { api, where } = useConsole();
  const [people, setPeople] = useState<ReadonlyMap<string, Person | undefined>>(new Map());
  const wanted = [...new Set(ids)].sort().join(' ');
  useEffect(() => {
    const missing = wanted.split(' ').filter((id) => id && !people.has(id));
    if (missing.length === 0) return;
    let current = true;
    const read = (userId: string) =>
      unwrap(api.GET('/tenants/{tenant}/users/{userId}', { params: { path: { tenant: where.slug, userId } } })).then(
        ({ data }) => [userId, data] as const,
        () => [userId, undefined] as const,
      );
    void Promise.all(missing.map(read)).then((found) => current && setPeople((known) => new Map([...known, ...found])));
    return () => {
      current = false;
    };
  }, [wanted, where.slug]);
  return people;
}

/** A person as the API returns them: their name and email, or their id when it has neither. */
export function PersonName({ id, person }: { id: string; person: Person | undefined }) {
  const { t } = useI18n();
  if (!person) return <code>{id}</code>;
  if (!person.name && !person.email) return <span>{t('access.noName', { id })}</span>;
  return (
    <span className="person-name">
      {person.name && <span>{person.name}</span>}
      {person.email && <span className="meta">{person.email}</span>}
    </span>
  );
}

/** A validity window in words: "Always", "From …", "Until …" or "… to …". */
export function ValidityText({ from, until }: { from: string | null; until: string | null }) {
  const { t, locale } = useI18n();
  const f = from && formatMoment(from, locale);
  const u = until && formatMoment(until, locale);
  if (f && u) return <>{t('access.validBetween', { from: f, until: u })}</>;
  if (f) return <>{t('access.validFrom', { from: f })}</>;
  if (u) return <>{t('access.validUntil', { until: u })}</>;
  return <>{t('access.validAlways')}</>;
}
