import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';
import { useConsole } from './console-context';
import { PageLink } from './router';
import type { PageRoute } from './routes';

/** The frame of every page: the tenant and the person, the navigation the person's roles allow, sign-out. */
export function Shell({ routes, currentPath, children }: { routes: readonly PageRoute[]; currentPath: string; children: ReactNode }) {
  const { t } = useI18n();
  const { where, person, tenantName, signOut } = useConsole();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true">
            {tenantName.slice(0, 1).toUpperCase()}
          </span>
          <span className="brand-name">{tenantName}</span>
          <span className="brand-app">{t('app.title')}</span>
        </p>
        <div className="person">
          <span>{t('shell.signedInAs', { name: person.name })}</span>
          <button type="button" className="btn btn-secondary" onClick={signOut}>
            {t('shell.signOut')}
          </button>
        </div>
      </header>
      {routes.length > 0 && (
        <nav className="nav" aria-label={t('shell.nav')}>
          <ul>
            {routes.map((r) => (
              <li key={r.path}>
                <PageLink basePath={where.basePath} to={r.path} current={r.path === currentPath}>
                  {t(r.title)}
                </PageLink>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
