import { useState } from 'react';
import { allPages } from '../../api/all-pages';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery, withItem } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyValue } from '../../components/copy-value';
import { ProblemView } from '../../components/problem-view';
import { Notice } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import { callbackUrl, type Provider } from './directory-types';
import { ProviderForm } from './provider-form';
import { ProviderTable } from './provider-table';

/**
 * Sign-in with the company's OpenID provider (src/admin-api/routes/upstream-idps.routes.ts): the callback URL to
 * register there, the providers, adding, changing and removing one.
 */
export function ProvidersSection() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const providers = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/upstream-idps', { params: { path: { tenant } } })), [tenant]);
  const roles = useApiQuery(() => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/roles', { params: { path: { tenant }, query: { cursor, limit: 200 } } }))), [tenant]);
  const removal = useApiAction();
  const [editing, setEditing] = useState<Provider>();
  const [removing, setRemoving] = useState<Provider>();
  const [notice, setNotice] = useState<string>();
  const roleNames = roles.data?.items.map((r) => r.name) ?? [];
  // The API names the callback in each provider's view; before there is one it follows the same rule.
  const callback = providers.data?.items[0]?.redirect_uri ?? callbackUrl(window.location.origin, tenant);

  const saved = (provider: Provider, created: boolean) => {
    setEditing(undefined);
    setNotice(t(created ? 'directory.created' : 'directory.saved', { name: provider.name }));
    if (!created) providers.update((list) => withItem(list, provider, (p) => p.id));
    providers.reload();
  };
  const confirmRemove = async (provider: Provider) => {
    const path = { tenant, idpId: provider.id };
    if (!(await removal.run(() => unwrap(api.DELETE('/tenants/{tenant}/upstream-idps/{idpId}', { params: { path } }))))) return;
    setRemoving(undefined);
    if (editing?.id === provider.id) setEditing(undefined);
    setNotice(t('directory.deleted', { name: provider.name }));
    providers.reload();
  };

  return (
    <section aria-labelledby="providers-title">
      <h2 id="providers-title">{t('directory.providersTitle')}</h2>
      <p className="intro">{t('directory.providersIntro')}</p>
      <CopyValue label={t('directory.callback')} hint={t('directory.callbackHint')} value={callback} />
      <Notice text={notice} />
      <ProblemView problem={providers.problem ?? roles.problem} />
      {providers.loading && !providers.data && <p>{t('app.loading')}</p>}
      {providers.data && <ProviderTable providers={providers.data.items} onEdit={setEditing} onDelete={setRemoving} />}
      {editing ? (
        <ProviderForm key={editing.id} editing={editing} roles={roleNames} onSaved={saved} onCancel={() => setEditing(undefined)} />
      ) : (
        <ProviderForm roles={roleNames} onSaved={saved} />
      )}
      {removing && (
        <ConfirmDialog
          title={t('directory.deleteTitle', { name: removing.name })}
          consequences={[t('directory.deleteConsequence'), t('directory.deleteKept')]}
          confirmLabel={t('common.delete')}
          danger
          busy={removal.busy}
          onConfirm={() => void confirmRemove(removing)}
          onCancel={() => (setRemoving(undefined), removal.clear())}
          problem={removal.problem}
        />
      )}
    </section>
  );
}
