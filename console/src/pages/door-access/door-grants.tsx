import { useState } from 'react';
import type { paths } from '../../api/schema';
import { allPages } from '../../api/all-pages';
import { unwrap } from '../../api/api-result';
import { useApiAction, useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { formatMoment } from '../../components/moment';
import { ProblemView } from '../../components/problem-view';
import { WarningList } from '../../components/warning-list';
import { useI18n } from '../../i18n/i18n';
import { PersonName, usePeople, ValidityText, type Person } from './people';

type Grant = paths['/tenants/{tenant}/door-permissions']['get']['responses'][200]['content']['application/json']['items'][number];

/** The grants of a door not revoked yet, current and future, each revocable after a confirmation. */
export function DoorGrants({ doorKey, generation, onRevoked }: { doorKey: string; generation: number; onRevoked(message: string): void }) {
  const { t, locale } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const grants = useApiQuery(
    () => allPages((cursor) => unwrap(api.GET('/tenants/{tenant}/door-permissions', { params: { path: { tenant }, query: { door: doorKey, cursor, limit: 200 } } }))),
    [tenant, doorKey, generation],
  );
  const people = usePeople(grants.data?.items.filter((g) => g.holder.type === 'user').map((g) => g.holder.id) ?? []);
  const revocation = useApiAction();
  const [revoking, setRevoking] = useState<Grant>();
  const holderText = (g: Grant) => (g.holder.type === 'role' ? t('access.roleHolder', { role: g.holder.id }) : nameOf(g.holder.id, people.get(g.holder.id)));

  const confirmRevoke = async (grant: Grant) => {
    const path = { tenant, permissionId: grant.id };
    if (!(await revocation.run(() => unwrap(api.DELETE('/tenants/{tenant}/door-permissions/{permissionId}', { params: { path } }))))) return;
    setRevoking(undefined);
    onRevoked(t('access.revoked', { holder: holderText(grant) }));
  };

  return (
    <section className="panel panel-wide" aria-labelledby="grants-title">
      <h3 id="grants-title">{t('access.grantsTitle')}</h3>
      <WarningList warnings={revocation.warnings} />
      <ProblemView problem={grants.problem} />
      {grants.data?.items.length === 0 && <p>{t('access.noGrants')}</p>}
      {grants.data && grants.data.items.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('access.holder')}</th>
                <th scope="col">{t('access.validity')}</th>
                <th scope="col">{t('access.grantedAt')}</th>
                <th scope="col">{t('doors.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {grants.data.items.map((g) => (
                <tr key={g.id}>
                  <th scope="row">{g.holder.type === 'role' ? t('access.roleHolder', { role: g.holder.id }) : <PersonName id={g.holder.id} person={people.get(g.holder.id)} />}</th>
                  <td>
                    <ValidityText from={g.valid_from} until={g.valid_until} />
                  </td>
                  <td>{formatMoment(g.granted_at, locale)}</td>
                  <td>
                    <button type="button" className="btn btn-danger" onClick={() => setRevoking(g)} aria-label={t('access.revokeLabel', { holder: holderText(g) })}>
                      {t('access.revoke')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ConfirmDialog
          title={t('access.revokeTitle', { holder: holderText(revoking) })}
          consequences={[revoking.holder.type === 'role' ? t('access.revokeRoleConsequence') : t('access.revokeConsequence'), t('access.revokeHistory')]}
          confirmLabel={t('access.revoke')}
          danger
          busy={revocation.busy}
          onConfirm={() => void confirmRevoke(revoking)}
          onCancel={() => (setRevoking(undefined), revocation.clear())}
          problem={revocation.problem}
        />
      )}
    </section>
  );
}

function nameOf(id: string, person: Person | undefined): string {
  return person?.name ?? person?.email ?? id;
}
