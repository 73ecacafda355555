import type { paths } from '../../api/schema';

/** A lock as the API lists it, with its latest status report. */
export type Lock = paths['/tenants/{tenant}/locks']['get']['responses'][200]['content']['application/json']['items'][number];

/** One status report of a lock: battery, firmware and error codes at a moment. */
export type LockStatus = NonNullable<Lock['status']>;
