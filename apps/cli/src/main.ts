#!/usr/bin/env node
import { InvalidConfigError, InvalidStorageConfigError } from '@stowage/storage';
import { Command, CommanderError, Option } from 'commander';
import { parseAge, parseConcurrency, parseSample } from './arguments.js';
import { ExitCode, UsageError } from './commands/exit-codes.js';
import { locations } from './commands/locations.js';
import { migrate } from './commands/migrate.js';
import { orphans } from './commands/orphans.js';
import { verify } from './commands/verify.js';
import { Output } from './output/output.js';
import { openRuntime, type Runtime } from './runtime.js';

interface GlobalOptions {
  json: boolean;
  envFile: string;
}

type Run = (runtime: Runtime, output: Output, stop: AbortSignal) => Promise<ExitCode>;

const program = new Command('stowage')
  .description(
    "Operations on a Stowage deployment, with the API's configuration: the same environment, .env and database.",
  )
  .option('--json', 'JSON lines on stdout (the default when stdout is not a terminal)', false)
  .option('--env-file <path>', 'variables to read under the environment, as the API does', '.env')
  .showHelpAfterError()
  .exitOverride();

program
  .command('migrate')
  .description('Move (or copy) every file of one location to another: copy, verify, switch the record')
  .requiredOption('--from <location>', 'the location the files are in')
  .requiredOption('--to <location>', 'the location to move them to')
  .addOption(
    new Option('--concurrency <n>', 'files in flight at once (1-64)').argParser(parseConcurrency).default(4),
  )
  .option('--dry-run', 'list what would be migrated, change nothing', false)
  .option('--delete-source', 'delete each source copy once its record points at the new one', false)
  .action((options) =>
    execute((runtime, output, stop) =>
      migrate(runtime, output, { ...options, from: lower(options.from), to: lower(options.to) }, stop),
    ),
  );

program
  .command('verify')
  .description('Read files back and compare their size and SHA-256 with their records')
  .option('--location <location>', 'only this location (default: all)')
  .addOption(
    new Option('--sample <percent>', 'check a random share of the files, e.g. 10%')
      .argParser(parseSample)
      .default(1, '100%'),
  )
  .addOption(
    new Option('--concurrency <n>', 'files read at once (1-64)').argParser(parseConcurrency).default(4),
  )
  .action((options) => execute((runtime, output, stop) => verify(runtime, output, options, stop)));

program
  .command('orphans')
  .description('Find objects no record owns, and records whose bytes are gone')
  .option('--location <location>', 'only this location (default: all)')
  .option('--delete', 'delete the orphaned objects (never records)', false)
  .addOption(
    new Option('--older-than <age>', 'leave younger objects alone: they may be writes in progress')
      .argParser(parseAge)
      .default(24 * 3_600_000, '24h'),
  )
  .action((options) => execute((runtime, output, stop) => orphans(runtime, output, options, stop)));

program
  .command('locations')
  .description('Each location: its driver, options (secrets masked) and health')
  .action(() => execute((runtime, output) => locations(runtime, output)));

/** Opens the runtime, runs the command, closes; SIGINT/SIGTERM stop it gently, a second one at once. */
async function execute(run: Run): Promise<void> {
  const global = program.opts<GlobalOptions>();
  const output = Output.forStdout(global.json);
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(ExitCode.Interrupted);
    process.stderr.write('\nStopping after the files in flight (again to stop at once)\n');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runtime = await openRuntime(global.envFile);
  try {
    process.exitCode = await run(runtime, output, stop.signal);
  } finally {
    await runtime.close();
  }
}

function lower(location: string): string {
  return location.trim().toLowerCase();
}

try {
  await program.parseAsync();
} catch (error) {
  process.exitCode = report(error);
}

/** One line on stderr for what the operator can fix; the whole error for the rest. */
function report(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    // Commander printed it already (or the help, which is no failure).
    return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  }
  if (error instanceof InvalidStorageConfigError) {
    process.stderr.write(`stowage: invalid storage configuration: ${error.problems.join('; ')}\n`);
    return ExitCode.Usage;
  }
  if (error instanceof InvalidConfigError || error instanceof UsageError) {
    process.stderr.write(`stowage: ${error.message}\n`);
    return ExitCode.Usage;
  }
  process.stderr.write(
    `stowage: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.Failed;
}
