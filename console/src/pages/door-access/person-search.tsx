import { useState, type FormEvent } from 'react';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';
import { PersonName, type Person } from './people';

/** Finds a person by their exact email (GET /users?email=), and shows who was found. */
export function PersonSearch({ label, chosen, onChosen }: { label: string; chosen: Person | undefined; onChosen(person: Person | undefined): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const search = useApiAction();
  const [email, setEmail] = useState('');
  const [notFound, setNotFound] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const query = { email: email.trim(), limit: 1 };
    const done = await search.run(() => unwrap(api.GET('/tenants/{tenant}/users', { params: { path: { tenant: where.slug }, query } })));
    const found = done?.data.items[0];
    setNotFound(Boolean(done) && !found);
    onChosen(found);
  };

  return (
    <div className="person-search">
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <TextField label={label} type="email" hint={t('access.emailHint')} value={email} onChange={setEmail} required maxLength={320} />
        <button type="submit" className="btn btn-secondary" disabled={search.busy}>
          {t('access.find')}
        </button>
      </form>
      <ProblemView problem={search.problem} />
      <p className="found" role="status">
        {chosen ? (
          <>
            {t('access.chosen')} <PersonName id={chosen.id} person={chosen} />
            {chosen.status === 'restricted' && <span className="restricted"> {t('access.restricted')}</span>}
          </>
        ) : (
          notFound && t('access.notFound', { email })
        )}
      </p>
    </div>
  );
}
