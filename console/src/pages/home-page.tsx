import { useConsole } from '../app/console-context';
import { PageLink } from '../app/router';
import { visibleRoutes } from '../app/routes';
import { useI18n } from '../i18n/i18n';

/** The overview: where the person may go from here. */
export function HomePage() {
  const { t } = useI18n();
  const { where, person, tenantName } = useConsole();
  const sections = visibleRoutes(person.roles, where.slug).filter((r) => r.path !== '');
  return (
    <>
      <h1>{t('home.title')}</h1>
      <p>{t('home.intro', { tenant: tenantName })}</p>
      <ul className="cards">
        {sections.map((r) => (
          <li key={r.path} className="card">
            <PageLink basePath={where.basePath} to={r.path}>
              {t(r.title)}
            </PageLink>
          </li>
        ))}
      </ul>
      <p className="meta">{t('home.roles', { roles: person.roles.join(', ') })}</p>
    </>
  );
}
