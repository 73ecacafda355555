import type { ApiProblem } from '../api/api-result';
import { useI18n } from '../i18n/i18n';

/** An API problem as the person reads it: its title and detail, and each field the API found wrong. */
export function ProblemView({ problem }: { problem: ApiProblem | undefined }) {
  const { t } = useI18n();
  if (!problem) return null;
  const network = problem.status === 0;
  return (
    <div className="alert alert-error" role="alert">
      <p className="alert-title">{network ? t('problem.title') : problem.title}</p>
      {network ? <p>{t('problem.network')}</p> : problem.detail && problem.detail !== problem.title && <p>{problem.detail}</p>}
      {problem.fields.length > 0 && (
        <>
          <p>{t('problem.fields')}</p>
          <ul>
            {problem.fields.map((f, i) => (
              <li key={i}>
                {f.field && <code>{f.field}</code>} {f.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
