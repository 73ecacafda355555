import { useI18n } from '../../i18n/i18n';
import type { Known } from './use-people';

interface SubjectProps {
  userId: string | null;
  deviceId: string | null;
  people: ReadonlyMap<string, Known>;
  mayRead: boolean;
  /** Narrows the list to this person's events. */
  onPerson?(userId: string): void;
}

/**
 * Who an event names: the person (name, email) for a viewer who may read users, else their user id said to be
 * one; a device of nobody known by its id; and a way to see only that person's events. The button is named
 * by the id it shows, so that what is read and what is seen agree.
 */
export function Subject({ userId, deviceId, people, mayRead, onPerson }: SubjectProps) {
  const { t } = useI18n();
  if (!userId) return <>{deviceId ? t('accessEvents.device', { id: deviceId }) : t('accessEvents.nobody')}</>;
  const known = people.get(userId);
  const label = known && known !== 'gone' ? (known.name ?? known.email ?? userId) : undefined;
  return (
    <span className="subject">
      {label ? (
        <>
          <span className="subject-name">{label}</span>
          {known !== 'gone' && known?.email && known.email !== label && <span className="meta"> {known.email}</span>}
          <br />
        </>
      ) : mayRead && known === 'gone' ? (
        <span className="meta">{t('accessEvents.userGone')} </span>
      ) : !mayRead ? (
        <span className="meta">{t('accessEvents.userId')} </span>
      ) : null}
      {onPerson ? (
        <button type="button" className="link-button" onClick={() => onPerson(userId)} aria-label={t('accessEvents.onlyPerson', { person: userId })} title={t('accessEvents.onlyPerson', { person: label ?? userId })}>
          <code>{userId}</code>
        </button>
      ) : (
        <code>{userId}</code>
      )}
    </span>
  );
}
