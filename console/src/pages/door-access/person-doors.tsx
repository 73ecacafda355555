import { useState } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { MomentPicker, useMoment, type Moment } from './moment-picker';
import type { Person } from './people';
import { AccessTable } from './access-table';
import { PersonSearch } from './person-search';

/** Which doors a person could open at a chosen moment (userDoorPermissionsAt), and whether through a role. */
export function PersonDoors({ doorNames, generation }: { doorNames: ReadonlyMap<string, string>; generation: number }) {
  const { t } = useI18n();
  const [person, setPerson] = useState<Person>();
  const moment = useMoment();
  return (
    <section className="panel panel-wide" aria-labelledby="person-doors-title">
      <h2 id="person-doors-title">{t('access.personDoorsTitle')}</h2>
      <PersonSearch label={t('access.personEmail')} chosen={person} onChosen={setPerson} />
      {person && (
        <>
          <MomentPicker label={t('access.personDoorsAt')} moment={moment} />
          <HeldDoors key={person.id} person={person} moment={moment} doorNames={doorNames} generation={generation} />
        </>
      )}
    </section>
  );
}

function HeldDoors({ person, moment, doorNames, generation }: { person: Person; moment: Moment; doorNames: ReadonlyMap<string, string>; generation: number }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const at = moment.at;
  const held = useApiQuery(
    () => unwrap(api.GET('/tenants/{tenant}/users/{userId}/door-permissions', { params: { path: { tenant: where.slug, userId: person.id }, query: at ? { at } : {} } })),
    [where.slug, person.id, at, moment.asked, generation],
  );
  const answer = held.data;
  return (
    <>
      <ProblemView problem={held.problem} />
      {held.loading && !answer && <p>{t('app.loading')}</p>}
      {answer && (
        <div aria-live="polite" aria-busy={held.loading}>
          <p className="answer-heading">{t('access.personDoorsAnswer', { count: answer.items.length, when: formatMoment(answer.at, locale) })}</p>
          <AccessTable
            subjectLabel={t('access.door')}
            rows={answer.items.map((g) => ({
              key: g.id,
              subject: (
                <>
                  {doorNames.get(g.door) ?? g.door} <code className="meta">{g.door}</code>
                </>
              ),
              viaRole: g.holder.type === 'role' ? g.holder.id : null,
              validFrom: g.valid_from,
              validUntil: g.valid_until,
            }))}
          />
          <p className="meta">{answer.roles.length ? t('access.rolesThen', { roles: answer.roles.join(', ') }) : t('access.noRolesThen')}</p>
        </div>
      )}
    </>
  );
}
