/**
 * The `spymaster` command line. `main(argv, io)` runs it with injectable streams (what `bin.ts` and the
 * tests call).
 *
 * @packageDocumentation
 */
import { DbnDecodeError } from '@spymaster/replay';
import { type CommandIo, DBN_USAGE, dbnDump, dbnStats, UsageError } from './dbn.js';
import { PayloadSchemaError, REPLAY_USAGE, ReplayInputError, replayCommand } from './replay.js';

export {
  type DemoReportOptions,
  type DemoReportResult,
  type ReportData,
  type ReportTouch,
  renderReportHtml,
  writeDemoReport,
} from './report.js';

import { SIM_USAGE, simCommand } from './sim.js';

export { type CommandIo, collectDbnStats, type DbnStats, UsageError } from './dbn.js';
export type { LineSink } from './output.js';
export { createProgress, type Progress } from './progress.js';
export {
  formatReplaySummary,
  PayloadSchemaError,
  parseTimeBound,
  ReplayInputError,
  type ReplayInputErrorCode,
  type ReplaySignalsOptions,
  type ReplaySummary,
  replaySignals,
  type SignalService,
  serializeSignalsPayload,
  type Tally,
  type TimeBound,
} from './replay.js';

const USAGE = `spymaster: market physics for ES futures levels

Commands:
  dbn <file> ...        print a DBN file as JSON Lines (or its metadata)
  dbn stats <file>      record counts, time span and decode throughput
  sim --start D ...     write simulated ES futures + 0DTE options sessions as DBN files
  replay <files|dir>    run every engine over DBN files in event time: levels.signals.v1 JSON Lines

${DBN_USAGE}

${SIM_USAGE}

${REPLAY_USAGE}`;

/**
 * Run the command line; resolves to the exit code (0 ok, 1 bad input data, 2 usage error). Typed decode
 * errors are reported with file, byte offset and record index, without a stack trace; so are unusable replay
 * inputs (no definitions, no data files).
 */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stderr.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (command === 'dbn') {
      if (rest[0] === 'stats') return await dbnStats(rest.slice(1), io);
      return await dbnDump(rest, io);
    }
    if (command === 'sim') return await simCommand(rest, io);
    if (command === 'replay') return await replayCommand(rest, io);
    throw new UsageError(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`spymaster: ${(error as Error).message}\n`);
      return 2;
    }
    if (DbnDecodeError.is(error) || ReplayInputError.is(error) || PayloadSchemaError.is(error)) {
      io.stderr.write(`spymaster: ${error.message}\n`);
      return 1;
    }
    if ((error as { name?: string }).name === 'ZstdError') {
      io.stderr.write(`spymaster: ${(error as Error).message}\n`);
      return 1;
    }
    throw error;
  }
}
