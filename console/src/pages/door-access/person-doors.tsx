import { useEffect, useRef, useState } from 'react';
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

/** A person to show from elsewhere on the page, at the moment asked about there (undefined: now). */
export interface PersonRequest {
  person: Person;
  input: string | undefined;
}

interface PersonDoorsProps {
  doorNames: ReadonlyMap<string, string>;
  generation: number;
  request: PersonRequest | undefined;
}

/**
 * Which doors a person could open at a chosen moment (userDoorPermissionsAt), and whether through a role. A
 * request (from the door's answer) shows that person at that moment and moves the focus here.
 */
export function PersonDoors({ doorNames, generation, request }: PersonDoorsProps) {
  const { t } = useI18n();
  const [person, setPerson] = useState<Person>();
  const moment = useMoment();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!request) return;
    setPerson(request.person);
    if (request.input) moment.choose(request.input);
    else moment.toNow();
    heading.current?.focus();
  }, [request]);
  return (
    <section className="panel panel-wide" aria-labelledby="person-doors-title">
      <h2 id="person-doors-title" ref={heading} tabIndex={-1}>
        {t('access.personDoorsTitle')}
      </h2>
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
