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
