import { useState } from 'react';
import type { paths } from '../../api/schema';
import { unwrap } from '../../api/api-result';
import { useApiAction } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { PageLink } from '../../app/router';
import { ProblemView } from '../../components/problem-view';
import { TextField } from '../../components/text-field';
import { formatMoment } from '../../components/moment';
import { useI18n } from '../../i18n/i18n';

/** A door as the API lists it. */
export type Door = paths['/tenants/{tenant}/doors']['get']['responses'][200]['content']['application/json']['items'][number];

interface DoorTableProps {
  doors: readonly Door[];
  mayWrite: boolean;
  /** A door was renamed: the door as the API answered, and what it said about it. */
  onChanged(door: Door, warnings: readonly string[]): void;
  onArchive(door: Door): void;
}

export function DoorTable({ doors, mayWrite, onChanged, onArchive }: DoorTableProps) {
  const { t, locale } = useI18n();
  const { where } = useConsole();
  const [editing, setEditing] = useState<string>();
  if (doors.length === 0) return <p>{t('doors.empty')}</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t('doors.key')}</th>
            <th scope="col">{t('doors.name')}</th>
            <th scope="col">{t('doors.state')}</th>
            <th scope="col">{t('doors.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {doors.map((door) => (
            <tr key={door.key}>
              <th scope="row">
                <code>{door.key}</code>
              </th>
              <td>{editing === door.key ? <RenameForm door={door} onDone={(saved) => (setEditing(undefined), saved && onChanged(saved.door, saved.warnings))} /> : door.name}</td>
              <td>{door.archived_at ? t('doors.archivedOn', { when: formatMoment(door.archived_at, locale) }) : t('doors.inUse')}</td>
              <td>
                <div className="row-actions">
                  <PageLink basePath={where.basePath} to={`door-access?door=${encodeURIComponent(door.key)}`}>
                    {t('doors.accessLink', { name: door.name })}
                  </PageLink>
                  {mayWrite && !door.archived_at && (
                    <>
                      <button type="button" className="btn btn-secondary" onClick={() => setEditing(door.key)} aria-label={t('doors.renameLabel', { name: door.name })}>
                        {t('doors.rename')}
                      </button>
                      <button type="button" className="btn btn-danger" onClick={() => onArchive(door)} aria-label={t('doors.archiveLabel', { name: door.name })}>
                        {t('doors.archive')}
                      </button>
                    </>
                  )}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Renames a door in place; its key stays. Done with the API's warnings when saved, undefined when cancelled. */
function RenameForm({ door, onDone }: { door: Door; onDone(saved: { door: Door; warnings: readonly string[] } | undefined): void }) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const action = useApiAction();
  const [name, setName] = useState(door.name);
  const save = async () => {
    const path = { tenant: where.slug, doorKey: door.key };
    const done = await action.run(() => unwrap(api.PATCH('/tenants/{tenant}/doors/{doorKey}', { params: { path }, body: { name } })));
    if (done) onDone({ door: done.data, warnings: done.warnings });
  };
  return (
    <form className="inline-form" onSubmit={(e) => (e.preventDefault(), void save())}>
      <ProblemView problem={action.problem} />
      <TextField label={t('doors.newName')} value={name} onChange={setName} required maxLength={200} />
      <button type="submit" className="btn btn-primary" disabled={action.busy}>
        {t('common.save')}
      </button>
      <button type="button" className="btn btn-secondary" onClick={() => onDone(undefined)}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
