import { useState } from 'react';
import { unwrap } from '../api/api-result';
import { useApiAction, useApiQuery } from '../api/use-api';
import { useConsole } from '../app/console-context';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ProblemView } from '../components/problem-view';
import { Notice } from '../components/warning-list';
import { useI18n } from '../i18n/i18n';
import { KeyTable } from './platform-keys/key-table';

/**
 * The platform tenant's own signing keys (src/admin-api/routes/keys.routes.ts, which admits operators): they
 * sign the operators' and the platform's tokens. Other tenants' keys are rotated from the Tenants page.
 */
export function PlatformKeysPage() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const params = { path: { tenant: where.slug } };
  const keys = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/keys', { params })), [where.slug]);
  const rotation = useApiAction();
  const [confirming, setConfirming] = useState(false);
  const [notice, setNotice] = useState<string>();

  const rotate = async () => {
    if (!(await rotation.run(() => unwrap(api.POST('/tenants/{tenant}/keys/rotate', { params }))))) return;
    setConfirming(false);
    setNotice(t('tenants.rotateDone', { slug: where.slug }));
    keys.reload();
  };

  return (
    <>
      <h1>{t('platformKeys.title')}</h1>
      <p className="intro">{t('platformKeys.intro')}</p>
      <Notice text={notice} />
      <p>
        <button type="button" className="btn btn-primary" onClick={() => setConfirming(true)}>
          {t('tenants.rotate')}
        </button>
      </p>
      <ProblemView problem={keys.problem} />
      {keys.loading && !keys.data && <p>{t('app.loading')}</p>}
      {keys.data && <KeyTable keys={keys.data.items} />}
      {confirming && (
        <ConfirmDialog
          title={t('tenants.rotateTitle', { slug: where.slug })}
          consequences={[t('tenants.rotateConsequence')]}
          confirmLabel={t('tenants.rotate')}
          busy={rotation.busy}
          onConfirm={() => void rotate()}
          onCancel={() => (setConfirming(false), rotation.clear())}
        >
          <ProblemView problem={rotation.problem} />
        </ConfirmDialog>
      )}
    </>
  );
}
