/**
 * Lake table definitions: Bronze (canonical events), Silver features, Gold training and Gold streaming
 * signals. Each is one definition from which zod schemas and (via `@spymaster/schemas/arrow`) Arrow
 * schemas are generated.
 *
 * @module
 */
export {
  BronzeFuturesTrades,
  BronzeMbp10,
  type BronzeMbp10Row,
  BronzeOptionNbbo,
  BronzeOptionTrades,
  bronzeMbp10Fields,
  bronzeRowToMbp10,
  mbp10ToBronzeRow,
} from './bronze.js';
export { type GoldLevelSignalRow, GoldLevelSignals, goldRowsFromPayload, goldSignalFields } from './gold.js';
export {
  GoldTraining,
  SILVER_FEATURE_COLUMNS,
  SILVER_LABEL_COLUMNS,
  SilverFeatures,
  type SilverFeaturesRow,
  silverFeatureFields,
  silverFields,
  silverLabelFields,
} from './silver.js';
export { defineTable, type LakeTier, type TableDef } from './table.js';

import { BronzeFuturesTrades, BronzeMbp10, BronzeOptionNbbo, BronzeOptionTrades } from './bronze.js';
import { GoldLevelSignals } from './gold.js';
import { GoldTraining, SilverFeatures } from './silver.js';

/** Every lake table, keyed by a stable short name. */
export const LAKE_TABLES = Object.freeze({
  bronzeFuturesTrades: BronzeFuturesTrades,
  bronzeMbp10: BronzeMbp10,
  bronzeOptionTrades: BronzeOptionTrades,
  bronzeOptionNbbo: BronzeOptionNbbo,
  silverFeatures: SilverFeatures,
  goldTraining: GoldTraining,
  goldLevelSignals: GoldLevelSignals,
});
