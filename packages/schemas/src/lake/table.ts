/**
 * A lake table: a record definition plus its storage facts (tier, row sort key, dedup key).
 *
 * @module
 */
import { defineRecord, type Fields, fieldSignature, type RecordDef } from '../fields.js';

/** Medallion tier of a table. */
export type LakeTier = 'bronze' | 'silver' | 'gold';

/** A lake table defined once; its Arrow schema comes from `toArrowSchema` in `@spymaster/schemas/arrow`. */
export interface TableDef<F extends Fields = Fields> extends RecordDef<F> {
  /** Medallion tier. */
  readonly tier: LakeTier;
  /** Columns rows are sorted by inside every file (levels-pipeline-lake.md F.1). */
  readonly sortKey: readonly (keyof F & string)[];
  /** Columns that identify a row for deduplication (F.6). */
  readonly dedupKey: readonly (keyof F & string)[];
  /** Ordered `name:type:nullable` list: the input of the schema fingerprint (F.5). */
  readonly signature: readonly string[];
}

/** Define a lake table. */
export function defineTable<const F extends Fields>(
  name: string,
  tier: LakeTier,
  fields: F,
  keys: { sortKey: readonly (keyof F & string)[]; dedupKey: readonly (keyof F & string)[] },
): TableDef<F> {
  return Object.freeze({
    ...defineRecord(name, fields),
    tier,
    sortKey: Object.freeze([...keys.sortKey]),
    dedupKey: Object.freeze([...keys.dedupKey]),
    signature: Object.freeze(fieldSignature(fields)),
  });
}
