import type { ReactNode } from 'react';
import { useI18n } from '../../i18n/i18n';
import { ValidityText } from './people';

/** One answer of an access question: who or what (a person, a door), through which role if any, and when valid. */
export interface AccessRow {
  key: string;
  subject: ReactNode;
  viaRole: string | null;
  validFrom: string | null;
  validUntil: string | null;
  /** What the person can do from here, e.g. ask about the subject in turn. */
  action?: ReactNode;
}

/** The rows of an access answer, the subject as row header; nothing when there are none (the count says so). */
export function AccessTable({ subjectLabel, rows }: { subjectLabel: string; rows: readonly AccessRow[] }) {
  const { t } = useI18n();
  if (rows.length === 0) return null;
  const actions = rows.some((row) => row.action);
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{subjectLabel}</th>
            <th scope="col">{t('access.how')}</th>
            <th scope="col">{t('access.validity')}</th>
            {actions && <th scope="col">{t('doors.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.subject}</th>
              <td>{row.viaRole ? t('access.viaRole', { role: row.viaRole }) : t('access.ownGrant')}</td>
              <td>
                <ValidityText from={row.validFrom} until={row.validUntil} />
              </td>
              {actions && <td>{row.action}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
