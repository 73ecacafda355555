import type { z } from 'zod';
import { ValidationError } from '../errors/http-errors.js';

/** Parses one part of a request; a failure names every offending field (`body.email`, `query.limit`). */
export function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: 'params' | 'query' | 'body'): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      field: [where, ...issue.path.map(String)].join('.'),
      message: issue.message,
    })),
  );
}

/** Names a service's field issues as the request body names them (`admins.0.email` → `body.admins.0.email`). */
export function asBodyIssues(err: unknown): never {
  if (err instanceof ValidationError) throw new ValidationError(err.issues.map((i) => ({ ...i, field: `body.${i.field}` })));
  throw err;
}
