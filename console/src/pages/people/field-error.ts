import type { ApiProblem } from '../../api/api-result';

/** The API's message about one body field (`body.email` ends with `email`), to show at that field. */
export const fieldError = (problem: ApiProblem | undefined, field: string) => problem?.fields.find((f) => f.field?.endsWith(field))?.message;
