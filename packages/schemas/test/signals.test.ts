import { tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrowTableToRows, rowsToArrowTable } from '../src/arrow.js';
import { LEVEL_KIND_CODE } from '../src/enums.js';
import { FrontendLevelSignalSchema, GatewayFrameSchema } from '../src/gateway.js';
import { GoldLevelSignals, goldRowsFromPayload } from '../src/lake/index.js';
import {
  LevelSignalPayloadSchema,
  type LevelsSignalsPayload,
  LevelsSignalsPayloadSchema,
  levelsSignalsMessageId,
  MarketFlowPayloadSchema,
  marketFlowMessageId,
} from '../src/signals.js';
import { specJsonBlock } from './spec.js';

/** The illustrative `levels.signals.v1` payload of engines.md §9 (number formatting and key order are normative). */
const SPEC_PAYLOAD = specJsonBlock('engines.md', 'Illustrative shape (values not a test vector');

describe('levels.signals.v1', () => {
  it('validates the spec’s payload and re-serializes it byte for byte (key order, number format)', () => {
    const compact = JSON.stringify(JSON.parse(SPEC_PAYLOAD));
    const parsed = LevelsSignalsPayloadSchema.parse(JSON.parse(SPEC_PAYLOAD));
    expect(JSON.stringify(parsed)).toBe(compact);
  });

  it('writes the normative key order even from an object built in another order', () => {
    const payload = JSON.parse(SPEC_PAYLOAD) as LevelsSignalsPayload;
    const reversed: Record<string, unknown> = Object.fromEntries(Object.entries(payload).reverse());
    const level = payload.levels[0] as object;
    reversed.levels = [Object.fromEntries(Object.entries(level).reverse())];
    expect(JSON.stringify(LevelsSignalsPayloadSchema.parse(reversed))).toBe(JSON.stringify(payload));
  });

  it('rejects unknown enums, NaN-like values and extra keys, naming the path', () => {
    const payload = JSON.parse(SPEC_PAYLOAD);
    // biome-ignore lint/suspicious/noExplicitAny: mutating parsed JSON at arbitrary paths
    const cases: [(p: any) => void, (string | number)[]][] = [
      [(p) => (p.levels[0].signal = 'REJECT'), ['levels', 0, 'signal']],
      [(p) => (p.levels[0].barrier.state = 'SOLID'), ['levels', 0, 'barrier', 'state']],
      [(p) => (p.levels[0].break_score_raw = 101), ['levels', 0, 'break_score_raw']],
      [(p) => (p.levels[0].fuel.gamma_by_strike = { '5975': 1 }), ['levels', 0, 'fuel', 'gamma_by_strike', '5975']],
      [(p) => (p.ts_ns = 1765896000250000000), ['ts_ns']],
      [(p) => (p.es.spot = 'x'), ['es', 'spot']],
      [(p) => (p.levels[0].confluence_alignment = 2), ['levels', 0, 'confluence_alignment']],
      [(p) => (p.schema = 'levels.signals.v2'), ['schema']],
    ];
    for (const [mutate, path] of cases) {
      const copy = structuredClone(payload);
      mutate(copy);
      const result = LevelsSignalsPayloadSchema.safeParse(copy);
      expect(result.success, path.join('.')).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(path);
    }
    const extra = structuredClone(payload);
    extra.levels[0].surprise = 1;
    expect(LevelsSignalsPayloadSchema.safeParse(extra).success).toBe(false);
  });

  it('flattens into Gold streaming rows that round-trip through Arrow', () => {
    const payload = LevelsSignalsPayloadSchema.parse(JSON.parse(SPEC_PAYLOAD));
    const rows = goldRowsFromPayload(payload);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row?.ts_ns).toBe(1765896000250000000n);
    expect(row?.level_kind).toBe(LEVEL_KIND_CODE.OR_HIGH);
    expect(row?.gamma_exposure).toBe(178.25);
    expect(row?.barrier_filled).toBe(210n);
    expect(row?.runway_next_level_id).toBe('PM_HIGH');
    expect(row?.fuel_call_wall).toBeNull();
    expect(row?.hvl).toBe(6018.625);
    expect(Object.keys(row ?? {})).toEqual(Object.keys(GoldLevelSignals.fields));
    for (const r of rows) expect(GoldLevelSignals.schema.safeParse(r).success).toBe(true);
    const back = arrowTableToRows(GoldLevelSignals, tableFromIPC(tableToIPC(rowsToArrowTable(GoldLevelSignals, rows))));
    expect(back).toEqual(rows);
  });

  it('property: payloads with arbitrary valid levels validate, flatten and serialize in order', () => {
    const base = JSON.parse(SPEC_PAYLOAD);
    const levelArb = fc.record({
      kind: fc.constantFrom('PM_HIGH', 'PM_LOW', 'OR_HIGH', 'OR_LOW', 'SMA_200', 'SMA_400'),
      price: fc.integer({ min: 12000, max: 28000 }).map((t) => t / 4),
      score: fc.double({ min: 0, max: 100, noNaN: true }),
      signal: fc.constantFrom('BREAK', 'BOUNCE', 'CHOP', 'NEUTRAL'),
    });
    fc.assert(
      fc.property(fc.uniqueArray(levelArb, { selector: (l) => l.kind, maxLength: 6 }), (levels) => {
        const payload = structuredClone(base);
        payload.levels = levels.map((l) => ({
          ...structuredClone(base.levels[0]),
          id: l.kind,
          kind: l.kind,
          price: l.price,
          break_score_raw: l.score,
          signal: l.signal,
        }));
        const parsed = LevelsSignalsPayloadSchema.parse(payload);
        expect(JSON.parse(JSON.stringify(parsed))).toEqual(payload);
        expect(goldRowsFromPayload(parsed).map((r) => r.level_id)).toEqual(levels.map((l) => l.kind));
      }),
    );
  });

  it('builds deterministic NATS message ids', () => {
    expect(levelsSignalsMessageId(1765896000250000000n)).toBe('LS-1765896000250000000');
    expect(marketFlowMessageId('1765896000250000000')).toBe('MF-1765896000250000000');
  });
});

describe('market.flow.v1', () => {
  it('validates a snapshot in the field order of §10.4', () => {
    const snapshot = {
      schema: 'market.flow.v1',
      ts: 1765896000250,
      ts_ns: '1765896000250000000',
      trade_date: '2025-12-16',
      options_basis_missing: false,
      contracts: {
        'E1AZ5 C6000': {
          underlying_contract: 'ESZ5',
          type: 'C',
          contract_strike: 6000,
          strike_price: 6050,
          expiration: '1765918800000000000',
          cumulative_volume: 120,
          cumulative_premium: 90000,
          last_price: 15.25,
          last_timestamp: 1765895999000,
          delta: 0.52,
          gamma: 0.011,
          net_delta_flow: 520,
          net_gamma_flow: -27.5,
        },
      },
    };
    expect(JSON.stringify(MarketFlowPayloadSchema.parse(snapshot))).toBe(JSON.stringify(snapshot));
    const bad = structuredClone(snapshot);
    (bad.contracts['E1AZ5 C6000'] as { type: string }).type = 'X';
    expect(MarketFlowPayloadSchema.safeParse(bad).success).toBe(false);
  });
});

describe('gateway frame', () => {
  it('validates the G-1 level record and a frame carrying es and its spy alias', () => {
    const payload = LevelsSignalsPayloadSchema.parse(JSON.parse(SPEC_PAYLOAD));
    const level = {
      id: 'PM_LOW',
      level_price: 5998,
      level_kind_name: 'PM_LOW',
      direction: 'DOWN',
      distance: 5,
      is_first_15m: true,
      bars_since_open: 10,
      barrier_state: 'WALL',
      barrier_delta_liq: 230,
      barrier_replenishment_ratio: 8.6667,
      wall_ratio: 3,
      tape_imbalance: -1,
      tape_velocity: -0.5,
      tape_buy_vol: 0,
      tape_sell_vol: 50,
      sweep_detected: false,
      sweep_direction: 'NONE',
      gamma_exposure: 1782.08,
      fuel_effect: 'DAMPEN',
      approach_velocity: 0,
      approach_bars: 0,
      approach_distance: 0,
      prior_touches: 0,
      break_score_raw: 10,
      break_score_smooth: 14.3,
      components: { liquidity: 0, hedge: 0, tape: 50 },
      signal: 'BOUNCE',
      confidence: 'MEDIUM',
      note: null,
      confluence_count: 0,
      confluence_pressure: 0,
      confluence_alignment: 0,
    };
    expect(FrontendLevelSignalSchema.parse(level)).toEqual(level);
    const frame = {
      levels: {
        ts: payload.ts,
        ts_ns: payload.ts_ns,
        trade_date: payload.trade_date,
        options_basis_missing: payload.options_basis_missing,
        es: payload.es,
        spy: payload.es,
        levels: [level],
      },
    };
    expect(GatewayFrameSchema.parse(frame)).toEqual(frame);
    expect(FrontendLevelSignalSchema.safeParse({ ...level, signal: 'REJECT' }).success).toBe(false);
  });

  it('the per-level payload schema accepts the spec level and rejects a missing block', () => {
    const level = JSON.parse(SPEC_PAYLOAD).levels[0];
    expect(LevelSignalPayloadSchema.safeParse(level).success).toBe(true);
    const { tape: _tape, ...rest } = level;
    expect(LevelSignalPayloadSchema.safeParse(rest).success).toBe(false);
  });
});
