import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_PARAMS,
  ConfigError,
  type ConfigKey,
  ConfigSchema,
  DEFAULT_CONFIG,
  defineConfig,
  parseConfig,
} from '../src/config.js';
import { readSpec } from './spec.js';

/** Parameters of the README table that are rules, not values (docs/decisions.md). */
const NOT_A_VALUE = new Set(['LEVEL_DEDUP_CENTS']);

interface SpecRow {
  names: string[];
  cell: string;
}

function specParameterRows(): SpecRow[] {
  const text = readSpec('README.md');
  const section = text.slice(text.indexOf('## 5. Configuration parameters'));
  const rows: SpecRow[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.split('|').map((c) => c.trim());
    const names = [...(cells[1] ?? '').matchAll(/`([A-Za-z_0-9]+)`/g)].map((m) => m[1] as string);
    rows.push({ names, cell: cells[2] ?? '' });
  }
  return rows;
}

/** Numbers (and HH:MM times) of a default cell, parenthetical remarks and the † marker removed. */
function defaultTokens(cell: string): string[] {
  const clean = cell
    .replace(/\([^)]*\)/g, '')
    .replace(/†/g, '')
    .replace(/(\d) (\d{3})/g, '$1$2')
    .replace(/(\d) (\d{3})/g, '$1$2');
  return [...clean.matchAll(/\d{2}:\d{2}|-?\d+(?:\.\d+)?/g)].map((m) => m[0]);
}

function normalize(token: string): string {
  return token.includes(':') ? token : String(Number(token));
}

function flatten(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'string') return [value];
  return [];
}

describe('DEFAULT_CONFIG', () => {
  it('is valid and frozen', () => {
    expect(ConfigSchema.safeParse(DEFAULT_CONFIG).success).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.KIN_WINDOWS_S)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CONFIG.FE_KIND_WEIGHTS)).toBe(true);
  });

  it('has every parameter of the spec README table and nothing else', () => {
    const specNames = specParameterRows()
      .flatMap((r) => r.names)
      .filter((n) => !NOT_A_VALUE.has(n));
    expect(new Set(Object.keys(CONFIG_PARAMS))).toEqual(new Set(specNames));
  });

  it('has the spec README defaults', () => {
    let compared = 0;
    for (const { names, cell } of specParameterRows()) {
      const keys = names.filter((n) => !NOT_A_VALUE.has(n)) as ConfigKey[];
      if (keys.length === 0) continue;
      const tokens = defaultTokens(cell);
      const ours = keys.flatMap((k) => flatten(DEFAULT_CONFIG[k]));
      if (tokens.length === 0 || ours.length === 0) continue; // enums, names, objects: checked below
      // Cells whose numbers are the values of the named parameters, in order.
      if (tokens.length === ours.length) {
        expect(ours.map(normalize), `${keys.join(', ')}: ${cell}`).toEqual(tokens.map(normalize));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(90);
    expect(DEFAULT_CONFIG.QUARTERLY_MONTHS).toEqual(['H', 'M', 'U', 'Z']);
    expect(DEFAULT_CONFIG.FUEL_IV_MODE).toBe('implied');
    expect(DEFAULT_CONFIG.EMIT_FROM_NS).toBeNull();
    expect(DEFAULT_CONFIG.TRAINING_DATASET).toBe('signals_production');
    expect(DEFAULT_CONFIG.FE_KIND_WEIGHTS).toEqual({
      PM_HIGH: 1,
      PM_LOW: 1,
      OR_HIGH: 1,
      OR_LOW: 1,
      SMA_200: 0.7,
      SMA_400: 0.7,
      other: 0.3,
    });
  });

  it('documents a unit and a section for every parameter', () => {
    for (const [name, spec] of Object.entries(CONFIG_PARAMS)) {
      expect(spec.unit, name).not.toBe('');
      expect(spec.doc.length, name).toBeGreaterThan(3);
      expect(spec.section, name).toMatch(/^5\.\d+ /);
    }
  });
});

describe('defineConfig', () => {
  it('merges overrides over the defaults', () => {
    const config = defineConfig({ MONITOR_BAND: 4, tau_score: 1.5, CHOP_BAND: [35, 65] });
    expect(config.MONITOR_BAND).toBe(4);
    expect(config.tau_score).toBe(1.5);
    expect(config.CHOP_BAND).toEqual([35, 65]);
    expect(config.W_b).toBe(240);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('does not freeze the caller’s objects', () => {
    const band: [number, number] = [35, 65];
    defineConfig({ CHOP_BAND: band });
    expect(Object.isFrozen(band)).toBe(false);
  });

  const numeric = Object.entries(CONFIG_PARAMS).filter(
    ([, spec]) => typeof spec.default === 'number' && !spec.allowed.startsWith('exactly'),
  );

  it('rejects every out-of-range numeric value with a message naming the field and the allowed range', () => {
    for (const [name, spec] of numeric) {
      const above = Number(/, ([-0-9.e+]+)\]/.exec(spec.allowed)?.[1]) * 2 + 1;
      const below = -1e12;
      for (const bad of [above, below, Number.NaN, Number.POSITIVE_INFINITY]) {
        const error = captureConfigError({ [name]: bad });
        expect(
          error.issues.map((i) => i.field),
          `${name}=${bad}`,
        ).toContain(name);
        const message = error.issues.find((i) => i.field === name)?.message ?? '';
        expect(message.startsWith(`${name}:`), message).toBe(true);
        expect(message).toContain(spec.allowed);
      }
    }
  });

  it('property: any number outside a parameter’s range is rejected naming that parameter', () => {
    const bounded = numeric.map(([name, spec]) => {
      const m = /([[(])([-0-9.e+]+), ([-0-9.e+]+)\]/.exec(spec.allowed);
      return { name, lo: Number(m?.[2]), hi: Number(m?.[3]), exclusive: m?.[1] === '(' };
    });
    fc.assert(
      fc.property(fc.constantFrom(...bounded), fc.double({ noNaN: true }), (p, x) => {
        const inside = (p.exclusive ? x > p.lo : x >= p.lo) && x <= p.hi;
        fc.pre(!inside);
        const error = captureConfigError({ [p.name]: x });
        return error.issues.some((i) => i.field === p.name && i.message.startsWith(`${p.name}:`));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects non-integers where an integer is required', () => {
    expect(captureConfigError({ SNAP_INTERVAL_MS: 250.5 }).message).toContain(
      'SNAP_INTERVAL_MS: 250.5 is not an integer',
    );
    expect(captureConfigError({ IV_ITERATIONS: 1.5 }).issues[0]?.field).toBe('IV_ITERATIONS');
  });

  it('rejects wrong types, bad times, enums and lists with field-specific messages', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ tau_score: '2' }, 'tau_score', 'tau_score: expected a number'],
      [{ RTH_START: '9:30' }, 'RTH_START', 'RTH_START: "9:30" is not an ET time'],
      [{ RTH_END: '24:00' }, 'RTH_END', 'RTH_END: "24:00" is not an ET time'],
      [
        { FUEL_IV_MODE: 'historical' },
        'FUEL_IV_MODE',
        'FUEL_IV_MODE: "historical" is not allowed; allowed: one of "implied", "fixed"',
      ],
      [{ KIN_WINDOWS_S: [60, 120] }, 'KIN_WINDOWS_S', 'KIN_WINDOWS_S: [60,120] is not allowed'],
      [{ CHOP_BAND: [70, 30] }, 'CHOP_BAND', 'CHOP_BAND: [70,30] has low > high'],
      [{ CHOP_BAND: [30, 170] }, 'CHOP_BAND[1]', 'CHOP_BAND[1]: 170 is out of range'],
      [{ QUARTERLY_MONTHS: ['Z', 'H'] }, 'QUARTERLY_MONTHS', 'not in calendar order'],
      [{ EMIT_FROM_NS: 5 }, 'EMIT_FROM_NS', 'EMIT_FROM_NS: expected null or a bigint'],
      [{ EMIT_FROM_NS: -5n }, 'EMIT_FROM_NS', 'EMIT_FROM_NS: -5n is negative'],
      [
        { FE_KIND_WEIGHTS: { ...DEFAULT_CONFIG.FE_KIND_WEIGHTS, SMA_200: -1 } },
        'FE_KIND_WEIGHTS.SMA_200',
        'FE_KIND_WEIGHTS.SMA_200: -1 is out of range',
      ],
      [{ TRAINING_DATASET: '../etc' }, 'TRAINING_DATASET', 'is not a file-name-safe dataset name'],
      [{ TZ: 'Europe/London' }, 'TZ', 'TZ: "Europe/London" is not allowed'],
      [{ W_bb: 1 }, '(root)', 'unknown configuration parameter W_bb'],
    ];
    for (const [overrides, field, message] of cases) {
      const error = captureConfigError(overrides);
      expect(
        error.issues.map((i) => i.field),
        JSON.stringify(overrides, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)),
      ).toContain(field);
      expect(error.message).toContain(message);
    }
  });

  it('rejects inconsistent combinations naming the field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ TOUCH_BAND: 6 }, 'TOUCH_BAND'],
      [{ RTH_START: '14:00' }, 'RTH_END'],
      [{ PREMARKET_START: '10:00' }, 'PREMARKET_START'],
      [{ W_t: 120 }, 'TRADE_RETENTION_S'],
      [{ W_b: 400 }, 'FLOW_RETENTION_S'],
      [{ MID_RETENTION_S: 600 }, 'MID_RETENTION_S'],
      [{ SMA_FAST_PERIOD: 400 }, 'SMA_FAST_PERIOD'],
      [{ w_L: 0.5 }, 'w_L'],
      [{ BREAK_RELEASE: 85 }, 'BREAK_RELEASE'],
      [{ BOUNCE_RELEASE: 10 }, 'BOUNCE_RELEASE'],
      [{ CONF_MEDIUM: 0.8 }, 'CONF_MEDIUM'],
      [{ R_vac: 2 }, 'R_vac'],
      [{ PRICE_SANITY_MIN: 20000 }, 'PRICE_SANITY_MIN'],
      [{ SIGMA_DEFAULT: 6 }, 'SIGMA_DEFAULT'],
      [{ WALL_MIN_GAMMA: 10 }, 'WALL_MIN_GAMMA'],
    ];
    for (const [overrides, field] of cases) {
      const error = captureConfigError(overrides);
      expect(
        error.issues.map((i) => i.field),
        JSON.stringify(overrides),
      ).toContain(field);
      expect(error.issues.find((i) => i.field === field)?.message.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('rejects a non-object', () => {
    expect(() => defineConfig(null as never)).toThrow(ConfigError);
    expect(() => parseConfig([1])).toThrow(ConfigError);
  });

  it('ConfigError.is recognises the error by brand', () => {
    const error = captureConfigError({ W_b: 0 });
    expect(ConfigError.is(error)).toBe(true);
    expect(ConfigError.is(new Error('x'))).toBe(false);
  });
});

function captureConfigError(overrides: Record<string, unknown>): ConfigError {
  try {
    defineConfig(overrides as never);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(
    `expected ${JSON.stringify(overrides, (_, v) => (typeof v === 'bigint' ? String(v) : v))} to be rejected`,
  );
}
