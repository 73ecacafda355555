import type { paths } from '../../api/schema';
import type { MessageKey } from '../../i18n/en';

/** A user as the API lists them: the type comes from the OpenAPI document, so it follows the API. */
export type User = paths['/tenants/{tenant}/users']['get']['responses'][200]['content']['application/json']['items'][number];
export type UserStatus = User['status'];
export const USER_STATUSES: readonly UserStatus[] = ['invited', 'active', 'locked', 'restricted', 'anonymized'];

export type StatusAction = 'lock' | 'unlock' | 'restrict' | 'unrestrict';

interface StatusActionSpec {
  /** The statuses the API allows it from (statusRoute in src/admin-api/routes/users.routes.ts). */
  from: readonly UserStatus[];
  label: MessageKey;
  done: MessageKey;
  /** What it does that the person should know before deciding; absent for changes that only give back. */
  confirm?: { title: MessageKey; consequence: MessageKey };
  danger?: boolean;
}

export const STATUS_ACTIONS: Record<StatusAction, StatusActionSpec> = {
  lock: { from: ['active'], label: 'users.lock', done: 'users.locked', confirm: { title: 'users.lockTitle', consequence: 'users.lockConsequence' }, danger: true },
  unlock: { from: ['locked'], label: 'users.unlock', done: 'users.unlocked' },
  restrict: {
    from: ['active', 'locked'],
    label: 'users.restrict',
    done: 'users.restricted',
    confirm: { title: 'users.restrictTitle', consequence: 'users.restrictConsequence' },
    danger: true,
  },
  unrestrict: { from: ['restricted'], label: 'users.unrestrict', done: 'users.unrestricted' },
};

export const statusActionsFor = (user: User) => (Object.keys(STATUS_ACTIONS) as StatusAction[]).filter((a) => STATUS_ACTIONS[a].from.includes(user.status));

export const statusKey = (status: UserStatus): MessageKey => `users.status.${status}`;
