import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { useState } from 'react';
import type { paths } from '../../api/schema';

type Verification = paths['/tenants/{tenant}/change-log/verify']['get']['responses'][200]['content']['application/json'];

/** Verifies the whole chain in one click and says plainly whether it is intact or where it first breaks. */
export function ChangeLogVerify() {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [result, setResult] = useState<Verification>();
  const verify = async () => {
    setResult(undefined);
    const done = await action.run(() => unwrap(api.GET('/tenants/{tenant}/change-log/verify', { params: { path: { tenant: where.slug } } })));
    if (done) setResult(done.data);
  };
  const broken = result?.first_broken;
  return (
    <section className="panel" aria-labelledby="verify-title">
      <h2 id="verify-title">{t('changeLog.verifyTitle')}</h2>
      <p className="hint">{t('changeLog.verifyIntro')}</p>
      <button type="button" className="btn btn-primary" onClick={() => void verify()} disabled={action.busy}>
        {action.busy ? t('changeLog.verifying') : t('changeLog.verify')}
      </button>
      <ProblemView problem={action.problem} />
      <div role="status">
        {result && !broken && <p className="result result-ok">{t('changeLog.intact', { checked: result.checked })}</p>}
      </div>
      {broken && (
        <p className="alert alert-error result" role="alert">
          {t('changeLog.broken', { seq: broken.seq, checked: result.checked, reason: t(`changeLog.reason.${broken.reason}`) })}
        </p>
      )}
    </section>
  );
}
