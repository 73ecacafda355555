import { patchBodyValidation, PATCH_OPERATION_SCHEMA, scimPatch, ScimError as PatchLibraryError, type ScimPatch, type ScimResource } from 'scim-patch';
import { badRequest, type ScimType } from './scim-errors.js';

/**
 * Applies a PatchOp body (RFC 7644 §3.5.2) to a resource as SCIM shows it, with scim-patch, and returns the
 * resource as it would be. The caller then writes that result as it writes a PUT: one path to the services,
 * whatever the operations were. The original is not changed.
 */
export function patchResource<T extends object>(resource: T, body: unknown): T {
  if (typeof body !== 'object' || body === null) throw badRequest('invalidSyntax', 'A PATCH body is a PatchOp object');
  const patch = body as ScimPatch;
  if (!Array.isArray(patch.schemas) || !patch.schemas.includes(PATCH_OPERATION_SCHEMA)) throw badRequest('invalidSyntax', `schemas must hold ${PATCH_OPERATION_SCHEMA}`);
  if (!Array.isArray(patch.Operations) || patch.Operations.length === 0) throw badRequest('invalidSyntax', 'Operations must be a non-empty array');
  const operations = patch.Operations.map((op) => (typeof op?.op === 'string' ? { ...op, op: op.op.toLowerCase() } : op)) as ScimPatch['Operations'];
  try {
    patchBodyValidation({ ...patch, Operations: operations });
    return scimPatch(resource as unknown as ScimResource, operations, { mutateDocument: false, treatMissingAsAdd: true }) as unknown as T;
  } catch (err) {
    if (err instanceof PatchLibraryError) throw badRequest(scimTypeOf(err.scimCode), err.message || 'The patch cannot be applied');
    // The library reaches into values the request shaped; whatever it trips on there is the request's fault.
    if (err instanceof TypeError) throw badRequest('invalidValue', 'The patch does not fit the resource');
    throw err;
  }
}

const KNOWN: ScimType[] = ['invalidFilter', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability'];

function scimTypeOf(code: string | undefined): ScimType {
  return KNOWN.find((k) => k === code) ?? 'invalidValue';
}
