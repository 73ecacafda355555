import { useI18n } from '../../i18n/i18n';
import type { Known } from './use-people';

interface SubjectProps {
  userId: string | null;
  deviceId: string | null;
  /** Whose device `deviceId` is, when known (read only for a viewer who may read users). */
  owner?: string;
  people: ReadonlyMap<string, Known>;
  mayRead: boolean;
  /** Narrows the list to this person's events. */
  onPerson?(userId: string): void;
}

/**
 * Who an event names: the person (name, email) for a viewer who may read users, else their user id said to be
 * one; a person's device as theirs ("device of Dan"), for that viewer; any other device by its id; and a way
 * to see only that person's events. The button is named by the id it shows, so that what is read and what is
 * seen agree.
 */
export function Subject({ userId, deviceId, owner, people, mayRead, onPerson }: SubjectProps) {
  const { t } = useI18n();
  const ownerKnown = owner && mayRead ? people.get(owner) : undefined;
  if (!userId && owner && ownerKnown && ownerKnown !== 'gone') {
    return (
      <span className="subject">
        <span className="subject-name">{t('accessEvents.deviceOf', { person: ownerKnown.name ?? ownerKnown.email ?? owner })}</span>
        <br />
        <PersonButton userId={owner} label={ownerKnown.name ?? ownerKnown.email ?? owner} onPerson={onPerson} />
      </span>
    );
  }
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
      <PersonButton userId={userId} label={label} onPerson={onPerson} />
    </span>
  );
}

/** The person's id, as a way to see only their events where the list offers it. */
function PersonButton({ userId, label, onPerson }: { userId: string; label: string | undefined; onPerson: ((userId: string) => void) | undefined }) {
  const { t } = useI18n();
  if (!onPerson) return <code>{userId}</code>;
  return (
    <button type="button" className="link-button" onClick={() => onPerson(userId)} aria-label={t('accessEvents.onlyPerson', { person: userId })} title={t('accessEvents.onlyPerson', { person: label ?? userId })}>
      <code>{userId}</code>
    </button>
  );
}
