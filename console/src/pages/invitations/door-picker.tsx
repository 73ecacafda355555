import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { ProblemView } from '../../components/problem-view';
import { useI18n } from '../../i18n/i18n';
import { CheckboxGroup } from '../../components/checkbox-group';

export interface DoorPickerProps {
  value: readonly string[];
  onChange(doors: string[]): void;
  /** What the choice is for: an invitation's doors unless said, or the doors a lock serves. */
  legend?: string;
  hint?: string;
}

/** The tenant's doors (not archived) to choose among, by key; nothing is shown when there are none. */
export function DoorPicker({ value, onChange, legend, hint }: DoorPickerProps) {
  const { t } = useI18n();
  const { api, where } = useConsole();
  const tenant = where.slug;
  const doors = useApiQuery(() => unwrap(api.GET('/tenants/{tenant}/doors', { params: { path: { tenant }, query: { limit: 200 } } })), [tenant]);
  if (doors.problem) return <ProblemView problem={doors.problem} />;
  const items = doors.data?.items ?? [];
  if (items.length === 0) return null;
  const options = items.map((d) => ({ value: d.key, label: `${d.name} (${d.key})` }));
  return (
    <CheckboxGroup
      legend={legend ?? t('invitations.doors')}
      options={options}
      selected={value}
      onChange={onChange}
      note={<p className="hint">{hint ?? t('invitations.doorsHint')}</p>}
    />
  );
}
