import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';
import { useConsole } from './console-context';
import { usePagePath } from './router';
import { hasAdminRole, visibleRoutes } from './routes';
import { Shell } from './shell';

/** The signed-in console: the page at the current address, if the person's roles show it, inside the shell. */
export function ConsoleApp() {
  const { t } = useI18n();
  const { where, person, tenantName } = useConsole();
  const path = usePagePath(where.basePath);
  const routes = visibleRoutes(person.roles, where.slug);
  const route = routes.find((r) => r.path === path);
  const title = !hasAdminRole(person.roles) ? t('noAccess.title') : route ? t(route.title) : t('notFound.title');
  useEffect(() => {
    document.title = `${title} – ${tenantName}`;
  }, [title, tenantName]);
  // After navigating in place, keyboard and screen-reader users start at the new page's content, as after a
  // page load; on the first render focus stays where the browser put it.
  const shown = useRef(false);
  useEffect(() => {
    if (shown.current) document.getElementById('main')?.focus();
    shown.current = true;
  }, [path]);

  if (!hasAdminRole(person.roles)) {
    return (
      <Shell routes={[]} currentPath={path}>
        <h1>{t('noAccess.title')}</h1>
        <p>{t('noAccess.text', { tenant: tenantName })}</p>
      </Shell>
    );
  }
  const Page = route?.component;
  return (
    <Shell routes={routes} currentPath={path}>
      {Page ? (
        <Page />
      ) : (
        <>
          <h1>{t('notFound.title')}</h1>
          <p>{t('notFound.text')}</p>
        </>
      )}
    </Shell>
  );
}
