import { unwrap } from '../../api/api-result';
import { useApiQuery } from '../../api/use-api';
import { useConsole } from '../../app/console-context';
import { SelectField } from '../../components/select-field';
import { TextField } from '../../components/text-field';
import { useI18n } from '../../i18n/i18n';

interface DoorFieldProps {
  value: string;
  onChange(door: string): void;
  required?: boolean;
}

/**
 * A door by its key. Who may read the doors (a tenant admin) picks among them, archived ones too, as their
 * history stays; an auditor, whom the API does not show the door list, types the key.
 */
export function DoorField({ value, onChange, required }: DoorFieldProps) {
  const { t } = useI18n();
  const { api, where, person } = useConsole();
  const tenant = where.slug;
  const mayList = person.roles.includes('tenant_admin');
  const doors = useApiQuery(
    () => (mayList ? unwrap(api.GET('/tenants/{tenant}/doors', { params: { path: { tenant }, query: { limit: 200, include_archived: 'true' } } })) : Promise.resolve({ data: undefined, warnings: [] })),
    [tenant, mayList],
  );
  if (!doors.data) return <TextField label={t('accessEvents.door')} hint={t('accessEvents.doorHint')} value={value} onChange={onChange} required={required} maxLength={64} />;
  const options = doors.data.items.map((d) => ({ value: d.key, label: `${d.name} (${d.key})` }));
  const placeholder = required ? t('accessEvents.chooseDoor') : t('accessEvents.anyDoor');
  return <SelectField label={t('accessEvents.door')} value={value} onChange={onChange} options={options} placeholder={placeholder} required={required} />;
}
