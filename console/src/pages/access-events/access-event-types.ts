import type { paths } from '../../api/schema';

type Events = paths['/tenants/{tenant}/access-events'];
/** An access event as the API lists it: a lock's decision or an event it uploaded. */
export type AccessEvent = Events['get']['responses'][200]['content']['application/json']['items'][number];
/** The filter as the API's query takes it: times as ISO 8601 instants, `to` exclusive. */
export type AccessEventFilter = Omit<NonNullable<Events['get']['parameters']['query']>, 'cursor' | 'limit'>;
export type AccessResult = AccessEvent['result'];

export const ACCESS_RESULTS: readonly AccessResult[] = ['granted', 'denied', 'opened', 'error'];
