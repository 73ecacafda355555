import type { ReactNode } from 'react';
import { useI18n } from '../i18n/i18n';

export interface RowActionsProps {
  /** What the buttons name for screen readers, as "Edit Lock API" and "Delete Lock API". */
  editLabel: string;
  deleteLabel: string;
  onEdit(): void;
  onDelete(): void;
  /** Further actions of the row, between Edit and Delete. */
  children?: ReactNode;
}

/** A table row's Edit and Delete buttons (and any others), in the row's last cell. */
export function RowActions({ editLabel, deleteLabel, onEdit, onDelete, children }: RowActionsProps) {
  const { t } = useI18n();
  return (
    <td className="row-actions">
      <button type="button" className="btn btn-secondary" onClick={onEdit} aria-label={editLabel}>
        {t('common.edit')}
      </button>
      {children}
      <button type="button" className="btn btn-danger" onClick={onDelete} aria-label={deleteLabel}>
        {t('common.delete')}
      </button>
    </td>
  );
}
