/**
 * `spymaster sim`: write simulated ES futures + 0DTE options sessions as DBN files.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { simulateSessions } from '@spymaster/sim';
import type { CommandIo } from './dbn.js';
import { UsageError } from './dbn.js';
import { LineWriter } from './output.js';

/** Usage of `spymaster sim`. */
export const SIM_USAGE = `Usage:
  spymaster sim --start YYYY-MM-DD [--days N] [--seed S] [--scale small|full] [--end HH:MM] --out <dir>

Writes, per trade date (weekdays), five DBN v3 zstd files shaped like Databento GLBX.MDP3 downloads:
definitions, ES futures mbp-10 and trades, ES options trades and mbp-1. Same arguments, same bytes.

  --start   first trade date
  --days    number of trade dates (default 1)
  --seed    seed (default 1)
  --scale   small (seconds per day; default) or full (realistic counts)
  --end     end of the simulated window, ET (default 13:30; the window starts at 04:00)
  --out     output directory`;

/** `spymaster sim ...`. */
export async function simCommand(args: string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      start: { type: 'string' },
      days: { type: 'string' },
      seed: { type: 'string' },
      scale: { type: 'string' },
      end: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n\n${SIM_USAGE}`);
  if (!values.start || !/^\d{4}-\d{2}-\d{2}$/.test(values.start))
    throw new UsageError(`--start YYYY-MM-DD is required\n\n${SIM_USAGE}`);
  if (!values.out) throw new UsageError(`--out <dir> is required\n\n${SIM_USAGE}`);
  const days = values.days === undefined ? 1 : Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 1000)
    throw new UsageError(`--days must be an integer from 1 to 1000, got ${values.days}`);
  const scale = values.scale ?? 'small';
  if (scale !== 'small' && scale !== 'full')
    throw new UsageError(`--scale must be small or full, got ${JSON.stringify(scale)}`);
  if (values.end !== undefined && !/^\d{2}:\d{2}$/.test(values.end))
    throw new UsageError(`--end must be HH:MM, got ${JSON.stringify(values.end)}`);
  const out = new LineWriter(io.stdout);
  const started = performance.now();
  simulateSessions({
    start: values.start,
    days,
    seed: values.seed ?? '1',
    scale,
    outDir: values.out,
    ...(values.end ? { end: values.end } : {}),
    onDay: (day) => {
      const records = Object.values(day.counts).reduce((a, b) => a + b, 0);
      io.stderr.write(
        `${day.date}: ${records.toLocaleString('en-US')} records (${day.counts.futuresMbp10.toLocaleString('en-US')} futures book updates, ${day.counts.futuresTrades.toLocaleString('en-US')} futures trades, ${day.counts.optionsTrades.toLocaleString('en-US')} option trades), front ${day.contracts.front.symbol}\n`,
      );
      for (const path of Object.values(day.files)) void out.line(path);
    },
  });
  await out.flush();
  io.stderr.write(`done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  return 0;
}
