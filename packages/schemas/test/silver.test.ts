import { describe, expect, it } from 'vitest';
import { fieldSignature } from '../src/fields.js';
import {
  GoldLevelSignals,
  GoldTraining,
  SILVER_FEATURE_COLUMNS,
  SILVER_LABEL_COLUMNS,
  SilverFeatures,
} from '../src/lake/index.js';
import { readSpec } from './spec.js';

const names = Object.keys(SilverFeatures.fields);

describe('silver.features.es_pipeline.v1', () => {
  it('has 182 columns: 10 identity + 108 features + 64 labels', () => {
    expect(names).toHaveLength(182);
    expect(SILVER_FEATURE_COLUMNS).toHaveLength(108);
    expect(SILVER_LABEL_COLUMNS).toHaveLength(64);
    expect(names.slice(0, 10)).toEqual([
      'event_id',
      'ts_ns',
      'timestamp',
      'level_price',
      'level_kind',
      'level_kind_name',
      'direction',
      'entry_price',
      'zone_width',
      'date',
    ]);
    expect(new Set(names).size).toBe(182);
  });

  it('keeps the normative group order', () => {
    const at = (name: string) => names.indexOf(name);
    const order = [
      'barrier_state',
      'tape_imbalance',
      'sweep_detected',
      'gamma_exposure',
      'velocity_1min',
      'momentum_trend_20min',
      'ofi_30s',
      'ofi_acceleration',
      'barrier_delta_1min',
      'barrier_depth_current',
      'dist_to_pm_high',
      'dist_to_pm_high_atr',
      'dist_to_sma_400_atr',
      'dist_to_tested_level',
      'level_stacking_10pt',
      'gex_above_1strike',
      'net_gex_2strike',
      'predicted_accel',
      'atr',
      'prior_touches',
      'minutes_since_open',
      'wall_ratio_nonzero',
      'spot',
      'level_price_pct',
      'attempt_index',
      'tape_imbalance_trend',
      'outcome_2min',
      'future_price_2min',
      'outcome_4min',
      'outcome_8min',
      'outcome',
      'future_price',
    ];
    for (let i = 1; i < order.length; i++) {
      expect(at(order[i] as string), `${order[i - 1]} before ${order[i]}`).toBeGreaterThan(at(order[i - 1] as string));
    }
    expect(names.at(-1)).toBe('future_price');
    expect(names.slice(names.indexOf('velocity_1min'), names.indexOf('velocity_1min') + 7)).toEqual([
      'velocity_1min',
      'acceleration_1min',
      'jerk_1min',
      'velocity_3min',
      'acceleration_3min',
      'jerk_3min',
      'momentum_trend_3min',
    ]);
  });

  it('names every Silver column that the spec text names', () => {
    const text = readSpec('levels-pipeline-lake.md');
    const f3 = text.slice(text.indexOf('### F.3 Silver'), text.indexOf('### F.4 Gold'));
    const literal = names.filter((n) => !/_\d+(min|s|strike|pt)$|^dist_to_(?!tested)|_\d+$/.test(n));
    expect(literal.length).toBeGreaterThan(50);
    const labels = text.slice(text.indexOf('Label base fields (16)'), text.indexOf('**No look-ahead'));
    for (const name of literal) {
      expect(new RegExp(`\\b${name}\\b`).test(f3) || new RegExp(`\\b${name}\\b`).test(labels), name).toBe(true);
    }
  });

  it('uses the spec types: NaN-capable non-null features, nullable label times', () => {
    expect(SilverFeatures.fields.timestamp.kind).toBe('timestamp_ns');
    expect(SilverFeatures.fields.tape_buy_vol.kind).toBe('int64');
    expect(SilverFeatures.fields.approach_bars.kind).toBe('int32');
    expect(SilverFeatures.fields.level_stacking_2pt.kind).toBe('int8');
    expect(SilverFeatures.fields.velocity_1min.allowNaN).toBe(true);
    expect(SilverFeatures.fields.time_to_break_1_2min.nullable).toBe(true);
    expect(SilverFeatures.fields.confirm_ts_ns.kind).toBe('int64');
    expect(SilverFeatures.fields.confirm_ts_ns.nullable).toBe(true);
    expect(SilverFeatures.fields.outcome.values).toEqual(['BREAK', 'BOUNCE', 'CHOP', 'UNDEFINED']);
    const nullable = Object.entries(SilverFeatures.fields)
      .filter(([, d]) => d.nullable)
      .map(([n]) => n);
    expect(nullable).toHaveLength(4 * 7);
  });

  it('features and labels are disjoint and cover everything after identity', () => {
    const features = new Set(SILVER_FEATURE_COLUMNS);
    expect(SILVER_LABEL_COLUMNS.some((c) => features.has(c))).toBe(false);
    expect([...names.slice(0, 10), ...SILVER_FEATURE_COLUMNS, ...SILVER_LABEL_COLUMNS]).toEqual(names);
  });

  it('Gold training has the same columns and types as Silver', () => {
    expect(fieldSignature(GoldTraining.fields)).toEqual(fieldSignature(SilverFeatures.fields));
    expect(GoldTraining.signature).toEqual(SilverFeatures.signature);
    expect(GoldTraining.sortKey).toEqual(['ts_ns', 'level_kind', 'event_id']);
  });
});

describe('gold streaming signals', () => {
  it('has the F.4 columns, non-null only where the spec says', () => {
    expect(Object.keys(GoldLevelSignals.fields)).toHaveLength(45);
    const required = Object.entries(GoldLevelSignals.fields)
      .filter(([, d]) => !d.nullable)
      .map(([n]) => n);
    expect(required).toEqual(['ts_ns', 'underlying', 'level_id']);
    expect(GoldLevelSignals.dedupKey).toEqual(['ts_ns', 'level_id']);
  });
});
