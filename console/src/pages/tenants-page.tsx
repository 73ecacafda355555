import { useState } from 'react';
import { ProblemView } from '../components/problem-view';
import { Notice, WarningList } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import '../styles/operators.css';
import { BreakGlassDialog } from './tenants/break-glass-dialog';
import { StateDialog } from './tenants/state-dialog';
import { TenantCreateForm, type CreatedTenant } from './tenants/tenant-create-form';
import { TenantTable } from './tenants/tenant-table';
import type { Tenant, TenantAction, Termination } from './tenants/tenant-types';
import { TerminationDialog } from './tenants/termination-dialog';
import { TerminationResult } from './tenants/termination-result';
import { useTenantList } from './tenants/use-tenant-list';

/**
 * The operators' Tenants page (src/admin-api/routes/tenants.routes.ts, tenant-admins.routes.ts,
 * termination.routes.ts, keys.routes.ts): the tenants' lifecycle, never their personal data.
 */
export function TenantsPage() {
  const { t, locale } = useI18n();
  const tenants = useTenantList();
  const [acting, setActing] = useState<{ tenant: Tenant; action: TenantAction }>();
  const [notice, setNotice] = useState<string>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const [terminated, setTerminated] = useState<{ result: Termination; warnings: string[] }>();

  const done = (message: string, given: string[] = []) => {
    setActing(undefined);
    setNotice(message);
    setWarnings(given);
    tenants.reload();
  };
  const until = (at: string) => (at ? new Date(at).toLocaleString(locale) : '–');
  const created = (c: CreatedTenant) => done(t('tenants.created', { slug: c.slug, count: c.invitations, until: until(c.expiresAt) }), c.warnings);
  const cancel = () => setActing(undefined);
  const change = acting?.action === 'suspend' || acting?.action === 'resume' || acting?.action === 'rotate' ? acting.action : undefined;

  return (
    <>
      <h1>{t('tenants.title')}</h1>
      <p className="intro">{t('tenants.intro')}</p>
      <Notice text={notice} />
      <WarningList warnings={warnings} />
      {terminated && <TerminationResult result={terminated.result} warnings={terminated.warnings} onClose={() => setTerminated(undefined)} />}
      <TenantCreateForm onCreated={created} />
      <ProblemView problem={tenants.problem} />
      {tenants.loading && !tenants.items && <p>{t('app.loading')}</p>}
      {tenants.items && <TenantTable tenants={tenants.items} onAction={(tenant, action) => setActing({ tenant, action })} />}
      {tenants.hasMore && (
        <p>
          <button type="button" className="btn btn-secondary" onClick={() => void tenants.showMore()} disabled={tenants.busy}>
            {t('common.loadMore')}
          </button>
        </p>
      )}
      {acting?.action === 'terminate' && (
        <TerminationDialog
          tenant={acting.tenant}
          onTerminated={(result, given) => (setTerminated({ result, warnings: given }), done(t('tenants.terminated', { slug: acting.tenant.slug })))}
          onCancel={cancel}
        />
      )}
      {acting?.action === 'invite' && <BreakGlassDialog tenant={acting.tenant} onSent={(at, given) => done(t('tenants.inviteSent', { slug: acting.tenant.slug, until: until(at) }), given)} onCancel={cancel} />}
      {change && acting && (
        <StateDialog tenant={acting.tenant} change={change} onDone={() => done(t(`tenants.${change}Done`, { slug: acting.tenant.slug }))} onCancel={cancel} />
      )}
    </>
  );
}
