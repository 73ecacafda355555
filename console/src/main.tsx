import 'virtual:doorway-theme.css';
import './styles/console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createConsoleApi } from './api/api-client';
import { ConsoleApp } from './app/console-app';
import { ConsoleContext, type ConsoleContextValue } from './app/console-context';
import { tenantLocation } from './app/tenant-location';
import { createUserManager, personOf, signIn } from './auth/auth';
import { browserLocale, I18nProvider, translator } from './i18n/i18n';

/** Signs the person in (or finishes signing in), then renders the console as them. */
async function start(root: HTMLElement): Promise<void> {
  const locale = browserLocale();
  document.documentElement.lang = locale;
  const where = tenantLocation();
  const manager = createUserManager(where);
  const t = translator(locale);
  root.textContent = t('app.signingIn');
  let value: ConsoleContextValue;
  try {
    const user = await signIn(manager, where);
    const api = createConsoleApi(where.apiBaseUrl, async () => {
      const current = await manager.getUser();
      if (current && !current.expired) return current.access_token;
      // Access tokens for the admin API live 5 minutes and there is no refresh token: sign in again.
      await manager.signinRedirect({ state: window.location.pathname + window.location.search });
      return new Promise<never>(() => undefined);
    });
    const person = personOf(user);
    value = { where, person, tenantName: await tenantName(api, where.slug, person.roles), api, signOut: () => void manager.signoutRedirect() };
  } catch (error) {
    renderSignInFailure(root, t('app.signInFailed'), t('app.tryAgain'), where.basePath, error);
    return;
  }
  root.textContent = '';
  createRoot(root).render(
    <StrictMode>
      <I18nProvider locale={locale}>
        <ConsoleContext.Provider value={value}>
          <ConsoleApp />
        </ConsoleContext.Provider>
      </I18nProvider>
    </StrictMode>,
  );
}

/** The tenant's name for the header: only tenant admins may read the tenant, everyone else sees its slug. */
async function tenantName(api: ConsoleContextValue['api'], slug: string, roles: string[]): Promise<string> {
  if (!roles.includes('tenant_admin')) return slug;
  // The header is no reason to keep anyone out of the console: on any failure it shows the slug.
  const answer = await api.GET('/tenants/{tenant}', { params: { path: { tenant: slug } } }).catch(() => undefined);
  return answer?.data?.name ?? slug;
}

function renderSignInFailure(root: HTMLElement, message: string, retry: string, basePath: string, error: unknown): void {
  const main = document.createElement('main');
  main.className = 'content';
  const p = document.createElement('p');
  p.setAttribute('role', 'alert');
  p.textContent = `${message} ${error instanceof Error ? error.message : ''}`;
  const a = document.createElement('a');
  a.href = basePath;
  a.textContent = retry;
  main.append(p, a);
  root.replaceChildren(main);
}

void start(document.getElementById('root')!);
