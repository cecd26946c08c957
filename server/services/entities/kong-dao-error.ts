import { ValidationError } from "@/server/errors";

/**
 * A Kong DAO error other than a schema violation (kong/db/errors.lua codes): invalid offset (7), invalid size
 * (9), foreign key violation (4). It is a ValidationError, so tRPC answers BAD_REQUEST; the Admin API answers
 * Kong's `{code, name, message, fields}`.
 */
export class KongDaoError extends ValidationError {
  constructor(
    readonly code: number,
    readonly kongName: string,
    message: string,
    readonly kongFields?: Record<string, unknown>,
  ) {
    super(message, [{ path: Object.keys(kongFields ?? {})[0] ?? "", message }]);
    this.name = "KongDaoError";
  }
}

export const invalidSize = (message: string) => new KongDaoError(9, "invalid size", message);
export const invalidOffset = (offset: string, why: string) =>
  new KongDaoError(7, "invalid offset", `'${offset}' is not a valid offset: ${why}`);

/** kong/db/errors.lua foreign_key_violation_invalid_reference. */
export const foreignKeyViolation = (field: string, id: string, parent: string) =>
  new KongDaoError(
    4,
    "foreign key violation",
    `the foreign key '{id="${id}"}' does not reference an existing '${parent}' entity.`,
    { [field]: { id } },
  );

/** kong/db/errors.lua foreign_key_violation_restricted. */
export const referencedBy = (parent: string, child: string) =>
  new KongDaoError(
    4,
    "foreign key violation",
    `an existing '${child}' entity references this '${parent}' entity`,
    {
      "@referenced_by": child,
    },
  );
