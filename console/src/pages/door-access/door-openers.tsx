import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { MomentPicker, useMoment } from './moment-picker';
import { PersonName, usePeople, type Person } from './people';
import { AccessTable } from './access-table';

/** Who could open a door at a chosen moment (doorAccessAt): each person, and whether through a role. */
interface DoorOpenersProps {
  doorKey: string;
  doorName: string;
  generation: number;
  /** Asks which doors this person could open at the moment asked about here (undefined: now). */
  onShowPerson(person: Person, input: string | undefined): void;
}

export function DoorOpeners({ doorKey, doorName, generation, onShowPerson }: DoorOpenersProps) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const moment = useMoment();
  const at = moment.at;
  const access = useApiQuery(
    () => unwrap(api.GET('/tenants/{tenant}/doors/{doorKey}/access', { params: { path: { tenant: where.slug, doorKey }, query: at ? { at } : {} } })),
    [where.slug, doorKey, at, moment.asked, generation],
  );
  const people = usePeople(access.data?.users.map((u) => u.user_id) ?? []);
  const answer = access.data;

  return (
    <section className="panel panel-wide" aria-labelledby="openers-title">
      <h3 id="openers-title">{t('access.openersTitle', { door: doorName })}</h3>
      <MomentPicker label={t('access.openersAt')} moment={moment} />
      <ProblemView problem={access.problem} />
      {access.loading && !answer && <p>{t('app.loading')}</p>}
      {answer && (
        <div aria-live="polite" aria-busy={access.loading}>
          <p className="answer-heading">{t('access.openersAnswer', { count: answer.users.length, when: formatMoment(answer.at, locale) })}</p>
          <AccessTable
            subjectLabel={t('access.person')}
            rows={answer.users.map((u) => ({
              key: `${u.user_id} ${u.permission_id}`,
              subject: <PersonName id={u.user_id} person={people.get(u.user_id)} />,
              viaRole: u.via_role,
              validFrom: u.valid_from,
              validUntil: u.valid_until,
              action: <ShowPersonButton person={people.get(u.user_id)} onShow={(p) => onShowPerson(p, moment.at && moment.input)} />,
            }))}
          />
          {answer.roles.length > 0 && <p className="meta">{t('access.grantedRoles', { roles: [...new Set(answer.roles.map((r) => r.role))].join(', ') })}</p>}
        </div>
      )}
    </section>
  );
}

/** Asks which doors this person could open, once the person is known. */
function ShowPersonButton({ person, onShow }: { person: Person | undefined; onShow(person: Person): void }) {
  const { t } = useI18n();
  if (!person) return null;
  return (
    <button type="button" className="btn btn-secondary" onClick={() => onShow(person)}>
      {t('access.showPersonDoors', { name: person.name ?? person.email ?? person.id })}
    </button>
  );
}
