import './door-access/door-access.css';
import { useState } from 'react';
import { allPages } from '../api/all-pages';
import { unwrap } from '../api/api-result';
import { useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ProblemView } from '../components/problem-view';
import { SelectField } from '../components/select-field';
import { Notice } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { DoorGrants } from './door-access/door-grants';
import { DoorOpeners } from './door-access/door-openers';
import { GrantForm } from './door-access/grant-form';
import { PersonDoors, type PersonRequest } from './door-access/person-doors';

/**
 * Door access (src/admin-api/routes/door-permissions.routes.ts): who could open a door at any moment, which
 * doors a person could open then, and granting and revoking. Archived doors are listed for their history but
 * take no new grants. `?door=<key>` opens a door directly (the Doors page links here).
 */
export function DoorAccessPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const doors = useApiQuery(() => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/doors', { params: { path: { tenant }, query: { cursor, limit: 200, include_archived: 'true' } } }))), [tenant]);
  const [doorKey, setDoorKey] = useState(() => new URLSearchParams(window.location.search).get('door') ?? '');
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string>();
  const [personRequest, setPersonRequest] = useState<PersonRequest>();
  const items = doors.data?.items ?? [];
  const door = items.find((d) => d.key === doorKey);
  const doorNames = new Map(items.map((d) => [d.key, d.name]));
  // The chosen door is in the address, so it survives a reload and can be bookmarked or shared.
  const chooseDoor = (key: string) => {
    setDoorKey(key);
    setNotice(undefined);
    window.history.replaceState(window.history.state, '', key ? `?door=${encodeURIComponent(key)}` : window.location.pathname);
  };
  const changed = (message: string) => (setNotice(message), setGeneration((g) => g + 1));
  const options = items.map((d) => ({ value: d.key, label: d.archived_at ? t('access.archivedDoor', { name: d.name, key: d.key }) : `${d.name} (${d.key})` }));

  return (
    <>
      <h1>{t('access.title')}</h1>
      <p className="intro">{t('access.intro')}</p>
      <Notice text={notice} />
      <ProblemView problem={doors.problem} />
      <section className="access-section" aria-labelledby="by-door-title">
        <h2 id="by-door-title">{t('access.byDoor')}</h2>
        <SelectField label={t('access.door')} value={doorKey} onChange={chooseDoor} placeholder={t('access.chooseDoor')} options={options} />
        {door && (
          <>
            <DoorOpeners doorKey={door.key} doorName={door.name} generation={generation} onShowPerson={(person, input) => setPersonRequest({ person, input })} />
            {door.archived_at ? <p className="meta">{t('access.archivedNoGrants')}</p> : <GrantForm key={door.key} doorKey={door.key} onGranted={changed} />}
            <DoorGrants doorKey={door.key} generation={generation} onRevoked={changed} />
          </>
        )}
      </section>
      <PersonDoors doorNames={doorNames} generation={generation} request={personRequest} />
    </>
  );
}
