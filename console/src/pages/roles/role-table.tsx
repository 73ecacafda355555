import { useState } from 'react';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

/** A role as the API lists it: the type comes from the OpenAPI document, so it follows the API. */
export type Role = paths['/tenants/{tenant}/roles']['get']['responses'][200]['content']['application/json']['items'][number];

interface RoleTableProps {
  roles: readonly Role[];
  mayWrite: boolean;
  /** A role's description was changed: the role as the API answered. */
  onChanged(role: Role): void;
  onDelete(role: Role): void;
}

export function RoleTable({ roles, mayWrite, onChanged, onDelete }: RoleTableProps) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<string>();
  if (roles.length === 0) return <p>{t('roles.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('roles.name')}</th>
            <th scope="col">{t('roles.description')}</th>
            {mayWrite && <th scope="col">{t('roles.actions')}</th>}
          </tr>
        </thead>
        <tbody>
          {roles.map((role) => (
            <tr key={role.name}>
              <th scope="row">
                <code>{role.name}</code>
              </th>
              <td>{editing === role.name ? <DescriptionForm role={role} onDone={(saved) => (setEditing(undefined), saved && onChanged(saved))} /> : role.description}</td>
              {mayWrite && (
                <td className="row-actions">
                  <button type="button" className="btn btn-secondary" onClick={() => setEditing(role.name)} aria-label={t('roles.editTitle', { name: role.name })}>
                    {t('common.edit')}
                  </button>
                  <button type="button" className="btn btn-danger" onClick={() => onDelete(role)} aria-label={t('roles.deleteLabel', { name: role.name })}>
                    {t('common.delete')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Edits a role's description in place; an empty description removes it (null). */
function DescriptionForm({ role, onDone }: { role: Role; onDone(saved: Role | undefined): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [description, setDescription] = useState(role.description ?? '');
  const save = async () => {
    const body = { description: description.trim() ? description : null };
    const path = { tenant: where.slug, role: role.name };
    const done = await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/roles/{role}', { params: { path }, body })));
    if (done) onDone(done.data);
  };
  return (
    <form className="inline-form" onSubmit={(e) => (e.preventDefault(), void save())}>
      <ProblemView problem={action.problem} />
      <TextField label={t('roles.description')} value={description} onChange={setDescription} maxLength={500} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('common.save')}
      </button>
      <button type="button" className="btn btn-secondary" onClick={() => onDone(undefined)}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
