import { formatMoment } from '../../components/moment';
import { useI18n } from '../../i18n/i18n';
import type { LockStatus } from './lock-types';

/** One status report as a line a person reads: battery, firmware, error codes and when the lock measured it. */
export function LockStatusText({ status }: { status: LockStatus | null }) {
  const { t, locale } = useI18n();
  if (!status) return <>{t('locks.noStatus')}</>;
  const parts = [
    status.battery === null ? t('locks.batteryUnknown') : t('locks.battery', { percent: String(status.battery) }),
    status.firmware_version ? t('locks.firmwareIs', { version: status.firmware_version }) : '',
    status.error_codes.length ? t('locks.errors', { codes: status.error_codes.join(', ') }) : t('locks.noErrors'),
  ].filter(Boolean);
  return (
    <>
      {parts.join(' · ')}
      <br />
      <span className="meta">{t('locks.reportedAt', { when: formatMoment(status.time, locale) })}</span>
    </>
  );
}
